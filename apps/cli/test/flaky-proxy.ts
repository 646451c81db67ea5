/**
 * A proxy in front of the receiver that answers 503 to every n-th request without forwarding it: the "5xx" fault
 * of the end-to-end suite. Deterministic, so the test never depends on luck.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type FlakyProxy = { url: string; failed: number; close: () => Promise<void> };

export async function startFlakyProxy(target: string, everyNth: number): Promise<FlakyProxy> {
  const state = { seen: 0, failed: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    state.seen += 1;
    if (state.seen % everyNth === 0) {
      state.failed += 1;
      res.writeHead(503, { "content-type": "application/json" }).end('{"error":"injected"}');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    try {
      const upstream = await fetch(`${target}${req.url ?? "/"}`, {
        method: req.method ?? "POST",
        headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get failed() {
      return state.failed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

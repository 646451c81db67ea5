/** A bare node:http receiver on 127.0.0.1 that records every request and answers from a script. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { path: string; headers: IncomingHttpHeaders; raw: Buffer; at: Date };
export type Reply = { status: number; body?: string } | "hang";

export async function startReceiver(script: (req: Received, index: number) => Reply = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { path: req.url ?? "", headers: req.headers, raw: Buffer.concat(chunks), at: new Date() };
      received.push(r);
      const reply = script(r, received.length - 1);
      if (reply === "hang") return; // a receiver slower than the vendor's timeout
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(reply.body ?? '{"status":1,"result":"success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

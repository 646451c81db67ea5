/**
 * A small receiver for tests, verifying with core the way a correct one must (raw bytes, both time directions,
 * body limit, dedupe on event identity). Tests use it instead of apps/receiver so the CLI is tested on its own.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyAliyunLiveCallback, verifyHuaweiLiveCallback, verifyHuaweiRtcCallback } from "@livehook/core";

export type ReferenceReceiver = {
  url: string;
  stored: Map<string, unknown>;
  requests: number;
  close: () => Promise<void>;
};

export type ReferenceOptions = {
  keys: { "huawei-live": string; "huawei-rtc": string; "aliyun-live": string };
  now: () => Date;
  maxBody?: number;
  /** Accept everything with 200, like a receiver that forgot to verify. */
  sloppy?: boolean;
};

async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer | "too_large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return "too_large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function identity(vendor: string, body: Record<string, unknown>): string {
  const f = (k: string) => String(body[k] ?? "");
  if (vendor === "huawei-live") return ["hl", f("task_id"), f("job_id"), f("event_type")].join("/");
  if (vendor === "huawei-rtc") return ["hr", f("job_id"), f("event_type"), f("start_time")].join("/");
  return ["al", f("domain"), f("app"), f("stream"), f("uri"), f("event")].join("/");
}

export async function startReferenceReceiver(opts: ReferenceOptions): Promise<ReferenceReceiver> {
  const stored = new Map<string, unknown>();
  const state = { requests: 0 };
  const server: Server = createServer(async (req, res) => {
    state.requests += 1;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const vendor = (req.url ?? "").replace(/^\/hooks\//, "");
    const raw = await readRaw(req, opts.maxBody ?? 1024 * 1024);
    if (raw === "too_large") {
      reply(413, { error: "too_large" });
      return;
    }
    if (!opts.sloppy) {
      const now = opts.now();
      const headers = req.headers as Record<string, string>;
      const verdict =
        vendor === "huawei-live"
          ? verifyHuaweiLiveCallback(raw, [opts.keys["huawei-live"]], { now })
          : vendor === "huawei-rtc"
            ? verifyHuaweiRtcCallback(raw, headers, [opts.keys["huawei-rtc"]], { now })
            : verifyAliyunLiveCallback(headers, [opts.keys["aliyun-live"]], { now, host: req.headers.host ?? "" });
      if (!verdict.ok) {
        reply(401, { error: verdict.reason });
        return;
      }
    }
    const body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    const id = identity(vendor, body);
    if (!stored.has(id)) stored.set(id, body);
    reply(200, { status: 1, result: "success" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

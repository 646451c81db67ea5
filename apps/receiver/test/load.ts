/**
 * A small bounded load generator for 127.0.0.1 only: N concurrent keep-alive connections (node:http Agent),
 * each sending one request after another until the deadline or until stopped. Used by scripts/kill9.ts and
 * bench/receiver.bench.ts.
 */
import { Agent, request as httpRequest } from "node:http";

export type LoadResult = {
  sent: number;
  ok: number;
  failed: number;
  latenciesMs: number[];
  elapsedMs: number;
};

export type LoadOptions = {
  url: string;
  connections: number;
  durationMs: number;
  /** Builds request i: path, headers and body. */
  request: (i: number) => { path: string; headers: Record<string, string>; body: string };
  /** Called for each 200 reply, with the request index. */
  onAck?: (i: number) => void;
  signal?: AbortSignal;
};

function once(agent: Agent, url: URL, req: { path: string; headers: Record<string, string>; body: string }) {
  return new Promise<number>((resolve, reject) => {
    const r = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: req.path,
        headers: { ...req.headers, "content-length": Buffer.byteLength(req.body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = new URL(opts.url);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("runLoad targets 127.0.0.1 only");
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, latenciesMs: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = started + opts.durationMs;
  let next = 0;
  const worker = async () => {
    while (performance.now() < deadline && !opts.signal?.aborted) {
      const i = next++;
      const t0 = performance.now();
      result.sent++;
      try {
        const status = await once(agent, url, opts.request(i));
        result.latenciesMs.push(performance.now() - t0);
        if (status === 200) {
          result.ok++;
          opts.onAck?.(i);
        } else result.failed++;
      } catch {
        result.failed++;
        if (opts.signal?.aborted) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * A minimal keep-alive HTTP/1.1 load generator on raw sockets: `pipelining` requests in flight per connection
 * (1 = a plain closed loop), responses framed by Content-Length (or a chunked terminator). node:http's client costs
 * more CPU per request than the servers under test, and on a 2-core machine that would measure the client instead
 * of the server.
 */
import { connect, type Socket } from "node:net";

export type Shot = { method: string; path: string; body?: string; headers?: Record<string, string> };

const HEADER_END = Buffer.from("\r\n\r\n");
const CHUNKED_END = Buffer.from("0\r\n\r\n");

function encode(port: number, shot: Shot): Buffer {
  const body = shot.body === undefined ? undefined : Buffer.from(shot.body);
  const lines = [`${shot.method} ${shot.path} HTTP/1.1`, `host: 127.0.0.1:${port}`, "connection: keep-alive"];
  for (const [k, v] of Object.entries(shot.headers ?? {})) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`);
  return body === undefined ? head : Buffer.concat([head, body]);
}

/** Runs `connections` closed loops for `seconds` (at most `maxRequests`); counts replies with `expectStatus`. */
export async function hammer(opts: {
  port: number;
  connections: number;
  seconds: number;
  maxRequests: number;
  expectStatus: number;
  pipelining?: number;
  make: (i: number) => Shot;
}): Promise<{ rps: number; ok: number; bad: number }> {
  const depth = Math.max(1, opts.pipelining ?? 1);
  let issued = 0;
  let ok = 0;
  let bad = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const t0 = performance.now();
  const loop = (socket: Socket) =>
    new Promise<void>((resolve) => {
      let buf: Buffer = Buffer.alloc(0);
      let inFlight = 0;
      const next = () => {
        if (performance.now() >= deadline || issued >= opts.maxRequests) {
          if (inFlight === 0) {
            socket.end();
            resolve();
          }
          return;
        }
        inFlight++;
        socket.write(encode(opts.port, opts.make(issued++)));
      };
      socket.on("data", (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        for (;;) {
          const end = buf.indexOf(HEADER_END);
          if (end < 0) return;
          const head = buf.subarray(0, end).toString("latin1");
          const status = Number(head.slice(9, 12));
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          let total: number;
          if (length?.[1] !== undefined) total = end + 4 + Number(length[1]);
          else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
            const term = buf.indexOf(CHUNKED_END, end + 4);
            if (term < 0) return;
            total = term + CHUNKED_END.length;
          } else total = end + 4;
          if (buf.length < total) return;
          buf = buf.subarray(total);
          inFlight--;
          if (status === opts.expectStatus) ok++;
          else bad++;
          next();
        }
      });
      socket.on("error", () => {
        bad++;
        resolve();
      });
      socket.on("close", () => resolve());
      for (let k = 0; k < depth; k++) next();
    });
  await Promise.all(
    Array.from(
      { length: opts.connections },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(opts.port, "127.0.0.1", () => loop(socket).then(resolve));
          socket.setNoDelay(true);
          socket.on("error", () => resolve());
        }),
    ),
  );
  return { rps: ok / ((performance.now() - t0) / 1000), ok, bad };
}

/**
 * The callback endpoints, on node:http: POST /hooks/<vendor> is answered here, reading the IncomingMessage
 * directly, and everything else is left to Hono (server.ts says why). The checks and replies are processCallback's.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReceiverDeps } from "./deps.js";
import { processCallback } from "./hooks/receive-callback.js";
import type { VendorHook } from "./hooks/vendor-hook.js";

/**
 * Reads at most `limit` bytes and calls `done` with them, or with undefined as soon as the body is known to be
 * larger: at once for a declared Content-Length over the limit, or when the chunk that crosses it arrives, so a
 * chunked sender is answered without its body being read to the end (issue 15 item 5). The request is then
 * paused: what the sender keeps streaming waits in the socket buffers until the 413 reply closes the connection
 * (see `closeAfterReply`). A sender that disconnects mid-body gets no call: no reply and nothing stored.
 * Callbacks, not a promise: this runs for every callback request, and each promise hop costs the event loop.
 */
function readLimited(req: IncomingMessage, limit: number, done: (raw: Uint8Array | undefined) => void): void {
  const declared = req.headers["content-length"];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
    done(undefined);
    return;
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      first = undefined;
      chunks = undefined;
      done(undefined);
    } else if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  };
  const onEnd = () => done(chunks !== undefined ? Buffer.concat(chunks) : (first ?? Buffer.alloc(0)));
  req.on("data", onData);
  req.on("end", onEnd);
}

/**
 * A body over the limit is answered 413 with `Connection: close`, and the socket is destroyed once the reply is
 * flushed. Without the close, node:http keeps the connection alive and reads (dumps) the rest of the unread body
 * before the next request, so a sender could stream for as long as it liked; with it, node ends the socket after
 * the reply, and destroying it stops reading for good, whatever the sender still has queued.
 */
function closeAfterReply(req: IncomingMessage, res: ServerResponse, headers: Record<string, string | number>): void {
  headers.connection = "close";
  res.once("finish", () => req.socket.destroy());
}

/** Every accepted event is answered with its hook's constant ack: its JSON text is made once. */
const ackTexts = new WeakMap<object, string>();
function bodyText(body: object): string {
  let text = ackTexts.get(body);
  if (text === undefined) {
    text = JSON.stringify(body);
    if (Object.isFrozen(body)) ackTexts.set(body, text);
  }
  return text;
}

/** Returns a handler that answers hook requests and returns false for anything else. */
export function nodeHookHandler(deps: ReceiverDeps, hooks: ReadonlyMap<string, VendorHook>) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const hook = hooks.get(q === -1 ? url : url.slice(0, q));
    if (hook === undefined) return false;
    const started = performance.now();
    const receivedAt = deps.clock.now();
    readLimited(req, deps.config.bodyLimitBytes, (raw) => {
      processCallback(hook, deps, { raw, headers: req.headers, receivedAt, started }).then(
        (reply) => {
          const text = bodyText(reply.body);
          const headers: Record<string, string | number> = reply.headers;
          headers["content-type"] = "application/json";
          headers["content-length"] = Buffer.byteLength(text);
          if (raw === undefined) closeAfterReply(req, res, headers);
          else if (deps.draining?.()) headers.connection = "close";
          res.writeHead(reply.status, headers);
          res.end(text);
        },
        (err: unknown) => {
          deps.log.error({ err: { message: (err as Error).message } }, "hook request failed");
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
          res.end('{"error":"internal_error"}');
        },
      );
    });
    return true;
  };
}

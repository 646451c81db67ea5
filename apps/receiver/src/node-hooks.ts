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
 * paused: what the sender keeps streaming waits in the socket buffers until the 413 reply is out (see
 * `closeAfterReply`). A sender that disconnects mid-body gets no call: no reply and nothing stored.
 * Callbacks, not a promise: this runs for every callback request, and each promise hop costs the event loop.
 */
function readLimited(req: IncomingMessage, limit: number, done: (raw: Uint8Array | undefined) => void): void {
  if (declaresMoreThan(req, limit)) {
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

/** Whether the request declares a Content-Length over `limit`. */
export function declaresMoreThan(req: IncomingMessage, limit: number): boolean {
  const declared = req.headers["content-length"];
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit;
}

/** How long, and how much more than the limit, a sender answered 413 may go on sending before it is cut off. */
export const LINGER_MS = 2000;
export const LINGER_LIMITS = 4;

/**
 * A body over the limit is answered 413 with `Connection: close`, and the connection is closed in two steps, as
 * web servers do ("lingering close"): node:http sends the reply and then our FIN at once, and what the sender still
 * sends is read and dropped for at most LINGER_MS and LINGER_LIMITS times the limit, then the socket is destroyed.
 * Destroying it as soon as the reply was out made the kernel answer the unread bytes with a reset, and a sender that
 * writes its whole body before reading the reply (Node's http and fetch, most Java clients) saw ECONNRESET instead
 * of the 413; a sender that keeps streaming is still cut off by the bounds, not read to its end (issue 15 item 5).
 * Without the close, node:http would keep the connection alive and read the whole unread body before the next
 * request.
 */
function closeAfterReply(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string | number>,
  limit: number,
): void {
  headers.connection = "close";
  res.once("finish", () => {
    const socket = req.socket;
    // node:http's own close of a `Connection: close` reply (socket.destroySoon) destroys the socket as soon as our
    // FIN is out, whatever is still unread: that one step is replaced by the bounded linger.
    socket.removeListener("finish", socket.destroy);
    const cutOff = () => socket.destroy();
    const timer = setTimeout(cutOff, LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    let dropped = 0;
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_LIMITS * limit) cutOff();
    });
    req.resume();
  });
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
          if (raw === undefined) closeAfterReply(req, res, headers, deps.config.bodyLimitBytes);
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

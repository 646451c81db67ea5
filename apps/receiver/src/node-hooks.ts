/**
 * The node:http fast path for the callback endpoints. Hono's node adapter turns every request into a fetch
 * Request with a web-stream body; for the hot path that conversion costs more than verifying and storing the
 * event, so main.ts answers POST /hooks/<vendor> here, reading the IncomingMessage directly, and passes
 * everything else to Hono. The checks and replies are processCallback's, exactly as on the Hono route.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReceiverDeps } from "./deps.js";
import { processCallback } from "./hooks/receive-callback.js";
import type { VendorHook } from "./hooks/vendor-hook.js";

class ClientGone extends Error {
  override name = "ClientGone";
}

/** Reads at most `limit` bytes; resolves undefined (and stops reading) when the body is larger. */
function readLimited(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on("end", () => {
      ended = true;
      resolve(over ? undefined : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on("error", reject);
    // A sender that disconnects mid-body gets no reply and nothing is stored.
    req.on("close", () => {
      if (!ended) reject(new ClientGone());
    });
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
    readLimited(req, deps.config.bodyLimitBytes)
      .then((raw) => processCallback(hook, deps, { raw, headers: req.headers, receivedAt, started }))
      .then(
        (reply) => {
          const text = bodyText(reply.body);
          const headers: Record<string, string | number> = reply.headers;
          headers["content-type"] = "application/json";
          headers["content-length"] = Buffer.byteLength(text);
          if (deps.draining?.()) headers.connection = "close";
          res.writeHead(reply.status, headers);
          res.end(text);
        },
        (err: unknown) => {
          if (err instanceof ClientGone) return;
          deps.log.error({ err: { message: (err as Error).message } }, "hook request failed");
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
          res.end('{"error":"internal_error"}');
        },
      );
    return true;
  };
}

/** What every route module closes over: the injected deps plus the app-lifetime services built from them. */
import type { ApigLockout } from "./auth/lockout.js";
import type { DeliveryEngine } from "./delivery/engine.js";
import type { MockDeps } from "./deps.js";
import type { NonceCache } from "./nonce-cache.js";
import type { Simulator } from "./simulator/simulator.js";
import type { Throttle } from "./throttle.js";

export interface AppContext {
  deps: MockDeps;
  throttle: Throttle;
  nonces: NonceCache;
  lockout: ApigLockout;
  engine: DeliveryEngine;
  simulator: Simulator;
}

/** Hono env of the vendor routes: the raw body is read once, before anything parses it (STYLE habit 12). */
export type VendorEnv = { Variables: { raw: Uint8Array; requestId: string } };

export const utf8 = new TextDecoder();

/** Server-side 5xx fault on the management APIs (global `api_error_rate`). */
export function apiFaultFires(deps: MockDeps): boolean {
  const rate = deps.store.faults.api_error_rate ?? 0;
  return rate > 0 && deps.random.float() < rate;
}

/** The APIG lock-out tracker when the `apig_lockout` setting is on (§2.10), else undefined. */
export function activeLockout(ctx: AppContext): ApigLockout | undefined {
  return ctx.deps.store.settings.apig_lockout ? ctx.lockout : undefined;
}

/** Parses JSON text; undefined (not a throw) for malformed input. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

const EMPTY = new Uint8Array(0);

export type NodeIncoming = {
  headers: Record<string, string | string[] | undefined>;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  once(event: "end", listener: () => void): unknown;
  once(event: "error", listener: (err: Error) => void): unknown;
};

/**
 * One request header, read from the IncomingMessage on @hono/node-server: `c.req.header()` first builds a full
 * fetch Headers object from every incoming header.
 */
export function requestHeader(
  c: { env: unknown; req: { header(name: string): string | undefined } },
  name: string,
): string | undefined {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (incoming?.headers === undefined) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** Bodies above this are refused: every vendor body here is a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The raw body, read once; undefined when it exceeds MAX_BODY_BYTES (the rest is drained, not kept). A request
 * without a body (no Content-Length, no Transfer-Encoding: the usual GET and DELETE) skips the read. On
 * @hono/node-server the bytes come straight from the IncomingMessage: going through `c.req.arrayBuffer()` would
 * first build a full fetch Request, which costs more than the handler itself.
 */
export async function readRawBody(c: {
  env: unknown;
  req: { raw: Request; arrayBuffer(): Promise<ArrayBuffer> };
}): Promise<Uint8Array | undefined> {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (incoming !== undefined && typeof incoming.on === "function") return readIncomingBody(incoming);
  if (c.req.raw.body === null) return EMPTY;
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return bytes.length > MAX_BODY_BYTES ? undefined : bytes;
}

/** readRawBody on a node IncomingMessage (also used by the node:http fast path). */
export function readIncomingBody(incoming: NodeIncoming): Promise<Uint8Array | undefined> | Uint8Array {
  const h = incoming.headers;
  if ((h["content-length"] === undefined || h["content-length"] === "0") && h["transfer-encoding"] === undefined) {
    return EMPTY;
  }
  // Events rather than `for await`: the async-iterator machinery costs more than a small body.
  return new Promise<Uint8Array | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    incoming.once("end", () => {
      if (size > MAX_BODY_BYTES) resolve(undefined);
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    incoming.once("error", reject);
  });
}

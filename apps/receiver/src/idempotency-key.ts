/**
 * The idempotency key (README "Idempotency"): SHA-256 of the event's canonical JSON without its auth fields.
 * Canonical means object keys sorted at every depth, so a re-serialized retry gives the same key; the auth
 * fields are dropped because a retry is re-signed with a new timestamp (D6).
 *
 * Bodies without identity (Alibaba status callbacks: a retry and a second genuine pause are byte-identical)
 * claim two keys, for the time bucket of arrival and the next one (bucket = window seconds). Two arrivals less
 * than one window apart always share a key; more than two windows apart never do.
 */
import { createHash } from "node:crypto";
import type { Vendor } from "./vendors.js";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function eventDigest(body: unknown, authFields: readonly string[]): string {
  let event = body;
  if (authFields.length > 0 && typeof body === "object" && body !== null && !Array.isArray(body)) {
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    for (const f of authFields) delete copy[f];
    event = copy;
  }
  return createHash("sha256")
    .update(JSON.stringify(canonical(event)))
    .digest("hex");
}

export function idempotencyKeys(
  vendor: Vendor,
  digest: string,
  identityless: boolean,
  receivedAtMs: number,
  windowSeconds: number,
): string[] {
  if (!identityless) return [`${vendor}:${digest}`];
  const bucket = Math.floor(receivedAtMs / (windowSeconds * 1000));
  return [`${vendor}:${digest}:w${bucket}`, `${vendor}:${digest}:w${bucket + 1}`];
}

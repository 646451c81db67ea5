/**
 * The idempotency key (README "Idempotency"): SHA-256 of the event's canonical JSON without its auth fields.
 * Canonical means object keys sorted at every depth, so a re-serialized retry gives the same key; the auth
 * fields are dropped because a retry is re-signed with a new timestamp (D6).
 *
 * Bodies without identity (Alibaba status callbacks, SparkRTC file starts: a retry and a second genuine event
 * are byte-identical) claim one key per slice of a quarter window, for the slice of arrival and the next
 * four. Two arrivals less than one window apart always share a key; 1.25 windows or more apart never do.
 */
import { createHash } from "node:crypto";
import type { Vendor } from "./vendors.js";

/** Slices per window: the grey zone between "always a duplicate" and "always new" is 1/WINDOW_SLICES of a window. */
export const WINDOW_SLICES = 4;

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
  const sliceMs = (windowSeconds * 1000) / WINDOW_SLICES;
  const slice = Math.floor(receivedAtMs / sliceMs);
  return Array.from({ length: WINDOW_SLICES + 1 }, (_, i) => `${vendor}:${digest}:w${slice + i}`);
}

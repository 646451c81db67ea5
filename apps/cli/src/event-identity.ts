/**
 * The identity of a callback event, in the canonical form the receiver keys events by (its README "Idempotency"):
 * SHA-256 of the body's canonical JSON (keys sorted at every depth) without the auth fields, which change on every
 * re-signed retry. All 256 bits, where the receiver's keys keep 128: reconcile computes identities on both sides
 * from bodies, so they never meet a stored key.
 */
import { createHash } from "node:crypto";

const AUTH_FIELDS: Record<string, readonly string[]> = {
  "huawei-live": ["auth_sign", "auth_timestamp"],
  "huawei-rtc": [],
  "aliyun-live": [],
};

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function eventIdentity(vendor: string, body: unknown): string {
  let event = body;
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const copy = { ...(body as Record<string, unknown>) };
    for (const f of AUTH_FIELDS[vendor] ?? []) delete copy[f];
    event = copy;
  }
  return `${vendor}:${createHash("sha256")
    .update(JSON.stringify(canonical(event)))
    .digest("hex")}`;
}

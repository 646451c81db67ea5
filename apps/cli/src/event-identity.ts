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

/**
 * The receiver refuses bodies nested deeper than 32 levels (400 `too_deeply_nested`: its README), so it never
 * stores one. Bodies from the mock's delivery records can be anything; `canonical` and JSON.stringify recurse, and
 * a deep enough body would overflow the stack, so such a body gets one shared identity that no stored event has.
 */
const MAX_DEPTH = 32;

function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: unknown; depth: number };
    if (typeof node !== "object" || node === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}

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
  if (nestsDeeperThan(body, MAX_DEPTH)) return `${vendor}:too_deeply_nested`;
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

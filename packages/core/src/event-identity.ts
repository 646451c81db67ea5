/**
 * The identity of a callback event: the first 128 bits of the SHA-256 of the body's canonical JSON without the
 * vendor's auth fields, as 32 hex digits. Canonical means object keys sorted at every depth, so a re-serialized
 * retry gives the same digest; the auth fields are left out because a retry is re-signed with a new timestamp.
 * The livehook receiver keys stored events by it (its docs/receiver-internals.md "Idempotency keys") and `livehook reconcile` matches what
 * the mock sent with what the receiver stored by it, so both must compute it here, byte for byte.
 *
 * 128 bits keep an accidental collision out of reach (odds of about 1 in 10^15 after 10^12 events) and halve the
 * key the receiver indexes.
 */
import { hash } from "node:crypto";
import { MAX_BODY_DEPTH } from "./json-depth.js";
import { VENDOR_AUTH_FIELDS, type Vendor } from "./vendors.js";

/** Hex digits of the SHA-256 an event digest keeps: 128 bits. */
export const EVENT_DIGEST_HEX_DIGITS = 32;

/**
 * Thrown for a value nested more than MAX_BODY_DEPTH levels, before anything deeper is walked: the canonical form
 * is written recursively, and a receiver refuses such a body anyway (400 `too_deeply_nested`).
 */
export class TooDeeplyNestedError extends RangeError {
  readonly code = "too_deeply_nested";
  constructor() {
    super(`the value nests more than ${MAX_BODY_DEPTH} levels of arrays and objects`);
    this.name = "TooDeeplyNestedError";
  }
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4294967295;

/**
 * The key order of the canonical form. It is the order `JSON.stringify` gives an object whose keys were inserted
 * sorted: JavaScript lists array-index keys ("0", "7", "12") first, in numeric order, whatever the insertion
 * order, then the others as inserted. Stored digests were computed that way, so this keeps them.
 */
function canonicalKeys(value: object): string[] {
  const keys = Object.keys(value);
  let indices = 0;
  while (indices < keys.length && isArrayIndex(keys[indices] as string)) indices++;
  if (indices === 0) return keys.sort();
  return [...keys.slice(0, indices), ...keys.slice(indices).sort()];
}

/** Strings JSON.stringify would only wrap in quotes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes.
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

const quoted = (text: string) => (PLAIN_STRING.test(text) ? `"${text}"` : JSON.stringify(text));

/**
 * JSON text of `value`, which sits inside `depth` arrays and objects. Recursive, but never past MAX_BODY_DEPTH
 * levels: a deeper value throws before its children are visited.
 */
function canonicalValue(value: unknown, depth: number, omit: readonly string[]): string {
  if (typeof value === "string") return quoted(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  const level = depth + 1;
  if (level > MAX_BODY_DEPTH) throw new TooDeeplyNestedError();
  if (Array.isArray(value)) {
    let out = "";
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? "" : ","}${canonicalValue(value[i], level, [])}`;
    return `[${out}]`;
  }
  let out = "";
  for (const k of canonicalKeys(value)) {
    if (omit.includes(k)) continue;
    out += `${out === "" ? "" : ","}${quoted(k)}:${canonicalValue((value as Record<string, unknown>)[k], level, [])}`;
  }
  return `{${out}}`;
}

/**
 * JSON text of a parsed JSON value with object keys sorted at every depth, leaving out the keys `omit` names at
 * the top level only. A `__proto__` key is a key like any other (JSON.parse makes it an own property). Throws
 * TooDeeplyNestedError for a value nested more than MAX_BODY_DEPTH levels.
 */
export function canonicalJson(value: unknown, omit: readonly string[] = []): string {
  return canonicalValue(value, 0, omit);
}

/**
 * The digest of a callback body from `vendor`: EVENT_DIGEST_HEX_DIGITS hex digits of the SHA-256 of its canonical
 * JSON without the vendor's auth fields (VENDOR_AUTH_FIELDS). Throws TooDeeplyNestedError like canonicalJson.
 */
export function eventDigest(vendor: Vendor, body: unknown): string {
  return hash("sha256", canonicalJson(body, VENDOR_AUTH_FIELDS[vendor]), "hex").slice(0, EVENT_DIGEST_HEX_DIGITS);
}

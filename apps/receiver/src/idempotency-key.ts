/**
 * The idempotency key (README "Idempotency"): the first 128 bits of the SHA-256 of the event's canonical JSON
 * without its auth fields, as 32 hex digits. Canonical means object keys sorted at every depth, so a re-serialized
 * retry gives the same key; the auth fields are dropped because a retry is re-signed with a new timestamp (D6).
 * 128 bits keep an accidental collision out of reach (odds of about 1 in 10^15 after 10^12 events) and halve the key:
 * twice as many keys fit on an index page, so a commit dirties fewer of them (migration 0004).
 *
 * Bodies without identity (Alibaba status callbacks, SparkRTC file starts: a retry and a second genuine event
 * are byte-identical) claim one key per slice of a quarter window, for the slice of arrival and the next
 * four. Two arrivals less than one window apart always share a key; 1.25 windows or more apart never do.
 */
import * as crypto from "node:crypto";
import { keyTimePrefix } from "./hooks/key-time.js";
import type { Vendor } from "./vendors.js";

/** Slices per window: the grey zone between "always a duplicate" and "always new" is 1/WINDOW_SLICES of a window. */
export const WINDOW_SLICES = 4;

/** Hex digits of the SHA-256 a key keeps: 128 bits. */
export const DIGEST_HEX_DIGITS = 32;

// crypto.hash (one call, no Hash object) arrived in Node 20.12; engines allows any Node 20.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4294967295;

/**
 * The key order of the canonical form. It is the order `JSON.stringify` gives an object whose keys were inserted
 * sorted: JavaScript lists array-index keys ("0", "7", "12") first, in numeric order, whatever the insertion
 * order, then the others as inserted. Keys stored by earlier versions were computed that way, so this keeps them.
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
/** Vendors repeat the same few field names; their JSON text is kept (bounded, names come from senders). */
const keyTexts = new Map<string, string>();
function quotedKey(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (keyTexts.size < 1024) keyTexts.set(key, text);
  }
  return text;
}

/** JSON text of a value with object keys sorted at every depth (no top-level omissions). */
function canonicalValue(value: unknown): string {
  if (typeof value === "string") return PLAIN_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(",")}]`;
  let out = "";
  for (const k of canonicalKeys(value)) {
    out += `${out === "" ? "" : ","}${quotedKey(k)}:${canonicalValue((value as Record<string, unknown>)[k])}`;
  }
  return `{${out}}`;
}

const NO_OMISSIONS: readonly string[] = [];

/**
 * How one top-level key order is written: the keys to write in canonical order, each with the text before its
 * value (`{"app":` or `,"stream":`). A vendor sends its callbacks with the same keys in the same order, so the
 * last layout seen is almost always the next one, and checking that costs less than sorting the keys again.
 */
type Layout = { keys: readonly string[]; order: readonly string[]; prefixes: readonly string[] };
const layouts = new WeakMap<readonly string[], Layout>();

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function layoutFor(value: object, omit: readonly string[]): Layout {
  const keys = Object.keys(value);
  const last = layouts.get(omit);
  if (last !== undefined && sameKeys(keys, last.keys)) return last;
  const order = canonicalKeys(value).filter((k) => !omit.includes(k));
  const prefixes = order.map((k, i) => `${i === 0 ? "{" : ","}${quotedKey(k)}:`);
  const layout = { keys, order, prefixes };
  layouts.set(omit, layout);
  return layout;
}

/**
 * JSON text of a parsed JSON value with object keys sorted at every depth, leaving out `omit` at the top level.
 * Written straight to a string: copying the body into sorted objects first cost more than hashing it.
 */
export function canonicalJson(value: unknown, omit: readonly string[] = NO_OMISSIONS): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return canonicalValue(value);
  const { order, prefixes } = layoutFor(value, omit);
  if (order.length === 0) return "{}";
  let out = "";
  for (let i = 0; i < order.length; i++) {
    out += (prefixes[i] as string) + canonicalValue((value as Record<string, unknown>)[order[i] as string]);
  }
  return `${out}}`;
}

export function eventDigest(body: unknown, authFields: readonly string[]): string {
  return sha256Hex(canonicalJson(body, authFields)).slice(0, DIGEST_HEX_DIGITS);
}

/**
 * The keys an event claims. An event with identity claims one: `<vendor>:<digest>`, or, when its body has a key
 * time (hooks/key-time.ts), `<vendor>:t<time>:<digest>`, so keys are stored in time order. Identity-less bodies
 * claim one key per window slice (see the top of this file).
 */
export function idempotencyKeys(
  vendor: Vendor,
  digest: string,
  identityless: boolean,
  receivedAtMs: number,
  windowSeconds: number,
  keyTimeSeconds: number | null,
): string[] {
  if (!identityless)
    return [keyTimeSeconds === null ? `${vendor}:${digest}` : `${vendor}:${keyTimePrefix(keyTimeSeconds)}:${digest}`];
  const sliceMs = (windowSeconds * 1000) / WINDOW_SLICES;
  const slice = Math.floor(receivedAtMs / sliceMs);
  return Array.from({ length: WINDOW_SLICES + 1 }, (_, i) => `${vendor}:${digest}:w${slice + i}`);
}

/**
 * Huawei Cloud Live recording callbacks (vendor-spec §5.1). The signature travels inside the JSON body:
 * `auth_sign` + `auth_timestamp`, with
 *   MD5:        md5_hex(key + auth_timestamp)                       — does not cover the body
 *   HMACSHA256: hmac_sha256_hex(key, auth_timestamp + event_type + publish_domain + app + stream
 *                                    + download_url + play_url)      — absent fields are "" (D8)
 */
import { createHash, createHmac } from "node:crypto";
import type { HuaweiLiveSignType } from "../generated/huawei-live.schemas.js";
import { HUAWEI_LIVE_SIGN_TYPES } from "../vendors.js";
import { hexMatchesDigest } from "./constant-time.js";
import { assertKey, assertKeyList } from "./key-rules.js";
import { checkWindow, tolerance, unixSeconds } from "./time-window.js";
import { type CallbackVerdict, callbackFailure, callbackSuccess } from "./verdict.js";

/** The fields the HMAC covers. `download_url` and `play_url` contribute "" when absent (D8). */
export type HuaweiLiveSignedFields = {
  auth_timestamp: number;
  event_type: string;
  publish_domain: string;
  app: string;
  stream: string;
  download_url?: string | undefined;
  play_url?: string | undefined;
};

export type HuaweiLiveVerifyOptions = {
  now: Date;
  /** Default `["HMACSHA256"]`: MD5 does not authenticate the body, so it is opt-in. */
  allowedSignTypes?: readonly HuaweiLiveSignType[];
  /** `auth_timestamp` is an expiry time (D6): reject when now > auth_timestamp + graceSeconds. Default 300. */
  graceSeconds?: number;
  /** Reject a stamp more than this far ahead of now (D6). Default 3600. */
  maxFutureSeconds?: number;
};

const DEFAULT_SIGN_TYPES: readonly HuaweiLiveSignType[] = ["HMACSHA256"];
const TIMESTAMP_TEXT = /^\d{1,15}$/;
const utf8 = new TextDecoder();

/** D8: strings as they are, absent as "", anything else as its JSON text. */
function fieldText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value) ?? "";
}

function hmacMessage(timestampText: string, source: Readonly<Record<string, unknown>>): string {
  return (
    timestampText +
    fieldText(source.event_type) +
    fieldText(source.publish_domain) +
    fieldText(source.app) +
    fieldText(source.stream) +
    fieldText(source.download_url) +
    fieldText(source.play_url)
  );
}

function assertTimestamp(ts: unknown, caller: string): asserts ts is number {
  if (typeof ts !== "number" || !Number.isSafeInteger(ts) || ts < 0) {
    throw new TypeError(`${caller}: auth_timestamp must be a non-negative integer (Unix seconds)`);
  }
}

function assertSignType(signType: unknown, caller: string): asserts signType is HuaweiLiveSignType {
  if (!HUAWEI_LIVE_SIGN_TYPES.includes(signType as HuaweiLiveSignType)) {
    throw new TypeError(`${caller}: sign type must be "HMACSHA256" or "MD5"`);
  }
}

const md5Hex = (text: string): string => createHash("md5").update(text).digest("hex");
const hmacSha256Hex = (key: string, text: string): string => createHmac("sha256", key).update(text).digest("hex");

function signMessage(
  timestampText: string,
  source: Readonly<Record<string, unknown>>,
  key: string,
  signType: HuaweiLiveSignType,
): string {
  return signType === "MD5" ? md5Hex(key + timestampText) : hmacSha256Hex(key, hmacMessage(timestampText, source));
}

/** The exact text the HMACSHA256 variant signs; exported for debugging and test vectors. */
export function huaweiLiveHmacMessage(fields: HuaweiLiveSignedFields): string {
  assertTimestamp(fields.auth_timestamp, "huaweiLiveHmacMessage");
  return hmacMessage(String(fields.auth_timestamp), fields);
}

/** Computes `auth_sign` (lower-case hex) for the given fields. */
export function signHuaweiLiveCallback(
  fields: HuaweiLiveSignedFields,
  key: string,
  signType: HuaweiLiveSignType,
): string {
  const caller = "signHuaweiLiveCallback";
  assertKey(key, caller);
  assertSignType(signType, caller);
  assertTimestamp(fields.auth_timestamp, caller);
  return signMessage(String(fields.auth_timestamp), fields, key, signType);
}

/**
 * Returns the JSON text a sender POSTs: `body` with `auth_timestamp` and `auth_sign` set. The signed fields are
 * read back from the serialized form, so values with `toJSON` (dates) are signed exactly as a receiver sees them.
 */
export function signHuaweiLiveCallbackBody(
  body: Readonly<Record<string, unknown>>,
  key: string,
  signType: HuaweiLiveSignType,
  authTimestamp: number,
): string {
  const caller = "signHuaweiLiveCallbackBody";
  assertKey(key, caller);
  assertSignType(signType, caller);
  assertTimestamp(authTimestamp, caller);
  const normalized: unknown = JSON.parse(JSON.stringify(body) ?? "null");
  if (typeof normalized !== "object" || normalized === null || Array.isArray(normalized)) {
    throw new TypeError(`${caller}: body must be a JSON object`);
  }
  const fields = normalized as Record<string, unknown>;
  const authSign = signMessage(String(authTimestamp), fields, key, signType);
  return JSON.stringify({ ...fields, auth_timestamp: authTimestamp, auth_sign: authSign });
}

function parseObject(raw: Uint8Array | string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === "string" ? raw : utf8.decode(raw));
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `auth_timestamp` is a JSON number; a string of digits is tolerated because the signature covers its text. */
function timestampText(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value === "string") return TIMESTAMP_TEXT.test(value) ? value : undefined;
  return undefined;
}

function allowedSignTypes(
  value: readonly HuaweiLiveSignType[] | undefined,
  caller: string,
): readonly HuaweiLiveSignType[] {
  if (value === undefined) return DEFAULT_SIGN_TYPES;
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`${caller}: opts.allowedSignTypes must list at least one sign type`);
  }
  for (const t of value) assertSignType(t, caller);
  return value;
}

/**
 * Verifies a Huawei Live callback from the raw request body. The signed fields are read from the parsed body,
 * never from a re-serialization. Bad input yields a reason; only misuse (no keys, invalid options) throws.
 */
export function verifyHuaweiLiveCallback(
  raw: Uint8Array | string,
  keys: readonly string[],
  opts: HuaweiLiveVerifyOptions,
): CallbackVerdict {
  const caller = "verifyHuaweiLiveCallback";
  if (typeof raw !== "string" && !(raw instanceof Uint8Array)) {
    checkVerifyArguments(keys, opts, caller);
    return callbackFailure("malformed");
  }
  return verifyParsed(parseObject(raw), keys, opts, caller);
}

/**
 * The same verification for a body the caller already parsed with `JSON.parse` from the raw request bytes, so a
 * receiver that needs the parsed body anyway parses it once. Anything but a JSON object is `malformed`.
 */
export function verifyHuaweiLiveParsedCallback(
  body: unknown,
  keys: readonly string[],
  opts: HuaweiLiveVerifyOptions,
): CallbackVerdict {
  const object =
    typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  return verifyParsed(object, keys, opts, "verifyHuaweiLiveParsedCallback");
}

/**
 * The signed text of a received body. A signed field that is an array or object is signed as its JSON text (D8);
 * one nested deeper than JSON.stringify can recurse throws a RangeError, which is bad input, not misuse.
 */
function receivedHmacMessage(timestampText: string, body: Readonly<Record<string, unknown>>): string | undefined {
  try {
    return hmacMessage(timestampText, body);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

function checkVerifyArguments(keys: readonly string[], opts: HuaweiLiveVerifyOptions, caller: string) {
  assertKeyList(keys, caller);
  return {
    nowSec: unixSeconds(opts.now, caller),
    signTypes: allowedSignTypes(opts.allowedSignTypes, caller),
    grace: tolerance(opts.graceSeconds, 300, caller, "graceSeconds"),
    maxFuture: tolerance(opts.maxFutureSeconds, 3600, caller, "maxFutureSeconds"),
  };
}

function verifyParsed(
  body: Readonly<Record<string, unknown>> | undefined,
  keys: readonly string[],
  opts: HuaweiLiveVerifyOptions,
  caller: string,
): CallbackVerdict {
  const { nowSec, signTypes, grace, maxFuture } = checkVerifyArguments(keys, opts, caller);
  if (body === undefined) return callbackFailure("malformed");

  const authSign = body.auth_sign;
  if (authSign === undefined || authSign === null || authSign === "") return callbackFailure("missing_signature");
  if (typeof authSign !== "string") return callbackFailure("malformed");
  const tsText = timestampText(body.auth_timestamp);
  if (tsText === undefined) return callbackFailure("malformed");

  const violation = checkWindow(Number(tsText), nowSec, grace, maxFuture);
  if (violation !== undefined) return callbackFailure(violation);

  // The digest length tells the variants apart: 64 hex digits for HMAC-SHA256, 32 for MD5.
  if (authSign.length === 64 && signTypes.includes("HMACSHA256")) {
    const message = receivedHmacMessage(tsText, body);
    if (message === undefined) return callbackFailure("malformed");
    for (let i = 0; i < keys.length; i++) {
      if (hexMatchesDigest(authSign, hmacSha256Hex(keys[i] as string, message))) {
        return callbackSuccess.huaweiLiveHmacFields(i);
      }
    }
  } else if (authSign.length === 32 && signTypes.includes("MD5")) {
    for (let i = 0; i < keys.length; i++) {
      if (hexMatchesDigest(authSign, md5Hex((keys[i] as string) + tsText))) {
        return callbackSuccess.none(i);
      }
    }
  }
  return callbackFailure("bad_signature");
}

/**
 * Huawei SparkRTC recording callbacks (vendor-spec §5.2). Three headers:
 *   X-Rtc-Rand, X-Rtc-Timestamp, X-Rtc-Signature = hex(HMAC-SHA256(key, rand + timestamp + raw body))
 * The timestamp unit is undocumented; the mock sends seconds and receivers accept seconds or milliseconds (D).
 */
import { createHmac } from "node:crypto";
import { hexMatchesDigest } from "./constant-time.js";
import { getHeader, type HeaderSource } from "./header-lookup.js";
import { assertKey, assertKeyList } from "./key-rules.js";
import { checkWindow, isUnixTimestamp, tolerance, unixSeconds } from "./time-window.js";
import { type CallbackVerdict, callbackFailure, callbackSuccess } from "./verdict.js";

export type HuaweiRtcSignParams = {
  /** Chosen by the sender; the mock uses a decimal string of up to 10 digits. */
  rand: string;
  /** Unix seconds (what the mock sends) or milliseconds. */
  timestamp: number;
};

export type HuaweiRtcCallbackHeaders = {
  "X-Rtc-Rand": string;
  "X-Rtc-Timestamp": string;
  "X-Rtc-Signature": string;
};

export type HuaweiRtcVerifyOptions = {
  now: Date;
  /** Allowed distance between the header timestamp and now, in both directions. Default 300. */
  toleranceSeconds?: number;
};

/** 1e11 seconds is the year 5138, 1e11 milliseconds is 1973: anything larger must be milliseconds. */
const MILLISECONDS_FROM = 1e11;

function assertParams(params: HuaweiRtcSignParams, caller: string): void {
  if (typeof params.rand !== "string" || params.rand.length === 0) {
    throw new TypeError(`${caller}: rand must be a non-empty string`);
  }
  if (!Number.isSafeInteger(params.timestamp) || params.timestamp < 0) {
    throw new TypeError(`${caller}: timestamp must be a non-negative integer`);
  }
}

/** HMAC over rand + timestamp, then the body: the body is never copied into a concatenated string. */
function signatureHex(key: string, rand: string, timestampText: string, raw: Uint8Array | string): string {
  return createHmac("sha256", key)
    .update(rand + timestampText)
    .update(raw)
    .digest("hex");
}

/** Computes `X-Rtc-Signature` (lower-case hex) over the exact body bytes that will be sent. */
export function signHuaweiRtcCallback(raw: Uint8Array | string, key: string, params: HuaweiRtcSignParams): string {
  const caller = "signHuaweiRtcCallback";
  assertKey(key, caller);
  assertParams(params, caller);
  return signatureHex(key, params.rand, String(params.timestamp), raw);
}

/** The three headers a sender adds. */
export function huaweiRtcCallbackHeaders(
  raw: Uint8Array | string,
  key: string,
  params: HuaweiRtcSignParams,
): HuaweiRtcCallbackHeaders {
  return {
    "X-Rtc-Rand": params.rand,
    "X-Rtc-Timestamp": String(params.timestamp),
    "X-Rtc-Signature": signHuaweiRtcCallback(raw, key, params),
  };
}

/**
 * Verifies a SparkRTC callback. `headers` may be a `Headers` object or a plain record; names are matched
 * case-insensitively. Bad input yields a reason; only misuse (no keys, invalid options) throws.
 */
export function verifyHuaweiRtcCallback(
  raw: Uint8Array | string,
  headers: HeaderSource,
  keys: readonly string[],
  opts: HuaweiRtcVerifyOptions,
): CallbackVerdict {
  const caller = "verifyHuaweiRtcCallback";
  assertKeyList(keys, caller);
  const nowSec = unixSeconds(opts.now, caller);
  const toleranceSec = tolerance(opts.toleranceSeconds, 300, caller, "toleranceSeconds");

  if (typeof headers !== "object" || headers === null) return callbackFailure("missing_signature");
  const signature = getHeader(headers, "x-rtc-signature");
  if (signature === undefined || signature === "") return callbackFailure("missing_signature");
  const rand = getHeader(headers, "x-rtc-rand");
  const timestampText = getHeader(headers, "x-rtc-timestamp");
  if (rand === undefined || rand === "" || !isUnixTimestamp(timestampText)) {
    return callbackFailure("malformed");
  }
  if (typeof raw !== "string" && !(raw instanceof Uint8Array)) return callbackFailure("malformed");

  const ts = Number(timestampText);
  const violation = checkWindow(ts >= MILLISECONDS_FROM ? ts / 1000 : ts, nowSec, toleranceSec, toleranceSec);
  if (violation !== undefined) return callbackFailure(violation);

  for (let i = 0; i < keys.length; i++) {
    // The header text is signed as received, so "1619600282" and "1619600282000" are different messages.
    if (hexMatchesDigest(signature, signatureHex(keys[i] as string, rand, timestampText, raw))) {
      return callbackSuccess.body(i);
    }
  }
  return callbackFailure("bad_signature");
}

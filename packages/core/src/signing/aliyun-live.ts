/**
 * Alibaba ApsaraVideo Live callback authentication (vendor-spec §5.3):
 *   ALI-LIVE-TIMESTAMP = Unix seconds, ALI-LIVE-SIGNATURE = md5_hex(callbackHost + "|" + timestamp + "|" + key)
 * The body is not covered, so a valid signature never authenticates the body (`authenticated.scope` "none").
 */
import { hash } from "node:crypto";
import { hexMatchesDigest } from "./constant-time.js";
import { getHeader, type HeaderSource } from "./header-lookup.js";
import { assertKey, assertKeyList } from "./key-rules.js";
import { checkWindow, isUnixTimestamp, tolerance, unixSeconds } from "./time-window.js";
import { type CallbackVerdict, callbackFailure, callbackSuccess } from "./verdict.js";

export type AliyunLiveSignParams = {
  /** Host of the callback URL. D12: senders use the hostname without the port. */
  host: string;
  /** Unix seconds when the request is sent. */
  timestamp: number;
  key: string;
};

export type AliyunLiveCallbackHeaders = {
  "ALI-LIVE-TIMESTAMP": string;
  "ALI-LIVE-SIGNATURE": string;
};

export type AliyunLiveVerifyOptions = {
  now: Date;
  /** Host of the callback URL the receiver is configured under; may include a port (D12). */
  host: string;
  /** Allowed distance between ALI-LIVE-TIMESTAMP and now, in both directions. Default 300. */
  toleranceSeconds?: number;
};

/**
 * `md5_hex(host|timestamp|key)`. `crypto.hash` (Node.js >= 20.12, the engines' floor) is node:crypto's one-shot
 * digest: for an input this short it costs about two thirds of `createHash(…).update(…).digest()`, and the
 * difference is what kept the verifier over its 1.5x-of-bare-MD5 target. (As a Buffer its result costs more than
 * as hex on Node.js 20, so the comparison decodes the hex.)
 */
function signatureHex(host: string, timestampText: string, key: string): string {
  return hash("md5", `${host}|${timestampText}|${key}`, "hex");
}

/** Computes `ALI-LIVE-SIGNATURE` (lower-case hex). */
export function signAliyunLiveCallback(params: AliyunLiveSignParams): string {
  const caller = "signAliyunLiveCallback";
  assertKey(params.key, caller);
  if (typeof params.host !== "string" || params.host.length === 0) {
    throw new TypeError(`${caller}: host must be a non-empty string`);
  }
  if (!Number.isSafeInteger(params.timestamp) || params.timestamp < 0) {
    throw new TypeError(`${caller}: timestamp must be a non-negative integer (Unix seconds)`);
  }
  return signatureHex(params.host, String(params.timestamp), params.key);
}

/** The two headers a sender adds. */
export function aliyunLiveCallbackHeaders(params: AliyunLiveSignParams): AliyunLiveCallbackHeaders {
  return {
    "ALI-LIVE-TIMESTAMP": String(params.timestamp),
    "ALI-LIVE-SIGNATURE": signAliyunLiveCallback(params),
  };
}

/** Index of the colon before a port, or -1. `[::1]:8080` has one; a bare IPv6 address such as `::1` has none. */
function portColon(host: string): number {
  const at = host.lastIndexOf(":");
  if (at <= 0) return -1;
  if (host.charCodeAt(0) === 0x5b /* [ */) return host.charCodeAt(at - 1) === 0x5d /* ] */ ? at : -1;
  return host.indexOf(":") === at ? at : -1;
}

/** D12: the hostname without a port first, then host:port. `[::1]:8080` gives `[::1]` then `[::1]:8080`. */
export function aliyunLiveHostCandidates(host: string): [string] | [string, string] {
  const at = portColon(host);
  return at < 0 ? [host] : [host.slice(0, at), host];
}

/**
 * Verifies the ALI-LIVE-* headers. Bad input yields a reason; only misuse (no keys, no host) throws.
 * The body is not signed: treat it as unauthenticated even when the verdict is ok.
 */
export function verifyAliyunLiveCallback(
  headers: HeaderSource,
  keys: readonly string[],
  opts: AliyunLiveVerifyOptions,
): CallbackVerdict {
  const caller = "verifyAliyunLiveCallback";
  assertKeyList(keys, caller);
  const nowSec = unixSeconds(opts.now, caller);
  if (typeof opts.host !== "string" || opts.host.length === 0) {
    throw new TypeError(`${caller}: opts.host must be the callback URL host`);
  }
  const toleranceSec = tolerance(opts.toleranceSeconds, 300, caller, "toleranceSeconds");

  if (typeof headers !== "object" || headers === null) return callbackFailure("missing_signature");
  const signature = getHeader(headers, "ali-live-signature");
  if (signature === undefined || signature === "") return callbackFailure("missing_signature");
  const timestampText = getHeader(headers, "ali-live-timestamp");
  if (!isUnixTimestamp(timestampText)) return callbackFailure("malformed");

  const violation = checkWindow(Number(timestampText), nowSec, toleranceSec, toleranceSec);
  if (violation !== undefined) return callbackFailure(violation);

  // Candidates in order (D12) without building a list: the hostname, then host:port when there is a port.
  const host = opts.host;
  const at = portColon(host);
  const hostname = at < 0 ? host : host.slice(0, at);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (
      hexMatchesDigest(signature, signatureHex(hostname, timestampText, key)) ||
      (at >= 0 && hexMatchesDigest(signature, signatureHex(host, timestampText, key)))
    ) {
      return callbackSuccess.none(i);
    }
  }
  return callbackFailure("bad_signature");
}

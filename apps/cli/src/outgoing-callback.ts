/**
 * Turns a callback body into the exact bytes and headers a vendor would POST, signed by core, and sends them.
 * Timestamps follow the mock (D6): Huawei Live's `auth_timestamp` is an expiry (send time + 300 s), the others
 * carry the send time.
 */
import {
  aliyunLiveCallbackHeaders,
  type HuaweiLiveSignType,
  huaweiRtcCallbackHeaders,
  signHuaweiLiveCallbackBody,
} from "@livehook/core";
import type { CliContext } from "./context.js";
import { CliError, EXIT, RECEIVER_NEXT_STEP, UnreachableError } from "./errors.js";
import { networkCause } from "./network-error.js";
import { unixNow } from "./parse-values.js";
import type { Vendor } from "./vendors.js";

export const HUAWEI_LIVE_TTL_SECONDS = 300;

export type SignedCallback = { body: string; headers: Record<string, string> };

export type CallbackSignOptions = {
  key: string;
  now: Date;
  /** The callback URL: Alibaba signs its hostname. */
  url: string;
  signType?: HuaweiLiveSignType;
  /** Overrides the timestamp the scheme would use (Unix seconds): `--timestamp`, or an expired one. */
  timestamp?: number;
  rand?: string;
};

export function randomRand(random: () => number): string {
  return String(Math.floor(random() * 4_294_967_295));
}

export function signCallback(vendor: Vendor, body: object, opts: CallbackSignOptions): SignedCallback {
  const now = unixNow(opts.now);
  const json = { "content-type": "application/json" };
  switch (vendor) {
    case "huawei-live": {
      const ts = opts.timestamp ?? now + HUAWEI_LIVE_TTL_SECONDS;
      const signed = signHuaweiLiveCallbackBody(
        body as Record<string, unknown>,
        opts.key,
        opts.signType ?? "HMACSHA256",
        ts,
      );
      return { body: signed, headers: json };
    }
    case "huawei-rtc": {
      const raw = JSON.stringify(body);
      const headers = huaweiRtcCallbackHeaders(raw, opts.key, {
        rand: opts.rand ?? "2143658709",
        timestamp: opts.timestamp ?? now,
      });
      return { body: raw, headers: { ...json, ...headers } };
    }
    case "aliyun-live": {
      const raw = JSON.stringify(body);
      const headers = aliyunLiveCallbackHeaders({
        host: new URL(opts.url).hostname,
        timestamp: opts.timestamp ?? now,
        key: opts.key,
      });
      return { body: raw, headers: { ...json, ...headers } };
    }
  }
}

export type CallbackResponse = { status: number; body: string; ms: number };

const SEND_TIMEOUT_MS = 10_000;

/** POSTs one callback. A refused connection or a timeout is an UnreachableError; any HTTP status is a response. */
export async function postCallback(ctx: CliContext, url: string, signed: SignedCallback): Promise<CallbackResponse> {
  const started = performance.now();
  try {
    const res = await ctx.fetch(url, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
    });
    const text = await res.text();
    return { status: res.status, body: text, ms: performance.now() - started };
  } catch (err) {
    if (ctx.signal.aborted) throw new CliError("interrupted", EXIT.interrupted);
    throw new UnreachableError(url, networkCause(err), RECEIVER_NEXT_STEP);
  }
}

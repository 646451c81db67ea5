import { HuaweiLiveRecordCallback, type HuaweiLiveSignType, verifyHuaweiLiveParsedCallback } from "@livehook/core";
import { SIGNATURE_MAX_FUTURE_SECONDS } from "../store/types.js";
import { keyTime, keyTimePrefix } from "./key-time.js";
import { epochMs, field, text, type VendorHook } from "./vendor-hook.js";

export type HuaweiLiveHookOptions = {
  /** MD5 signs only key + timestamp; accept it only when the operator opted in (events are then not body-authenticated). */
  signTypes: readonly HuaweiLiveSignType[];
  /** D6: grace after the `auth_timestamp` expiry. */
  graceSeconds: number;
};

const HMAC_DIGITS = 64;
const STAMP_TEXT = /^\d{1,15}$/;

/**
 * `t<auth_timestamp>:<first 32 hex digits of auth_sign>`, for bodies with a `download_url` only. The HMAC's output
 * needs no further hashing (it is already uniform, and 128 bits keep chance collisions out of reach as for
 * idempotency keys); lower case, because the verifier accepts either. The timestamp goes first so new keys land at
 * the index's right-hand edge.
 *
 * Without a `download_url` (file starts, RECORD_START/OVER/FAILED) the signed fields are only type, stream and
 * second, which two genuine events share (the file starts of several formats of one stream, or of short segments):
 * like an MD5 signature, it cannot single out one event, so it says nothing about a variant.
 */
function signatureKey(body: unknown): string | null {
  const url = field(body, "download_url");
  if (typeof url !== "string" || url === "") return null;
  const sign = field(body, "auth_sign");
  const stamp = field(body, "auth_timestamp");
  const seconds = typeof stamp === "string" && STAMP_TEXT.test(stamp) ? Number(stamp) : stamp;
  if (typeof sign !== "string" || sign.length !== HMAC_DIGITS || typeof seconds !== "number") return null;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds >= 36 ** 7) return null;
  return `${keyTimePrefix(seconds)}:${sign.slice(0, 32).toLowerCase()}`;
}

/** D6: a Huawei Live signature is valid for this long; the mock's `auth_timestamp` is send time plus it. */
export const HUAWEI_LIVE_AUTH_TTL_MS = 300_000;

/**
 * When a Huawei Live event was sent, from its `auth_timestamp` (ms) and the time it arrived (ms). The timestamp is
 * the signature's expiry (D6): senders that follow the documentation set it to send time + 300 s, so it lies
 * about 5 minutes ahead of the arrival, and the send time is 300 s before it. The vendor's own examples set it to
 * the send time itself (an expiry of 0 s): it then lies at or just before the arrival. A timestamp more than half
 * the validity ahead of the arrival is read as an expiry, anything else as the send time, so clock skew of up to
 * 150 s never shifts an event by 5 minutes; the result is never later than the arrival.
 */
export function huaweiLiveSendTime(authTimestampMs: number | null, receivedAtMs: number): number | null {
  if (authTimestampMs === null) return null;
  const sent =
    authTimestampMs - receivedAtMs > HUAWEI_LIVE_AUTH_TTL_MS / 2
      ? authTimestampMs - HUAWEI_LIVE_AUTH_TTL_MS
      : authTimestampMs;
  return Math.min(sent, receivedAtMs);
}

export function huaweiLiveHook(opts: HuaweiLiveHookOptions): VendorHook {
  return {
    vendor: "huawei-live",
    verifyParsed: (body, { keys, now }) =>
      verifyHuaweiLiveParsedCallback(body, keys, {
        now,
        allowedSignTypes: opts.signTypes,
        graceSeconds: opts.graceSeconds,
        maxFutureSeconds: SIGNATURE_MAX_FUTURE_SECONDS,
      }),
    schemaFor: () => HuaweiLiveRecordCallback,
    facts: (body, _header, receivedAt) => {
      const domain = text(body, "publish_domain");
      const app = text(body, "app");
      const stream = text(body, "stream");
      return {
        eventType: text(body, "event_type"),
        domain,
        app,
        stream,
        sessionKey: text(body, "task_id") ?? (domain && app && stream ? `${domain}/${app}/${stream}` : null),
        fileKey: text(body, "job_id"),
        eventTime: huaweiLiveSendTime(epochMs(field(body, "auth_timestamp")), receivedAt),
        keyTime: keyTime("huawei-live", body),
        identityless: false,
      };
    },
    signatureKey,
    signatureGraceSeconds: opts.graceSeconds,
    ack: Object.freeze({ status: 1, result: "success" }),
  };
}

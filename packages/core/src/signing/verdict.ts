/**
 * Outcomes of signature checks. Bad input is reported as a value, never thrown (STYLE habit 10): the receiver
 * turns a reason into a 401 body and a metric label, and property tests assert that verification never throws.
 */

export const CALLBACK_FAILURE_REASONS = [
  "missing_signature",
  "malformed",
  "expired",
  "not_yet_valid",
  "bad_signature",
] as const;
export type CallbackFailureReason = (typeof CALLBACK_FAILURE_REASONS)[number];

/**
 * The names of the body fields Huawei Live's HMACSHA256 signature covers, in the order they are concatenated
 * (vendor-spec §5.1). `play_url` never occurs in a callback body and contributes "" (D8), but it is signed.
 */
export const HUAWEI_LIVE_HMAC_SIGNED_FIELDS = Object.freeze([
  "auth_timestamp",
  "event_type",
  "publish_domain",
  "app",
  "stream",
  "download_url",
  "play_url",
] as const);

export const AUTHENTICATION_SCOPES = ["body", "fields", "none"] as const;
export type AuthenticationScope = (typeof AUTHENTICATION_SCOPES)[number];

/**
 * What a valid signature vouches for. `body`: every byte of the body (SparkRTC signs rand + timestamp + raw
 * body). `fields`: only the named body fields (Huawei Live HMACSHA256); any other field can be changed under the
 * same signature. `none`: nothing of the body (Huawei Live MD5 signs key + timestamp, Alibaba signs host +
 * timestamp + key), so the body is only as trustworthy as the channel it came over.
 */
export type Authenticated = { scope: "body" } | { scope: "fields"; fields: readonly string[] } | { scope: "none" };

/**
 * Result of verifying a vendor callback. `keyIndex` says which configured key matched, so operators can see
 * when an old key can be retired; `authenticated` says what the signature covers.
 */
export type CallbackVerdict =
  | {
      ok: true;
      keyIndex: number;
      authenticated: Authenticated;
      /**
       * @deprecated Use `authenticated.scope === "body"`, which it equals. It used to be true for Huawei Live
       * HMACSHA256, whose signature covers seven named fields, not the body.
       */
      bodyAuthenticated: boolean;
    }
  | { ok: false; reason: CallbackFailureReason };

const BODY: Authenticated = Object.freeze({ scope: "body" });
const NOTHING: Authenticated = Object.freeze({ scope: "none" });
const HUAWEI_LIVE_HMAC_FIELDS: Authenticated = Object.freeze({
  scope: "fields",
  fields: HUAWEI_LIVE_HMAC_SIGNED_FIELDS,
});

/** Success verdicts; the `authenticated` objects are shared and frozen, so one caller cannot change another's. */
export const callbackSuccess = {
  body: (keyIndex: number): CallbackVerdict => ({ ok: true, keyIndex, authenticated: BODY, bodyAuthenticated: true }),
  huaweiLiveHmacFields: (keyIndex: number): CallbackVerdict => ({
    ok: true,
    keyIndex,
    authenticated: HUAWEI_LIVE_HMAC_FIELDS,
    bodyAuthenticated: false,
  }),
  none: (keyIndex: number): CallbackVerdict => ({
    ok: true,
    keyIndex,
    authenticated: NOTHING,
    bodyAuthenticated: false,
  }),
};

export const REQUEST_FAILURE_REASONS = [
  "missing_authorization",
  "malformed",
  "expired",
  "not_yet_valid",
  "unknown_access_key",
  "bad_signature",
  "content_hash_mismatch",
] as const;
export type RequestFailureReason = (typeof REQUEST_FAILURE_REASONS)[number];

/**
 * Result of verifying a signed API request (Huawei APIG, Alibaba RPC v1, Alibaba ACS3).
 * On success the nonce (Alibaba only) is handed back, because replay detection needs state and core keeps none.
 * On failure, `field` names the parameter or header that was missing or malformed, so a mock can answer with the
 * vendor's own code (`MissingSignatureNonce`, `InvalidTimeStamp.Format`, …). It never says which part of a
 * signature differed.
 */
export type RequestVerdict =
  | { ok: true; accessKeyId: string; nonce?: string }
  | { ok: false; reason: RequestFailureReason; field?: string };

export const callbackFailure = (reason: CallbackFailureReason): CallbackVerdict => ({ ok: false, reason });

export type RequestFailure = Extract<RequestVerdict, { ok: false }>;

export const requestFailure = (reason: RequestFailureReason, field?: string): RequestFailure =>
  field === undefined ? { ok: false, reason } : { ok: false, reason, field };

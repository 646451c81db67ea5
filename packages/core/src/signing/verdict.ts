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
 * Result of verifying a vendor callback. `keyIndex` says which configured key matched, so operators can see
 * when an old key can be retired. `bodyAuthenticated` is false when the scheme does not cover the body
 * (Huawei Live MD5 signs key + timestamp only; Alibaba signs host + timestamp + key).
 */
export type CallbackVerdict =
  | { ok: true; keyIndex: number; bodyAuthenticated: boolean }
  | { ok: false; reason: CallbackFailureReason };

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

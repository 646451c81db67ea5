/**
 * `--auth on` for Alibaba (§6.2, §6.3): RPC v1 (`Signature` parameter, pop-core and openapi v2) or ACS3 (the
 * `Authorization: ACS3-HMAC-SHA256` header, openapi v3). Core verifies; the mock adds nonce replay detection and
 * throws Alibaba's error for a failed verdict (§4.3, D20).
 */
import { type RequestVerdict, verifyAliyunAcs3Request, verifyAliyunRpcRequest } from "@livehook/core";
import type { Credentials, MockDeps } from "../deps.js";
import type { NonceCache } from "../nonce-cache.js";
import { aliyunError } from "../vendor-error.js";

export function checkAliyunAuth(
  deps: MockDeps,
  credentials: Credentials,
  nonces: NonceCache,
  req: { method: string; url: URL; headers: Headers; raw: Uint8Array; params: Record<string, string> },
): void {
  const lookup = (ak: string) => (ak === credentials.accessKeyId ? credentials.accessKeySecret : undefined);
  const now = deps.clock.now();
  const authorization = req.headers.get("authorization") ?? "";
  let verdict: RequestVerdict;
  if (authorization.startsWith("ACS3-")) {
    verdict = verifyAliyunAcs3Request(
      { method: req.method, path: req.url.pathname, query: req.url.search, headers: req.headers, body: req.raw },
      lookup,
      { now },
    );
  } else if (req.params.Signature !== undefined) {
    verdict = verifyAliyunRpcRequest({ method: req.method, params: req.params }, lookup, { now });
  } else {
    throw aliyunError(400, "MissingSignature", "Signature is mandatory for this action.");
  }
  if (verdict.ok) {
    if (verdict.nonce !== undefined && !nonces.claim(verdict.accessKeyId, verdict.nonce)) {
      throw aliyunError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    }
    return;
  }
  switch (verdict.reason) {
    case "expired":
    case "not_yet_valid":
      throw aliyunError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
    case "unknown_access_key":
      throw aliyunError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    case "malformed":
      if (verdict.field === "Timestamp" || verdict.field === "x-acs-date") {
        throw aliyunError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
      }
      throw aliyunError(
        400,
        "IncompleteSignature",
        `The request signature does not conform to Aliyun standards (${verdict.field ?? "Authorization"}).`,
      );
    default:
      throw aliyunError(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.");
  }
}

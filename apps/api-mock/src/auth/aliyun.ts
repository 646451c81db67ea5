/**
 * `--auth on` for Alibaba (§6.2, §6.3): RPC v1 (`Signature` parameter, pop-core and openapi v2) or ACS3 (the
 * `Authorization: ACS3-HMAC-SHA256` header, openapi v3). Core verifies; the mock adds nonce replay detection and
 * maps verdicts to Alibaba's codes (§4.3, D20).
 */
import { type RequestVerdict, verifyAliyunAcs3Request, verifyAliyunRpcRequest } from "@livehook/core";
import type { Credentials, MockDeps } from "../deps.js";
import type { NonceCache } from "../nonce-cache.js";

export type AliyunRejection = { status: 400 | 404; code: string; message: string };

export function checkAliyunAuth(
  deps: MockDeps,
  credentials: Credentials,
  nonces: NonceCache,
  req: { method: string; url: URL; headers: Headers; raw: Uint8Array; params: Record<string, string> },
): AliyunRejection | undefined {
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
    return { status: 400, code: "MissingSignature", message: "Signature is mandatory for this action." };
  }
  if (verdict.ok) {
    if (verdict.nonce !== undefined && !nonces.claim(verdict.accessKeyId, verdict.nonce)) {
      return { status: 400, code: "SignatureNonceUsed", message: "Specified signature nonce was used already." };
    }
    return undefined;
  }
  switch (verdict.reason) {
    case "expired":
    case "not_yet_valid":
      return {
        status: 400,
        code: "InvalidTimeStamp.Expired",
        message: "Specified time stamp or date value is expired.",
      };
    case "unknown_access_key":
      return { status: 404, code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found." };
    case "malformed":
      if (verdict.field === "Timestamp" || verdict.field === "x-acs-date") {
        return {
          status: 400,
          code: "InvalidTimeStamp.Format",
          message: "Specified time stamp or date value is not well formatted.",
        };
      }
      return {
        status: 400,
        code: "IncompleteSignature",
        message: `The request signature does not conform to Aliyun standards (${verdict.field ?? "Authorization"}).`,
      };
    default:
      return {
        status: 400,
        code: "SignatureDoesNotMatch",
        message: "Specified signature is not matched with our calculation.",
      };
  }
}

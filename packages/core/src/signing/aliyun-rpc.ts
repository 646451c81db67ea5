/**
 * Alibaba Cloud RPC signature v1 (`HMAC-SHA1`, vendor-spec §6.2): `@alicloud/pop-core`, and
 * `@alicloud/openapi-core` with `signatureAlgorithm: 'v2'`.
 *   StringToSign = METHOD + "&%2F&" + percentEncode(sorted "k=v" pairs joined by "&", every key and value encoded)
 *   Signature    = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
 */
import { createHmac } from "node:crypto";
import { canonicalQuery, type QueryPair } from "./canonical-query.js";
import { base64MatchesDigest } from "./constant-time.js";
import { assertKey } from "./key-rules.js";
import { percentEncode } from "./percent-encode.js";
import { type RequestVerifyOptions, type SecretLookup, startRequestCheck, windowThenSecret } from "./request-auth.js";
import { parseIsoUtc } from "./utc-timestamp.js";
import { type RequestVerdict, requestFailure } from "./verdict.js";

/** Decoded parameters; an undefined value counts as absent. */
export type AliyunRpcParams = Readonly<Record<string, string | undefined>>;

export type AliyunRpcSignInput = {
  /** The HTTP method actually used: GET or POST. */
  method: string;
  /** Every parameter that is sent, including AccessKeyId, Timestamp, SignatureNonce…; `Signature` is ignored. */
  params: AliyunRpcParams;
  accessKeySecret: string;
};

export type AliyunRpcRequest = {
  method: string;
  /** Query and form-body parameters merged and decoded, `Signature` included. */
  params: AliyunRpcParams;
};

function signedPairs(params: AliyunRpcParams): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (key !== "Signature" && typeof value === "string") pairs.push([key, value]);
  }
  return pairs;
}

/** `GET&%2F&AccessKeyId%3D…`: exported for debugging and test vectors. */
export function aliyunRpcStringToSign(method: string, params: AliyunRpcParams): string {
  return `${method.toUpperCase()}&%2F&${percentEncode(canonicalQuery(signedPairs(params), true))}`;
}

const signatureBase64 = (secret: string, stringToSign: string): string =>
  createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");

/** Computes the `Signature` parameter (base64; percent-encode it when it goes on the wire). */
export function signAliyunRpcRequest(input: AliyunRpcSignInput): string {
  assertKey(input.accessKeySecret, "signAliyunRpcRequest", "accessKeySecret");
  return signatureBase64(input.accessKeySecret, aliyunRpcStringToSign(input.method, input.params));
}

/**
 * Verifies an RPC v1 request. Checks SignatureMethod/SignatureVersion, Timestamp within ±toleranceSeconds
 * (default 900) and the signature. On success returns the SignatureNonce so that the caller can reject a replay
 * (`SignatureNonceUsed`); core keeps no state. Bad input yields a reason; misuse throws TypeError.
 */
export function verifyAliyunRpcRequest(
  request: AliyunRpcRequest,
  lookupSecret: SecretLookup,
  opts: RequestVerifyOptions,
): RequestVerdict {
  const check = startRequestCheck("verifyAliyunRpcRequest", lookupSecret, opts);

  const { method, params } = request;
  if (typeof params !== "object" || params === null) return requestFailure("missing_authorization");
  const signature = params.Signature;
  if (typeof signature !== "string" || signature === "") return requestFailure("missing_authorization");
  const accessKeyId = params.AccessKeyId;
  if (typeof accessKeyId !== "string" || accessKeyId === "") return requestFailure("malformed", "AccessKeyId");
  if (params.SignatureMethod !== "HMAC-SHA1") return requestFailure("malformed", "SignatureMethod");
  if (params.SignatureVersion !== "1.0") return requestFailure("malformed", "SignatureVersion");
  const nonce = params.SignatureNonce;
  if (typeof nonce !== "string" || nonce === "") return requestFailure("malformed", "SignatureNonce");
  const timestamp = typeof params.Timestamp === "string" ? parseIsoUtc(params.Timestamp) : undefined;
  if (timestamp === undefined) return requestFailure("malformed", "Timestamp");
  if (typeof method !== "string") return requestFailure("malformed", "method");

  const secret = windowThenSecret(check, timestamp, accessKeyId);
  if (typeof secret !== "string") return secret;

  const expected = signatureBase64(secret, aliyunRpcStringToSign(method, params));
  return base64MatchesDigest(signature, expected) ? { ok: true, accessKeyId, nonce } : requestFailure("bad_signature");
}

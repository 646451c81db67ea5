// Public surface of the signing functions. Every export is named here (no `export *`), so internals such as the
// digest decoders never become published API by accident.
export {
  type AliyunAcs3SignInput,
  type AliyunAcs3SigningDetails,
  aliyunAcs3CanonicalQuery,
  aliyunAcs3SigningDetails,
  aliyunAcs3StringToSign,
  signAliyunAcs3Request,
  verifyAliyunAcs3Request,
} from "./aliyun-acs3.js";
export {
  type AliyunLiveCallbackHeaders,
  type AliyunLiveSignParams,
  type AliyunLiveVerifyOptions,
  aliyunLiveCallbackHeaders,
  aliyunLiveHostCandidates,
  signAliyunLiveCallback,
  verifyAliyunLiveCallback,
} from "./aliyun-live.js";
export {
  type AliyunRpcParams,
  type AliyunRpcRequest,
  type AliyunRpcSignInput,
  aliyunRpcStringToSign,
  signAliyunRpcRequest,
  verifyAliyunRpcRequest,
} from "./aliyun-rpc.js";
export type { QueryPair } from "./canonical-query.js";
export { getHeader, type HeaderRecord, type HeaderSource } from "./header-lookup.js";
export {
  type HuaweiApigSignedHeaders,
  type HuaweiApigSignInput,
  type HuaweiApigSigningDetails,
  huaweiApigCanonicalQuery,
  huaweiApigCanonicalUri,
  huaweiApigSigningDetails,
  huaweiApigStringToSign,
  signHuaweiApigRequest,
  verifyHuaweiApigRequest,
} from "./huawei-apig.js";
// HuaweiLiveSignType ("HMACSHA256" | "MD5") is exported by generated/index.ts from the OpenAPI contract; the
// signing functions accept that same union, so it is not exported a second time here.
export {
  type HuaweiLiveSignedFields,
  type HuaweiLiveVerifyOptions,
  huaweiLiveHmacMessage,
  signHuaweiLiveCallback,
  signHuaweiLiveCallbackBody,
  verifyHuaweiLiveCallback,
  verifyHuaweiLiveParsedCallback,
} from "./huawei-live.js";
export {
  type HuaweiRtcCallbackHeaders,
  type HuaweiRtcSignParams,
  type HuaweiRtcVerifyOptions,
  huaweiRtcCallbackHeaders,
  signHuaweiRtcCallback,
  verifyHuaweiRtcCallback,
} from "./huawei-rtc.js";
export { checkHuaweiLiveKey, checkHuaweiRtcKey, type KeyCheck } from "./key-rules.js";
export { percentEncode } from "./percent-encode.js";
export {
  type RequestVerifyOptions,
  type SecretLookup,
  type SignedHttpRequest,
  secretLookupFrom,
} from "./request-auth.js";
export {
  AUTHENTICATION_SCOPES,
  type Authenticated,
  type AuthenticationScope,
  CALLBACK_FAILURE_REASONS,
  type CallbackFailureReason,
  type CallbackVerdict,
  HUAWEI_LIVE_HMAC_SIGNED_FIELDS,
  REQUEST_FAILURE_REASONS,
  type RequestFailureReason,
  type RequestVerdict,
} from "./verdict.js";

/**
 * Alibaba Cloud `ACS3-HMAC-SHA256` (vendor-spec §6.3), the default of `@alicloud/openapi-core`.
 *   Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<h1;h2>,Signature=<hex>
 *   StringToSign  = "ACS3-HMAC-SHA256\n" + hex(sha256(canonical request))
 *   Signature     = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
 * The SDK signs every header named host, content-type or x-acs-*.
 */
import { canonicalQuery, type QueryPair } from "./canonical-query.js";
import { getHeader, type HeaderSource, headerNames } from "./header-lookup.js";
import { assertKey } from "./key-rules.js";
import { canonicalPath } from "./percent-encode.js";
import {
  assembleCanonicalRequest,
  callerHeaders,
  canonicalRequestMatches,
  normalizeHeaders,
  parseHeaderSignedRequest,
  type RequestVerifyOptions,
  type SecretLookup,
  type SignedHttpRequest,
  sha256Hex,
  signCanonicalRequest,
  startRequestCheck,
  stringToSign,
  windowThenSecret,
} from "./request-auth.js";
import { unixSeconds } from "./time-window.js";
import { formatIsoUtc, parseIsoUtc } from "./utc-timestamp.js";
import { type RequestVerdict, requestFailure } from "./verdict.js";

const ALGORITHM = "ACS3-HMAC-SHA256";
/** Headers without which a signature would not bind the request to its time, nonce and body. */
const SCHEME = {
  algorithm: ALGORITHM,
  credential: "Credential",
  requiredSigned: ["host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"],
} as const;

export type AliyunAcs3SignInput = {
  method: string;
  /** Absolute URL; its host is signed, its query parameters form the canonical query. */
  url: URL | string;
  /** The API action and version (`x-acs-action`, `x-acs-version`). */
  action: string;
  version: string;
  /** Further headers that will be sent, e.g. content-type or x-acs-credentials-provider; the signed ones are picked. */
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array | string;
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token: adds the signed `x-acs-accesskey-id` and `x-acs-security-token` headers, as the SDK does. */
  securityToken?: string;
  date: Date;
  /** `x-acs-signature-nonce`; the SDK uses 32 random bytes in hex. */
  nonce: string;
};

export type AliyunAcs3SigningDetails = {
  canonicalRequest: string;
  canonicalRequestHash: string;
  stringToSign: string;
  signature: string;
  /** The headers to add: every computed x-acs-* header and Authorization (host is set by the HTTP client). */
  headers: Record<string, string>;
};

const isSignedName = (name: string): boolean => name === "host" || name === "content-type" || name.startsWith("x-acs-");

/** Canonical query from decoded pairs: sorted by key, values strictly encoded, keys as they are (as the SDK). */
export function aliyunAcs3CanonicalQuery(pairs: readonly QueryPair[]): string {
  return canonicalQuery(pairs, false);
}

export function aliyunAcs3StringToSign(canonicalRequest: string): string {
  return stringToSign(ALGORITHM, canonicalRequest);
}

/** Everything the signer computes, for debugging a mismatch against the vendor SDK. */
export function aliyunAcs3SigningDetails(input: AliyunAcs3SignInput): AliyunAcs3SigningDetails {
  const caller = "signAliyunAcs3Request";
  for (const name of ["accessKeyId", "accessKeySecret", "nonce", "action", "version"] as const) {
    assertKey(input[name], caller, name);
  }
  unixSeconds(input.date, caller);
  const url = new URL(input.url);
  const added: Record<string, string> = {
    "x-acs-action": input.action,
    "x-acs-version": input.version,
    "x-acs-date": formatIsoUtc(input.date),
    "x-acs-signature-nonce": input.nonce,
    "x-acs-content-sha256": sha256Hex(input.body ?? ""),
  };
  if (input.securityToken !== undefined) {
    added["x-acs-accesskey-id"] = input.accessKeyId;
    added["x-acs-security-token"] = input.securityToken;
  }
  const given = callerHeaders(input.headers, (name) => name in added, caller);
  const all = normalizeHeaders({ host: url.host, ...Object.fromEntries(given), ...added }, caller);
  const { signature, signedHeaders, ...details } = signCanonicalRequest(
    {
      method: input.method,
      canonicalUri: canonicalPath(url.pathname) ?? url.pathname,
      canonicalQuery: aliyunAcs3CanonicalQuery([...url.searchParams]),
      headers: all.filter(([name]) => isSignedName(name)),
      payloadHash: added["x-acs-content-sha256"] as string,
    },
    ALGORITHM,
    input.accessKeySecret,
  );
  return {
    ...details,
    signature,
    headers: {
      ...added,
      Authorization: `${ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
    },
  };
}

/** The headers to add: x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, Authorization. */
export function signAliyunAcs3Request(input: AliyunAcs3SignInput): Record<string, string> {
  return aliyunAcs3SigningDetails(input).headers;
}

/** The first x-acs-* header that was sent but not signed: it could have been swapped (x-acs-action!). */
function unsignedAcsHeader(headers: HeaderSource, signed: readonly string[]): string | undefined {
  return headerNames(headers).find((name) => name.startsWith("x-acs-") && !signed.includes(name));
}

/**
 * Verifies an ACS3-signed request: host, x-acs-date, x-acs-signature-nonce and x-acs-content-sha256 must be
 * signed, and so must every other x-acs-* header present; x-acs-content-sha256 must be the SHA-256 of the raw
 * body; x-acs-date within ±toleranceSeconds (default 900). Returns the nonce for replay checks by the caller.
 * Bad input yields a reason; misuse throws TypeError.
 */
export function verifyAliyunAcs3Request(
  request: SignedHttpRequest,
  lookupSecret: SecretLookup,
  opts: RequestVerifyOptions,
): RequestVerdict {
  const check = startRequestCheck("verifyAliyunAcs3Request", lookupSecret, opts);
  const parsed = parseHeaderSignedRequest(request, SCHEME);
  if ("reason" in parsed) return parsed;
  const { headers, body } = parsed;
  const unsigned = unsignedAcsHeader(headers, parsed.signedNames);
  if (unsigned !== undefined) return requestFailure("malformed", unsigned);
  const canonicalUri = canonicalPath(parsed.path);
  if (canonicalUri === undefined) return requestFailure("malformed", "path");

  const dateSec = parseIsoUtc(getHeader(headers, "x-acs-date") ?? "");
  if (dateSec === undefined) return requestFailure("malformed", "x-acs-date");
  const nonce = getHeader(headers, "x-acs-signature-nonce");
  if (!nonce) return requestFailure("malformed", "x-acs-signature-nonce");
  const secret = windowThenSecret(check, dateSec, parsed.accessKeyId);
  if (typeof secret !== "string") return secret;

  const contentHash = getHeader(headers, "x-acs-content-sha256") ?? "";
  if (contentHash.toLowerCase() !== sha256Hex(body)) return requestFailure("content_hash_mismatch");

  const canonicalRequest = assembleCanonicalRequest(
    parsed.method,
    canonicalUri,
    aliyunAcs3CanonicalQuery(parsed.pairs),
    parsed.headerBlock,
    parsed.signedHeaderList,
    contentHash,
  );
  return canonicalRequestMatches(parsed.signature, secret, ALGORITHM, canonicalRequest)
    ? { ok: true, accessKeyId: parsed.accessKeyId, nonce }
    : requestFailure("bad_signature");
}

/**
 * Huawei API Gateway `SDK-HMAC-SHA256` request signing (vendor-spec §6.1), used by Huawei Live and SparkRTC.
 *   Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>
 *   StringToSign  = "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + hex(sha256(canonical request))
 *   Signature     = hex(HMAC-SHA256(SK, StringToSign))
 */
import { canonicalQuery, type QueryPair } from "./canonical-query.js";
import { getHeader } from "./header-lookup.js";
import { assertKey } from "./key-rules.js";
import { canonicalPath, reencodedPath } from "./percent-encode.js";
import {
  assembleCanonicalRequest,
  callerHeaders,
  canonicalRequestMatches,
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
import { formatBasicUtc, parseBasicUtc } from "./utc-timestamp.js";
import { type RequestVerdict, requestFailure } from "./verdict.js";

const ALGORITHM = "SDK-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** The date must be signed, or the 15-minute window would protect nothing. */
const SCHEME = { algorithm: ALGORITHM, credential: "Access", requiredSigned: ["x-sdk-date"] } as const;

export type HuaweiApigSignInput = {
  method: string;
  /** Absolute URL; its host (with a non-default port) is signed as `host`, its query as the canonical query. */
  url: URL | string;
  /** Headers that will be sent and signed, e.g. content-type and x-project-id. Not host, X-Sdk-Date or Authorization. */
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array | string;
  accessKey: string;
  secretKey: string;
  date: Date;
};

export type HuaweiApigSignedHeaders = { "X-Sdk-Date": string; Authorization: string };

export type HuaweiApigSigningDetails = {
  canonicalRequest: string;
  canonicalRequestHash: string;
  stringToSign: string;
  signature: string;
  /** The headers to add to the request. */
  headers: HuaweiApigSignedHeaders;
};

const withTrailingSlash = (path: string): string => (path.endsWith("/") ? path : `${path}/`);

/**
 * Canonical URI from a raw path: each segment decoded, strictly re-encoded, and a trailing `/` appended.
 * This is what the Go, Java and Python SDKs produce; see `verifyHuaweiApigRequest` for the Node SDK variant.
 */
export function huaweiApigCanonicalUri(rawPath: string): string {
  return withTrailingSlash(canonicalPath(rawPath) ?? reencodedPath(rawPath));
}

/** Canonical query from decoded pairs: sorted by key then value, keys and values strictly encoded. */
export function huaweiApigCanonicalQuery(pairs: readonly QueryPair[]): string {
  return canonicalQuery(pairs, true);
}

export function huaweiApigStringToSign(sdkDate: string, canonicalRequest: string): string {
  return stringToSign(`${ALGORITHM}\n${sdkDate}`, canonicalRequest);
}

/** Everything the signer computes, for debugging a mismatch against a vendor SDK. */
export function huaweiApigSigningDetails(input: HuaweiApigSignInput): HuaweiApigSigningDetails {
  const caller = "signHuaweiApigRequest";
  assertKey(input.accessKey, caller, "accessKey");
  assertKey(input.secretKey, caller, "secretKey");
  unixSeconds(input.date, caller);
  const url = new URL(input.url);
  const given = callerHeaders(input.headers, (name) => name === "x-sdk-date", caller);
  const sdkDate = formatBasicUtc(input.date);
  const withHost = given.some(([name]) => name === "host") ? given : [...given, ["host", url.host] as const];
  // As the SDK: a given X-Sdk-Content-Sha256 (normally UNSIGNED-PAYLOAD) is signed in place of the body hash.
  const declaredHash = given.find(([name]) => name === "x-sdk-content-sha256")?.[1];
  const { signature, signedHeaders, ...details } = signCanonicalRequest(
    {
      method: input.method,
      canonicalUri: huaweiApigCanonicalUri(url.pathname),
      canonicalQuery: huaweiApigCanonicalQuery([...url.searchParams]),
      headers: [...withHost, ["x-sdk-date", sdkDate] as const].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
      payloadHash: declaredHash ?? sha256Hex(input.body ?? ""),
    },
    `${ALGORITHM}\n${sdkDate}`,
    input.secretKey,
  );
  return {
    ...details,
    signature,
    headers: {
      "X-Sdk-Date": sdkDate,
      Authorization: `${ALGORITHM} Access=${input.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  };
}

/** The headers to add: `X-Sdk-Date` and `Authorization`. */
export function signHuaweiApigRequest(input: HuaweiApigSignInput): HuaweiApigSignedHeaders {
  return huaweiApigSigningDetails(input).headers;
}

/**
 * Canonical URIs a genuine client may have signed: decoded segments re-encoded (Go, Java, Python SDKs), and the
 * raw, already escaped segments encoded again (the Node SDK turns `%` into `%25`). Equal for ordinary paths.
 */
function canonicalUriCandidates(rawPath: string): string[] {
  const reencoded = withTrailingSlash(reencodedPath(rawPath));
  const decoded = canonicalPath(rawPath);
  if (decoded === undefined) return [reencoded];
  const canonical = withTrailingSlash(decoded);
  return canonical === reencoded ? [canonical] : [canonical, reencoded];
}

/**
 * Server-side verification of an APIG-signed request. Requires `x-sdk-date` among the signed headers, checks
 * it within ±toleranceSeconds (default 900), hashes the raw body unless `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`,
 * and re-encodes decoded query values strictly. Bad input yields a reason; misuse throws TypeError.
 */
export function verifyHuaweiApigRequest(
  request: SignedHttpRequest,
  lookupSecret: SecretLookup,
  opts: RequestVerifyOptions,
): RequestVerdict {
  const check = startRequestCheck("verifyHuaweiApigRequest", lookupSecret, opts);
  const parsed = parseHeaderSignedRequest(request, SCHEME);
  if ("reason" in parsed) return parsed;
  const { headers, body } = parsed;

  const sdkDate = getHeader(headers, "x-sdk-date") ?? "";
  const dateSec = parseBasicUtc(sdkDate);
  if (dateSec === undefined) return requestFailure("malformed", "X-Sdk-Date");
  const secret = windowThenSecret(check, dateSec, parsed.accessKeyId);
  if (typeof secret !== "string") return secret;

  const declaredHash = getHeader(headers, "x-sdk-content-sha256");
  let payloadHash: string;
  if (declaredHash === UNSIGNED_PAYLOAD) payloadHash = UNSIGNED_PAYLOAD;
  else {
    payloadHash = sha256Hex(body);
    if (declaredHash !== undefined) {
      if (declaredHash.toLowerCase() !== payloadHash) return requestFailure("content_hash_mismatch");
      payloadHash = declaredHash; // the SDK signs the header value as sent
    }
  }

  const queryString = huaweiApigCanonicalQuery(parsed.pairs);
  for (const canonicalUri of canonicalUriCandidates(parsed.path)) {
    const canonicalRequest = assembleCanonicalRequest(
      parsed.method,
      canonicalUri,
      queryString,
      parsed.headerBlock,
      parsed.signedHeaderList,
      payloadHash,
    );
    if (canonicalRequestMatches(parsed.signature, secret, `${ALGORITHM}\n${sdkDate}`, canonicalRequest)) {
      return { ok: true, accessKeyId: parsed.accessKeyId };
    }
  }
  return requestFailure("bad_signature");
}

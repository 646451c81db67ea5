/**
 * Pieces shared by the three request-signature verifiers (Huawei APIG, Alibaba RPC v1, Alibaba ACS3).
 */
import { createHash, createHmac } from "node:crypto";
import { parseQuery, type QueryPair } from "./canonical-query.js";
import { hexMatchesDigest } from "./constant-time.js";
import { getHeader, getHeaderValues, type HeaderSource } from "./header-lookup.js";
import { checkWindow, tolerance, unixSeconds } from "./time-window.js";
import { type RequestFailure, requestFailure } from "./verdict.js";

/** The parts of an incoming HTTP request a verifier needs, exactly as received. */
export type SignedHttpRequest = {
  method: string;
  /** Raw path as on the wire, without the query: `/v1/abc/record/callbacks`. */
  path: string;
  /** Raw query string as on the wire, with or without `?`; "" when there is none. */
  query: string;
  headers: HeaderSource;
  /** The raw body bytes (empty for GET). */
  body: Uint8Array | string;
};

/** Returns the secret of an access key, or undefined when the key is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

export type RequestVerifyOptions = {
  now: Date;
  /** Allowed clock distance in both directions. Default 900 (15 minutes, as both gateways document). */
  toleranceSeconds?: number;
};

export const DEFAULT_REQUEST_TOLERANCE_SECONDS = 900;

/**
 * A SecretLookup over a fixed table of access keys. Own properties only, so `__proto__` or `toString` are unknown
 * keys rather than inherited values.
 */
export function secretLookupFrom(credentials: Readonly<Record<string, string | undefined>>): SecretLookup {
  return (accessKeyId) => (Object.hasOwn(credentials, accessKeyId) ? credentials[accessKeyId] : undefined);
}

export function assertLookup(lookupSecret: unknown, caller: string): asserts lookupSecret is SecretLookup {
  if (typeof lookupSecret !== "function") throw new TypeError(`${caller}: lookupSecret must be a function`);
}

/** Looks a secret up; a lookup that answers with something other than a non-empty string is misconfigured. */
export function resolveSecret(lookupSecret: SecretLookup, accessKeyId: string, caller: string): string | undefined {
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) return undefined;
  if (typeof secret !== "string" || secret.length === 0) {
    throw new TypeError(`${caller}: lookupSecret must return a non-empty string or undefined`);
  }
  return secret;
}

/**
 * Parses `<ALGORITHM> k1=v1, k2=v2,…` (Huawei separates with ", ", Alibaba with ","; both are accepted).
 * Undefined when the algorithm differs or a part is not `k=v`.
 */
export function parseAuthorization(value: string, algorithm: string): Map<string, string> | undefined {
  if (!value.startsWith(`${algorithm} `)) return undefined;
  const params = new Map<string, string>();
  for (const part of value.slice(algorithm.length + 1).split(",")) {
    const trimmed = part.trim();
    const eq = trimmed.indexOf("=");
    if (eq <= 0) return undefined;
    params.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return params;
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** Splits a SignedHeaders list; undefined unless every name is a lower-case header token. */
export function parseSignedHeaders(list: string): string[] | undefined {
  const names = list.split(";");
  return names.every((name) => HEADER_NAME.test(name)) ? names : undefined;
}

/**
 * The canonical header block: `name:value\n` for each signed name, in the given order. Values are trimmed; a
 * header sent more than once contributes its values sorted and joined with "," (the ACS3 multi-value rule).
 * Returns the first missing name instead when a signed header is absent.
 */
export function canonicalHeaderBlock(
  headers: HeaderSource,
  names: readonly string[],
): { block: string } | { missing: string } {
  let block = "";
  for (const name of names) {
    const values = getHeaderValues(headers, name);
    if (values.length === 0) return { missing: name };
    block += `${name}:${
      values.length === 1
        ? (values[0] as string).trim()
        : values
            .map((v) => v.trim())
            .sort()
            .join(",")
    }\n`;
  }
  return { block };
}

/** Signing-side header normalization: lower-case names, trimmed values, sorted by name; duplicates are misuse. */
export function normalizeHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  caller: string,
): [string, string][] {
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new TypeError(`${caller}: header ${lower} is given twice`);
    if (typeof value !== "string") throw new TypeError(`${caller}: header ${lower} must be a string`);
    seen.set(lower, value.trim());
  }
  return [...seen].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The caller's headers for a signer; passing one the signer computes itself is misuse. */
export function callerHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  isComputed: (name: string) => boolean,
  caller: string,
): [string, string][] {
  const given = normalizeHeaders(headers, caller);
  const clash = given.find(([name]) => name === "authorization" || isComputed(name));
  if (clash !== undefined) throw new TypeError(`${caller}: header ${clash[0]} is computed by the signer`);
  return given;
}

/** Both gateways join six parts with "\n"; the header block already ends in "\n", which leaves an empty line. */
export function assembleCanonicalRequest(
  method: string,
  canonicalUri: string,
  canonicalQueryString: string,
  headerBlock: string,
  signedHeaders: string,
  payloadHash: string,
): string {
  return `${method}\n${canonicalUri}\n${canonicalQueryString}\n${headerBlock}\n${signedHeaders}\n${payloadHash}`;
}

/** What every request verifier needs after its misuse checks. */
export type RequestCheck = { caller: string; nowSec: number; toleranceSec: number; lookupSecret: SecretLookup };

/** Misuse checks shared by the request verifiers; they throw TypeError. */
export function startRequestCheck(
  caller: string,
  lookupSecret: SecretLookup,
  opts: RequestVerifyOptions,
): RequestCheck {
  assertLookup(lookupSecret, caller);
  const nowSec = unixSeconds(opts.now, caller);
  const toleranceSec = tolerance(opts.toleranceSeconds, DEFAULT_REQUEST_TOLERANCE_SECONDS, caller, "toleranceSeconds");
  return { caller, nowSec, toleranceSec, lookupSecret };
}

/** The time window (both directions), then the secret of the access key. */
export function windowThenSecret(check: RequestCheck, dateSec: number, accessKeyId: string): string | RequestFailure {
  const violation = checkWindow(dateSec, check.nowSec, check.toleranceSec, check.toleranceSec);
  if (violation !== undefined) return requestFailure(violation);
  return resolveSecret(check.lookupSecret, accessKeyId, check.caller) ?? requestFailure("unknown_access_key");
}

/** A request signed through an `Authorization` header, with its parts checked and its header block built. */
export type HeaderSignedRequest = {
  method: string;
  path: string;
  pairs: QueryPair[];
  headers: HeaderSource;
  body: Uint8Array | string;
  accessKeyId: string;
  /** SignedHeaders exactly as received: it is part of the canonical request. */
  signedHeaderList: string;
  signedNames: string[];
  headerBlock: string;
  signature: string;
};

export type AuthorizationScheme = {
  algorithm: string;
  /** Name of the access-key parameter: `Access` (Huawei) or `Credential` (Alibaba). */
  credential: string;
  /** Headers that must be among SignedHeaders. */
  requiredSigned: readonly string[];
};

/**
 * Presence and shape checks for Huawei APIG and Alibaba ACS3: the Authorization header, its parameters, the
 * signed header list, and the method, path, query and body types. Missing Authorization is
 * `missing_authorization`; anything else unusable is `malformed` with the field named.
 */
export function parseHeaderSignedRequest(
  request: SignedHttpRequest,
  scheme: AuthorizationScheme,
): HeaderSignedRequest | RequestFailure {
  const fail = requestFailure; // every early exit below is a request failure; the alias keeps them on one line
  const { method, path, query, headers, body } = request;
  if (typeof headers !== "object" || headers === null) return fail("missing_authorization");
  const authorization = getHeader(headers, "authorization");
  if (authorization === undefined || authorization === "") return fail("missing_authorization");
  const auth = parseAuthorization(authorization, scheme.algorithm);
  const accessKeyId = auth?.get(scheme.credential);
  const signedHeaderList = auth?.get("SignedHeaders");
  const signature = auth?.get("Signature");
  if (!accessKeyId || signedHeaderList === undefined || signature === undefined) {
    return fail("malformed", "Authorization");
  }
  const signedNames = parseSignedHeaders(signedHeaderList);
  if (signedNames === undefined || scheme.requiredSigned.some((name) => !signedNames.includes(name))) {
    return fail("malformed", "SignedHeaders");
  }
  if (typeof method !== "string" || typeof path !== "string" || !path.startsWith("/") || /[?#]/.test(path)) {
    return fail("malformed", "path");
  }
  if (typeof body !== "string" && !(body instanceof Uint8Array)) return fail("malformed", "body");
  const pairs = typeof query === "string" ? parseQuery(query) : undefined;
  if (pairs === undefined) return fail("malformed", "query");
  const headerBlock = canonicalHeaderBlock(headers, signedNames);
  if ("missing" in headerBlock) return fail("malformed", headerBlock.missing);
  return {
    method: method.toUpperCase(),
    path,
    pairs,
    headers,
    body,
    accessKeyId,
    signedHeaderList,
    signedNames,
    headerBlock: headerBlock.block,
    signature,
  };
}

/** Lower-case hex SHA-256: the payload hash of both gateways, and the hash of the canonical request. */
export const sha256Hex = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/** `<prefix>\n<hex sha256 of the canonical request>`; the prefix is the algorithm name (and, for Huawei, the date). */
export const stringToSign = (prefix: string, canonicalRequest: string): string =>
  `${prefix}\n${sha256Hex(canonicalRequest)}`;

export type CanonicalSignature = {
  canonicalRequest: string;
  canonicalRequestHash: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string;
};

/** Signer side: builds the canonical request from headers sorted by name and signs it with hex HMAC-SHA256. */
export function signCanonicalRequest(
  parts: {
    method: string;
    canonicalUri: string;
    canonicalQuery: string;
    headers: readonly (readonly [name: string, value: string])[];
    payloadHash: string;
  },
  prefix: string,
  secret: string,
): CanonicalSignature {
  const signedHeaders = parts.headers.map(([name]) => name).join(";");
  const canonicalRequest = assembleCanonicalRequest(
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.headers.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaders,
    parts.payloadHash,
  );
  const canonicalRequestHash = sha256Hex(canonicalRequest);
  const toSign = `${prefix}\n${canonicalRequestHash}`;
  const signature = createHmac("sha256", secret).update(toSign).digest("hex");
  return { canonicalRequest, canonicalRequestHash, stringToSign: toSign, signature, signedHeaders };
}

/** Verifier side: constant-time comparison of the received hex signature with the HMAC of the canonical request. */
export function canonicalRequestMatches(
  receivedHex: string,
  secret: string,
  prefix: string,
  canonicalRequest: string,
): boolean {
  const expected = createHmac("sha256", secret).update(stringToSign(prefix, canonicalRequest)).digest("hex");
  return hexMatchesDigest(receivedHex, expected);
}

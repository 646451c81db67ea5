/**
 * Query strings for canonical requests: parse the wire form into decoded pairs, then sort and strictly re-encode.
 */
import { percentDecode, percentEncode } from "./percent-encode.js";

export type QueryPair = readonly [key: string, value: string];

/**
 * Splits a raw query (`a=1&b=%2A`, with or without a leading `?`) into decoded pairs. `+` means space, as in
 * form data and in the servers behind both gateways. A part without `=` has an empty value. Undefined when an
 * escape is malformed.
 */
export function parseQuery(raw: string): QueryPair[] | undefined {
  const text = raw.startsWith("?") ? raw.slice(1) : raw;
  const pairs: QueryPair[] = [];
  if (text === "") return pairs;
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = percentDecode(eq < 0 ? part : part.slice(0, eq), true);
    const value = percentDecode(eq < 0 ? "" : part.slice(eq + 1), true);
    if (key === undefined || value === undefined) return undefined;
    pairs.push([key, value]);
  }
  return pairs;
}

function byKeyThenValue(a: QueryPair, b: QueryPair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/**
 * `k=v` pairs sorted by decoded key, then value (the vendor SDKs sort the unencoded names), joined with `&`.
 * Values are always strictly encoded; keys too unless `encodeKeys` is false, which is what the Alibaba ACS3 SDK
 * does (`getAuthorizationQueryString` appends the key as it is).
 */
export function canonicalQuery(pairs: readonly QueryPair[], encodeKeys: boolean): string {
  return [...pairs]
    .sort(byKeyThenValue)
    .map(([key, value]) => `${encodeKeys ? percentEncode(key) : key}=${percentEncode(value)}`)
    .join("&");
}

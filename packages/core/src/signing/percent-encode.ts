/**
 * RFC 3986 percent-encoding as the three request-signing schemes use it when they build canonical strings:
 * unreserved characters `A–Z a–z 0–9 - _ . ~` stay, every other UTF-8 byte becomes `%XX` (upper-case hex).
 * So space → `%20`, `*` → `%2A`, `~` stays. Real SDKs send some characters raw (`*`) and escape them only when
 * signing, so verifiers decode what arrived and re-encode with this rule, never trusting the wire escaping (§6).
 */

const ALL_UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const ESCAPED = Array.from({ length: 256 }, (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`);

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A–Z
    (byte >= 0x61 && byte <= 0x7a) || // a–z
    (byte >= 0x30 && byte <= 0x39) || // 0–9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/**
 * Strict encoding. Never throws: a lone surrogate becomes U+FFFD (EF BF BD), where `encodeURIComponent` would
 * throw a URIError.
 */
export function percentEncode(text: string): string {
  if (ALL_UNRESERVED.test(text)) return text;
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) out += isUnreserved(byte) ? String.fromCharCode(byte) : ESCAPED[byte];
  return out;
}

/**
 * Decodes `%XX` escapes (and `+` as space for form and query data). Returns undefined for a malformed escape or
 * escapes that are not UTF-8.
 */
export function percentDecode(text: string, plusAsSpace: boolean): string | undefined {
  const spaced = plusAsSpace && text.includes("+") ? text.replaceAll("+", " ") : text;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch (err) {
    if (err instanceof URIError) return undefined;
    throw err;
  }
}

/**
 * Canonical path: each `/`-separated segment of a raw (wire) path is decoded and strictly re-encoded, so `%2F`
 * inside a segment stays a segment character. Undefined when a segment holds a malformed escape.
 */
export function canonicalPath(rawPath: string): string | undefined {
  const segments = rawPath.split("/");
  for (let i = 0; i < segments.length; i++) {
    const decoded = percentDecode(segments[i] as string, false);
    if (decoded === undefined) return undefined;
    segments[i] = percentEncode(decoded);
  }
  return segments.join("/");
}

/** Canonical path from strictly encoding each raw segment as it is, escapes included (`%` → `%25`). */
export function reencodedPath(rawPath: string): string {
  return rawPath.split("/").map(percentEncode).join("/");
}

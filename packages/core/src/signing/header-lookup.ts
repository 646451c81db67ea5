/**
 * Case-insensitive header access over either a fetch `Headers` object or a plain record such as Node's
 * `req.headers` / `req.headersDistinct`. HTTP header names are case-insensitive, and vendors differ in spelling
 * (`X-Rtc-Signature`, `ALI-LIVE-SIGNATURE`), so the lookup never depends on the case a sender used.
 */

export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;
export type HeaderSource = Headers | HeaderRecord;

function isHeadersObject(headers: HeaderSource): headers is Headers {
  // A plain record is recognised by its prototype first: looking up a missing `get` on a large record costs more
  // than the rest of the lookup. Otherwise duck-typed, so that Headers from another realm or undici copy works;
  // a record's values are never functions.
  const proto: unknown = Object.getPrototypeOf(headers);
  if (proto === Object.prototype || proto === null) return false;
  return typeof (headers as Headers).get === "function" && typeof (headers as Headers).forEach === "function";
}

function sameName(key: string, lowerName: string): boolean {
  // Comparing lengths first keeps the common miss cheap: no lower-casing of unrelated header names.
  return key.length === lowerName.length && (key === lowerName || key.toLowerCase() === lowerName);
}

/**
 * Every value of a header, in order. A record may hold the same name in several spellings and may hold arrays
 * (`req.headersDistinct`); all of them are collected. `Headers` has already joined repeats with ", ".
 * Returns an empty array when the header is absent. Never throws.
 */
export function getHeaderValues(headers: HeaderSource, name: string): string[] {
  const lowerName = name.toLowerCase();
  if (isHeadersObject(headers)) {
    const value = headers.get(lowerName);
    return value === null ? [] : [value];
  }
  const values: string[] = [];
  for (const key of Object.keys(headers)) {
    if (!sameName(key, lowerName)) continue;
    const value = headers[key];
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value)) {
      for (const v of value) if (typeof v === "string") values.push(v);
    }
  }
  return values;
}

/**
 * A single header value; `lowerName` must be lower-case (callers pass constants). Repeats are joined with ", " exactly as `Headers.get` does, so both input kinds give the
 * same answer; a repeated signature header then simply fails to parse or to match.
 *
 * Callback verification calls this on every request, so the common case is kept small enough to inline: a record
 * is first read by the lower-case name, as Node's `req.headers` spells it, and scanned case-insensitively only
 * when that is missing. (A record holding one header under both a lower-case and another spelling therefore
 * yields the lower-case value; Node never builds such a record.)
 */
export function getHeader(headers: HeaderSource, lowerName: string): string | undefined {
  if (isHeadersObject(headers)) return headers.get(lowerName) ?? undefined;
  if (Object.hasOwn(headers, lowerName)) {
    const value = headers[lowerName];
    if (typeof value === "string") return value;
  }
  return scanRecord(headers, lowerName);
}

function scanRecord(headers: HeaderRecord, lowerName: string): string | undefined {
  let found: string | undefined;
  for (const key of Object.keys(headers)) {
    if (!sameName(key, lowerName)) continue;
    const text = valueText(headers[key]);
    if (text !== undefined) found = found === undefined ? text : `${found}, ${text}`;
  }
  return found;
}

function valueText(value: string | readonly string[] | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((v): v is string => typeof v === "string");
  return strings.length > 0 ? strings.join(", ") : undefined;
}

/** Every header name present, lower-cased and de-duplicated. */
export function headerNames(headers: HeaderSource): string[] {
  const names = new Set<string>();
  if (isHeadersObject(headers)) {
    headers.forEach((_value, key) => {
      names.add(key.toLowerCase());
    });
  } else {
    for (const key of Object.keys(headers)) if (headers[key] !== undefined) names.add(key.toLowerCase());
  }
  return [...names];
}

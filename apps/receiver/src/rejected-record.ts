/**
 * How much a rejected attempt may store, and how fast rejected attempts are stored (issue 15 item 8). Rejected
 * attempts are kept for inspection only, and anyone can send them: each record is cut to a fixed size, at most
 * `rejectedKeepPerVendor` are kept per vendor, and at most REJECTION_RATE per second per vendor are written, so
 * a flood can neither fill the disk nor make the store write faster than a trickle. README "Query API" states the
 * resulting bound.
 */

/** Rejected bodies are kept for inspection, but only this much of them. */
export const REJECTED_BODY_BYTES = 4096;
/** The stored headers of a rejected attempt, as JSON text, are at most this long (UTF-8 bytes). */
export const REJECTED_HEADERS_BYTES = 2048;
/** A longer header value is cut to this many characters first, so one huge header does not crowd out the rest. */
const REJECTED_HEADER_VALUE_CHARS = 256;
/** Names the count of headers left out; the room for it is kept free while the others are added. */
const HEADERS_CUT = "x-livehook-headers-cut";
const CUT_ROOM = Buffer.byteLength(`,"${HEADERS_CUT}":"9999"`);

/**
 * Per vendor, a token bucket: REJECTION_BURST records at once, then REJECTION_RATE per second. A key
 * misconfigured at the vendor (every delivery a 401) still shows dozens of examples a second; the excess is
 * counted in `livehook_rejections_dropped_total` and `livehook_events_rejected_total`, never written.
 */
export const REJECTION_RATE = { perSecond: 20, burst: 200 } as const;

const jsonBytes = (s: string) => Buffer.byteLength(JSON.stringify(s));

/**
 * The headers to store with a rejected attempt: in their order, each value cut to REJECTED_HEADER_VALUE_CHARS,
 * as many as fit in REJECTED_HEADERS_BYTES of JSON; when some do not fit, `x-livehook-headers-cut` says how many
 * were left out.
 */
export function rejectedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  let size = 2; // {}
  let kept = 0;
  let cut = 0;
  for (const [name, full] of Object.entries(headers)) {
    const value = full.length > REJECTED_HEADER_VALUE_CHARS ? `${full.slice(0, REJECTED_HEADER_VALUE_CHARS)}…` : full;
    const entry = jsonBytes(name) + 1 + jsonBytes(value) + (kept > 0 ? 1 : 0);
    if (size + entry + CUT_ROOM > REJECTED_HEADERS_BYTES) {
      cut++;
      continue;
    }
    out[name] = value;
    size += entry;
    kept++;
  }
  if (cut > 0) out[HEADERS_CUT] = String(cut);
  return out;
}

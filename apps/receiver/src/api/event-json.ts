/** The JSON form of stored events in API responses: ISO times, raw body as text (and base64 when not UTF-8). */
import type { EventSummary, RejectionSummary, StoredEvent } from "../store/types.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const strict = new TextDecoder("utf-8", { fatal: true });

export function bodyText(raw: Uint8Array): { rawBody: string; rawBodyBase64?: string } {
  try {
    return { rawBody: strict.decode(raw) };
  } catch {
    return { rawBody: new TextDecoder().decode(raw), rawBodyBase64: Buffer.from(raw).toString("base64") };
  }
}

export const summaryJson = (e: EventSummary) => ({
  ...e,
  receivedAt: iso(e.receivedAt),
  eventTime: iso(e.eventTime),
  verdict: e.bodyAuthenticated ? "verified" : "verified_signature_only",
});

export function detailJson(e: StoredEvent) {
  const text = bodyText(e.rawBody);
  let body: unknown = null;
  try {
    body = JSON.parse(text.rawBody);
  } catch {
    body = null;
  }
  const { rawBody: _bytes, ...rest } = e;
  return { ...summaryJson(rest), ...text, body };
}

export function rejectionJson(r: RejectionSummary) {
  const { rawBody, ...rest } = r;
  return { ...rest, receivedAt: iso(r.receivedAt), ...bodyText(rawBody) };
}

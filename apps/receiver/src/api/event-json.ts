/** The JSON form of stored events in API responses: ISO times, raw body as text (and base64 when not UTF-8). */
import { type Authenticated, HUAWEI_LIVE_HMAC_SIGNED_FIELDS } from "@livehook/core";
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

const BODY: Authenticated = Object.freeze({ scope: "body" });
const NOTHING: Authenticated = Object.freeze({ scope: "none" });
const HUAWEI_LIVE_FIELDS: Authenticated = Object.freeze({ scope: "fields", fields: HUAWEI_LIVE_HMAC_SIGNED_FIELDS });

/**
 * Core's `authenticated` for a stored scope. Only Huawei Live HMACSHA256 signs named fields, so the store keeps
 * the scope and the names come from core's list instead of being written into every row.
 */
export function authenticatedOf(e: Pick<EventSummary, "vendor" | "authScope">): Authenticated {
  if (e.authScope === "body") return BODY;
  if (e.authScope === "fields" && e.vendor === "huawei-live") return HUAWEI_LIVE_FIELDS;
  return NOTHING;
}

/** `verdict`, one word for lists: what a valid signature vouched for. */
const VERDICTS = { body: "verified", fields: "verified_fields", none: "verified_signature_only" } as const;

export const summaryJson = (e: EventSummary) => ({
  ...e,
  receivedAt: iso(e.receivedAt),
  eventTime: iso(e.eventTime),
  authenticated: authenticatedOf(e),
  /** Kept for older clients: true exactly when the whole body was signed. */
  bodyAuthenticated: e.authScope === "body",
  verdict: VERDICTS[e.authScope],
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

/** A rejected attempt as the event stream shows it: what was refused and why, without headers or body. */
export function rejectionSummaryJson(r: RejectionSummary) {
  return { id: r.id, vendor: r.vendor, receivedAt: iso(r.receivedAt), status: r.status, reason: r.reason };
}

/**
 * The one place where the check order lives (issue 5, item 2):
 * body size (413) -> content type (415) -> signature and timestamp on the raw bytes (401) -> JSON parse (400)
 * -> nesting depth (400) -> schema validation (never a rejection once verified) -> dedupe + durable write (503 on
 * failure) -> reply. Huawei Live signs inside the body, so its body is parsed and depth-checked first.
 *
 * 503 tells the vendor to retry, so it answers only a store write that failed, which a retry may get through
 * (issue 15, item 2). Everything before the write depends on the body alone and would fail the same way on every
 * retry: such a failure is a 4xx with a reason, recorded as a rejected attempt.
 *
 * `processCallback` is framework-free: node-hooks.ts reads the body under the size limit and hands the bytes
 * here, then writes the reply it gets back.
 */
import {
  type CallbackVerdict,
  eventDigest,
  getHeader,
  type HeaderSource,
  isJsonMediaType,
  MAX_BODY_DEPTH,
  nestsDeeperThan,
} from "@livehook/core";
import { hasOutboxTargets } from "../config.js";
import type { ReceiverDeps } from "../deps.js";
import { HOST_NOT_ALLOWED } from "../host-check.js";
import { idempotencyKeys } from "../idempotency-key.js";
import { REJECTED_BODY_BYTES, rejectedHeaders } from "../rejected-record.js";
import { mayHoldUnstorableText, storableFacts } from "../storable-text.js";
import type { NewEvent, WriteOutcome } from "../store/types.js";
import { validateBody } from "../validate-body.js";
import type { VendorHook } from "./vendor-hook.js";

/** Headers that never reach the store, whatever a sender puts in them. */
const UNSTORED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);
const utf8 = new TextDecoder();

export type CallbackReply = {
  status: number;
  body: Readonly<Record<string, unknown>>;
  headers: Record<string, string>;
};

export type CallbackInput = {
  /** The body as received; `undefined` when it exceeded the limit (413). */
  raw: Uint8Array | undefined;
  headers: HeaderSource;
  receivedAt: Date;
  /** performance.now() when the request started, for the latency histogram. */
  started: number;
};

/** The parsed body, or `undefined` when the bytes are not JSON (JSON.parse never returns undefined). */
function parseJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(raw));
  } catch {
    return undefined;
  }
}

function headerRecord(headers: HeaderSource): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, value: string) => {
    const lower = name.toLowerCase();
    if (!UNSTORED_HEADERS.has(lower)) out[lower] = value;
  };
  if (headers instanceof Headers) {
    for (const [name, value] of headers) put(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === "string") put(name, value);
      else if (Array.isArray(value)) put(name, value.join(", "));
    }
  }
  return out;
}

export async function processCallback(
  hook: VendorHook,
  deps: ReceiverDeps,
  input: CallbackInput,
): Promise<CallbackReply> {
  const { vendor } = hook;
  const { headers, receivedAt } = input;
  const keys = deps.config.keys[vendor];
  const done = (reply: CallbackReply) => {
    deps.metrics.observe(vendor, (performance.now() - input.started) / 1000);
    return reply;
  };
  const reject = (status: 400 | 401 | 403 | 404 | 413 | 415 | 422, reason: string, raw: Uint8Array) => {
    deps.metrics.reject(vendor, reason);
    if (deps.config.recordRejected) {
      deps.committer.recordRejection({
        vendor,
        receivedAt: receivedAt.getTime(),
        reason,
        status,
        headers: rejectedHeaders(headerRecord(headers)),
        rawBody: raw.subarray(0, REJECTED_BODY_BYTES),
      });
    }
    return done({ status, body: { error: reason }, headers: {} });
  };

  const raw = input.raw;
  if (deps.hostCheck.checksCallbacks && !deps.hostCheck.allowsCallback(getHeader(headers, "host"))) {
    return reject(403, HOST_NOT_ALLOWED, raw ?? new Uint8Array());
  }
  if (raw === undefined) return reject(413, "body_too_large", new Uint8Array());
  if (!isJsonMediaType(getHeader(headers, "content-type"))) return reject(415, "unsupported_media_type", raw);
  if (keys.length === 0) return reject(404, "vendor_not_configured", raw);

  const verifyInput = { raw, headers, keys, now: receivedAt, requestHost: getHeader(headers, "host") ?? "" };
  let body: unknown;
  let verdict: CallbackVerdict;
  if (hook.verifyParsed !== undefined) {
    body = parseJson(raw);
    if (nestsDeeperThan(body, MAX_BODY_DEPTH)) return reject(400, "too_deeply_nested", raw);
    verdict = hook.verifyParsed(body, verifyInput);
  } else verdict = hook.verify(verifyInput);
  if (!verdict.ok) return reject(401, verdict.reason, raw);

  if (body === undefined) {
    body = parseJson(raw);
    if (body === undefined) return reject(400, "invalid_json", raw);
    if (nestsDeeperThan(body, MAX_BODY_DEPTH)) return reject(400, "too_deeply_nested", raw);
  }

  let event: NewEvent;
  try {
    event = describeEvent(hook, deps, input, raw, body, verdict);
  } catch (err) {
    // A bug met by this body: it would throw again on every retry, so the vendor is told to stop (4xx), not to
    // retry (503), and the attempt is kept for inspection. The message only, never the body.
    deps.log.error(
      { vendor, err: { name: (err as Error).name, message: (err as Error).message } },
      "body not processed",
    );
    return reject(422, "unprocessable_body", raw);
  }
  let outcome: WriteOutcome;
  try {
    outcome = await deps.committer.submit(event, input.started);
  } catch (err) {
    // Not acknowledged, so the vendor retries; the committer already logged the cause.
    deps.metrics.storeFailure();
    deps.log.warn({ vendor, err: (err as Error).message }, "store write failed; answered 503");
    return done({ status: 503, body: { error: "store_unavailable" }, headers: {} });
  }

  // The database refuses this row whatever the moment: a retry would be refused again, so no 503.
  if (outcome.status === "refused") return reject(422, "unstorable_event", raw);
  if (outcome.status === "duplicate") deps.metrics.duplicate(vendor);
  else {
    deps.metrics.accept(vendor, { valid: event.valid, unknownFields: event.unknownFields.length });
    if (outcome.forgedVariantOf !== undefined) {
      deps.metrics.forgedVariant(vendor);
      deps.log.warn(
        { vendor, eventId: outcome.id, variantOf: outcome.forgedVariantOf },
        "stored a forged variant: same signature and signed fields as another event, other unsigned fields",
      );
    }
  }
  const replyHeaders: Record<string, string> = { "x-livehook-duplicate": outcome.status === "duplicate" ? "1" : "0" };
  if (outcome.id !== null) replyHeaders["x-livehook-event-id"] = String(outcome.id);
  return done({ status: 200, body: hook.ack, headers: replyHeaders });
}

/** The event to store for a verified body: its schema verdict, facts and idempotency keys. */
function describeEvent(
  hook: VendorHook,
  deps: ReceiverDeps,
  input: CallbackInput,
  raw: Uint8Array,
  body: unknown,
  verdict: Extract<CallbackVerdict, { ok: true }>,
): NewEvent {
  const { vendor } = hook;
  const { headers, receivedAt } = input;
  const validation = validateBody(hook.schemaFor(body), body);
  // PostgreSQL refuses NUL in text, and neither store keeps a lone surrogate: such derived values are replaced,
  // the event flagged, and its raw body (bytes) keeps what was received (issue 15, item 1).
  const derived = hook.facts(body, (name) => getHeader(headers, name), receivedAt.getTime());
  const { facts, altered } = mayHoldUnstorableText(raw) ? storableFacts(derived) : { facts: derived, altered: [] };
  const signatureKey = verdict.authenticated.scope === "fields" ? (hook.signatureKey?.(body) ?? null) : null;
  return {
    vendor,
    receivedAt: receivedAt.getTime(),
    idemKeys: idempotencyKeys(
      vendor,
      eventDigest(vendor, body),
      facts.identityless,
      receivedAt.getTime(),
      deps.config.dedupeWindowSeconds,
      facts.keyTime,
    ),
    eventType: facts.eventType,
    domain: facts.domain,
    app: facts.app,
    stream: facts.stream,
    sessionKey: facts.sessionKey,
    fileKey: facts.fileKey,
    eventTime: facts.eventTime,
    authScope: verdict.authenticated.scope,
    signatureKey,
    signatureGraceSeconds: signatureKey === null ? null : (hook.signatureGraceSeconds ?? null),
    keyIndex: verdict.keyIndex,
    valid: validation.valid,
    issues: altered.length === 0 ? validation.issues : [...validation.issues, ...altered],
    unknownFields: validation.unknownFields,
    headers: headerRecord(headers),
    rawBody: raw,
    forward: hasOutboxTargets(deps.config, vendor),
    fileSequence: facts.fileSequence,
  };
}

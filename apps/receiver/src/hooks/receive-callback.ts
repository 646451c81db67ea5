/**
 * The one place where the check order lives (issue 5, item 2):
 * body size (413) -> content type (415) -> signature and timestamp on the raw bytes (401) -> JSON parse (400)
 * -> schema validation (never a rejection once verified) -> dedupe + durable write (503 on failure) -> reply.
 */
import type { Context } from "hono";
import type { ReceiverDeps } from "../deps.js";
import { eventDigest, idempotencyKeys } from "../idempotency-key.js";
import { readBody } from "../read-body.js";
import { validateBody } from "../validate-body.js";
import type { VendorHook } from "./vendor-hook.js";

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
/** Rejected bodies are kept for inspection, but only this much of them. */
const REJECTED_BODY_BYTES = 4096;
/** Headers that never reach the store, whatever a sender puts in them. */
const UNSTORED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!UNSTORED_HEADERS.has(name)) out[name] = value;
  });
  return out;
}

export function receiveCallback(hook: VendorHook, deps: ReceiverDeps) {
  const { vendor } = hook;
  const keys = deps.config.keys[vendor];

  return async (c: Context): Promise<Response> => {
    const started = performance.now();
    const receivedAt = deps.clock.now();
    const headers = c.req.raw.headers;
    const done = (res: Response) => {
      deps.metrics.observe(vendor, (performance.now() - started) / 1000);
      return res;
    };
    const reject = (status: 400 | 401 | 404 | 413 | 415, reason: string, raw: Uint8Array) => {
      deps.metrics.reject(vendor, reason);
      if (deps.config.recordRejected) {
        deps.committer.recordRejection({
          vendor,
          receivedAt: receivedAt.getTime(),
          reason,
          status,
          headers: headerRecord(headers),
          rawBody: raw.subarray(0, REJECTED_BODY_BYTES),
        });
      }
      return done(c.json({ error: reason }, status));
    };

    let raw: Uint8Array;
    try {
      raw = await readBody(c.req.raw, deps.config.bodyLimitBytes);
    } catch (err) {
      if (err instanceof Error && "status" in err && err.status === 413)
        return reject(413, "body_too_large", new Uint8Array());
      throw err;
    }
    if (!JSON_TYPE.test(headers.get("content-type") ?? "")) return reject(415, "unsupported_media_type", raw);
    if (keys.length === 0) return reject(404, "vendor_not_configured", raw);

    const verdict = hook.verify({ raw, headers, keys, now: receivedAt, requestHost: headers.get("host") ?? "" });
    if (!verdict.ok) return reject(401, verdict.reason, raw);

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      return reject(400, "invalid_json", raw);
    }

    const validation = validateBody(hook.schemaFor(body), body);
    const facts = hook.facts(body, headers);
    let outcome: Awaited<ReturnType<typeof deps.committer.submit>>;
    try {
      outcome = await deps.committer.submit({
        vendor,
        receivedAt: receivedAt.getTime(),
        idemKeys: idempotencyKeys(
          vendor,
          eventDigest(body, hook.authFields),
          facts.identityless,
          receivedAt.getTime(),
          deps.config.dedupeWindowSeconds,
        ),
        eventType: facts.eventType,
        domain: facts.domain,
        app: facts.app,
        stream: facts.stream,
        sessionKey: facts.sessionKey,
        fileKey: facts.fileKey,
        eventTime: facts.eventTime,
        bodyAuthenticated: verdict.bodyAuthenticated,
        keyIndex: verdict.keyIndex,
        valid: validation.valid,
        issues: validation.issues,
        unknownFields: validation.unknownFields,
        headers: headerRecord(headers),
        rawBody: raw,
        forward: deps.config.forward[vendor] !== undefined,
      });
    } catch (err) {
      // Not acknowledged, so the vendor retries; the committer already logged the cause.
      deps.metrics.storeFailure();
      deps.log.warn({ vendor, err: (err as Error).message }, "store write failed; answered 503");
      return done(c.json({ error: "store_unavailable" }, 503));
    }

    if (outcome.status === "duplicate") deps.metrics.duplicate(vendor);
    else deps.metrics.accept(vendor, { valid: validation.valid, unknownFields: validation.unknownFields.length });
    const res = c.json(hook.ack, 200);
    if (outcome.id !== null) res.headers.set("x-livehook-event-id", String(outcome.id));
    res.headers.set("x-livehook-duplicate", outcome.status === "duplicate" ? "1" : "0");
    return done(res);
  };
}

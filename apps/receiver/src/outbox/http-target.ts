/**
 * HTTP forwarding: each event is relayed to the vendor's target URL, and a 2xx reply confirms it. The body is the
 * vendor's original body, byte for byte; the request is signed in the Standard Webhooks format
 * (standardwebhooks.com), so the app verifies one scheme for every vendor with any Standard Webhooks library:
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the forwarding secret
 * (forward-secret.ts). `sendForward` is the one place the request is built and sent: the outbox's attempts
 * (httpTarget) and `POST /api/events/:id/resend` both call it.
 */
import { createHmac } from "node:crypto";
import type { Clock } from "@livehook/core";
import type { Logger } from "pino";
import { authenticatedOf } from "../api/event-json.js";
import { forwardSecretKey } from "../forward-secret.js";
import type { ForwardTask } from "../store/types.js";
import { errorText, LEASE_RAN_OUT, type OutboxTarget, targetName } from "./target.js";

/** Requests in flight at once per target: enough to keep a slow endpoint busy, few enough not to flood it. */
const HTTP_CONCURRENCY = 8;
export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;

/** The message of the line logged per attempt; the CLI picks these lines out of the receiver's output. */
export const FORWARDED_MESSAGE = "forwarded";

/** `v1,<signature>`: what a Standard Webhooks verifier recomputes from the three headers and the body. */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Uint8Array,
): string {
  const mac = createHmac("sha256", forwardSecretKey(secret));
  mac.update(`${id}.${timestampSeconds}.`);
  mac.update(body);
  return `v1,${mac.digest("base64")}`;
}

/**
 * The message id: the same for every attempt and resend of one event (the app's idempotency key, as the spec
 * asks), and with the event's receive time so ids stay distinct when a database is started afresh.
 */
export const webhookId = (task: Pick<ForwardTask, "id" | "summary">): string =>
  `evt_${task.id}_${task.summary.receivedAt.toString(36)}`;

/** The headers and body of one event's forward, signed at `now`. */
export function forwardRequest(
  task: ForwardTask,
  secret: string,
  now: Date,
): { headers: Record<string, string>; body: Uint8Array } {
  const id = webhookId(task);
  const timestamp = Math.floor(now.getTime() / 1000);
  const s = task.summary;
  const authenticated = authenticatedOf(s);
  const headers: Record<string, string> = {
    // Every vendor delivers JSON (receive-callback.ts refuses anything else), so the original type is JSON.
    "content-type": "application/json",
    "user-agent": "livehook-receiver",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardWebhookSignature(secret, id, timestamp, task.rawBody),
    "x-livehook-event-id": String(task.id),
    "x-livehook-vendor": s.vendor,
    "x-livehook-authenticated": authenticated.scope,
  };
  if (s.eventType !== null) headers["x-livehook-event-type"] = s.eventType;
  if (authenticated.scope === "fields") headers["x-livehook-authenticated-fields"] = authenticated.fields.join(",");
  if (s.anomaly !== null) headers["x-livehook-anomaly"] = `${s.anomaly.kind};event=${s.anomaly.otherEventId}`;
  return { headers, body: task.rawBody };
}

/** How the app answered (any status), or why it could not be reached; `ms` from sending to the answer. */
export type ForwardOutcome = { status: number; ms: number } | { status: null; error: string; ms: number };

export const isConfirmed = (outcome: ForwardOutcome): boolean =>
  outcome.status !== null && outcome.status >= 200 && outcome.status < 300;

export type SendForwardOptions = {
  /** The `whsec_` forwarding secret. */
  secret: string;
  /** Signs with its time. */
  clock: Clock;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
  /** Aborts the request (the outbox's lease running out). */
  signal?: AbortSignal | undefined;
};

/** Sends one event's forward to `url` and says how the app answered. Never rejects. */
export async function sendForward(task: ForwardTask, url: string, opts: SendForwardOptions): Promise<ForwardOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const request = forwardRequest(task, opts.secret, opts.clock.now());
  // fetch refuses a URL with credentials: they become the Basic auth they stand for.
  const target = new URL(url);
  const headers = { ...request.headers };
  if (target.username !== "" || target.password !== "") {
    const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS);
  try {
    const res = await (opts.fetch ?? fetch)(target.href, {
      method: "POST",
      headers,
      body: request.body,
      signal: opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout]),
    });
    await res.body?.cancel().catch(() => {});
    return { status: res.status, ms: ms() };
  } catch (err) {
    if (opts.signal?.aborted) return { status: null, error: LEASE_RAN_OUT, ms: ms() };
    return { status: null, error: reachError(err), ms: ms() };
  }
}

/** fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND) is what the user can act on. */
function reachError(err: unknown): string {
  if (err instanceof DOMException && err.name === "TimeoutError") return "timed out";
  const cause = (err as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  return errorText(err);
}

/** What happens next with the event after an attempt: delivered, tried again later, given up on, or a resend. */
export type ForwardNext = "delivered" | "retry" | "dead" | "resend";

/** One info line per forward: the user follows their app's answers in it (`livehook receive` and `start` print it). */
export function logForward(
  log: Logger,
  task: ForwardTask,
  url: string,
  outcome: ForwardOutcome,
  next: ForwardNext,
  retryInMs?: number,
): void {
  log.info(
    {
      eventId: task.id,
      vendor: task.vendor,
      eventType: task.summary.eventType,
      target: targetName(new URL(url)),
      status: outcome.status,
      ...(outcome.status === null ? { error: outcome.error } : {}),
      ms: outcome.ms,
      attempt: task.attempts + 1,
      next,
      ...(retryInMs === undefined ? {} : { retryInMs }),
    },
    FORWARDED_MESSAGE,
  );
}

export type HttpTargetOptions = Omit<SendForwardOptions, "signal"> & {
  /** Where each attempt's `forwarded` line goes (none without it). */
  log?: Logger | undefined;
  /** The outbox's retry schedule: an attempt's line says whether a failure is retried or dead-lettered. */
  retryScheduleMs?: readonly number[] | undefined;
};

export function httpTarget(url: string, opts: HttpTargetOptions): OutboxTarget {
  const one = async (task: ForwardTask, lease: AbortSignal): Promise<string | undefined> => {
    if (lease.aborted) return LEASE_RAN_OUT;
    const outcome = await sendForward(task, url, { ...opts, signal: lease });
    const retryInMs = opts.retryScheduleMs?.[task.attempts];
    const next = isConfirmed(outcome) ? "delivered" : retryInMs === undefined ? "dead" : "retry";
    if (opts.log !== undefined) {
      logForward(opts.log, task, url, outcome, next, next === "retry" ? retryInMs : undefined);
    }
    if (outcome.status === null) return outcome.error;
    return isConfirmed(outcome) ? undefined : `HTTP ${outcome.status}`;
  };
  return {
    name: targetName(new URL(url)),
    deliver: async (tasks, lease) => {
      const results: (string | undefined)[] = new Array(tasks.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < tasks.length; i = next++) results[i] = await one(tasks[i] as ForwardTask, lease);
      };
      await Promise.all(Array.from({ length: Math.min(HTTP_CONCURRENCY, tasks.length) }, worker));
      return results;
    },
    close: async () => {},
  };
}

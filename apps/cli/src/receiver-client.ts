/**
 * Client of the receiver's query API (`/api/events`, its SSE stream, resend), with the admin token when one is set. Shapes
 * come from the receiver's document (openapi/receiver-api.yaml, generated schemas in `@livehook/receiver/api`).
 */
import {
  ReceiverApiEventDetail,
  ReceiverApiEventSummary,
  ReceiverApiForwardFailed,
  ReceiverApiProblem,
  ReceiverApiResendResult,
} from "@livehook/receiver/api";
import { z } from "zod";
import type { CliContext } from "./context.js";
import { adminToken } from "./env.js";
import { CliError, EXIT, RECEIVER_NEXT_STEP, UnreachableError } from "./errors.js";
import { networkCause } from "./network-error.js";
import { exchange, expectShape, parseJson, snippet } from "./vendor-api/http.js";

/**
 * The fields of an event summary the CLI uses, as the document states them. Loose, so a newer receiver's extra
 * fields pass; `anomaly` is absent from receivers before migration 0005.
 */
export const ReceivedEvent = ReceiverApiEventSummary.pick({
  id: true,
  vendor: true,
  receivedAt: true,
  eventType: true,
  domain: true,
  app: true,
  stream: true,
  sessionKey: true,
  verdict: true,
  valid: true,
  duplicates: true,
})
  .extend({ anomaly: ReceiverApiEventSummary.shape.anomaly.optional() })
  .loose();
export type ReceivedEvent = z.infer<typeof ReceivedEvent>;

const EventPage = z.object({ events: z.array(ReceivedEvent), nextCursor: z.string().nullable() });
const EventDetail = ReceiverApiEventDetail.pick({ id: true, vendor: true, body: true }).loose();

function authHeaders(ctx: CliContext): Record<string, string> {
  const token = adminToken(ctx);
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function get(ctx: CliContext, url: string): Promise<unknown> {
  const reply = await exchange(ctx, url, { method: "GET", headers: authHeaders(ctx) }, RECEIVER_NEXT_STEP);
  if (reply.status === 401)
    throw new CliError("the receiver wants an admin token: set LIVEHOOK_ADMIN_TOKEN", EXIT.usage);
  if (reply.status !== 200) throw new CliError(`${url}: ${reply.status} ${snippet(reply.text)}`, EXIT.failure);
  return parseJson(reply);
}

export type EventFilter = { vendor?: string; since?: string };

/** Every stored event matching the filter, newest first, following the cursor. */
export async function listAllEvents(ctx: CliContext, base: string, filter: EventFilter): Promise<ReceivedEvent[]> {
  const out: ReceivedEvent[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: "500" });
    if (filter.vendor) q.set("vendor", filter.vendor);
    if (filter.since) q.set("since", filter.since);
    if (cursor) q.set("cursor", cursor);
    const page = expectShape(EventPage, await get(ctx, `${base}/api/events?${q}`), "events");
    out.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

export async function latestEvents(ctx: CliContext, base: string, limit: number): Promise<ReceivedEvent[]> {
  const page = expectShape(EventPage, await get(ctx, `${base}/api/events?limit=${limit}`), "events");
  return page.events;
}

export async function eventBody(ctx: CliContext, base: string, id: number): Promise<unknown> {
  return expectShape(EventDetail, await get(ctx, `${base}/api/events/${id}`), "event").body;
}

export type ResendResult =
  | ReceiverApiResendResult
  | { eventId: number; target: string; status: null; reason: string; ms: number; delivered: false };

/** `POST /api/events/:id/resend`: the receiver relays the event to its forwarding target and reports the answer. */
export async function resendEvent(ctx: CliContext, base: string, id: number): Promise<ResendResult> {
  const url = `${base}/api/events/${id}/resend`;
  const reply = await exchange(ctx, url, { method: "POST", headers: authHeaders(ctx) }, RECEIVER_NEXT_STEP);
  if (reply.status === 401)
    throw new CliError("the receiver wants an admin token: set LIVEHOOK_ADMIN_TOKEN", EXIT.usage);
  if (reply.status === 404) throw new CliError(`event #${id} is not stored at ${base}`, EXIT.failure);
  if (reply.status === 409) {
    const problem = ReceiverApiProblem.loose().safeParse(parseJson(reply));
    throw new CliError(
      `event #${id}: ${problem.success ? problem.data.message : "no forwarding target"}`,
      EXIT.failure,
    );
  }
  if (reply.status === 502) {
    const failed = expectShape(ReceiverApiForwardFailed.loose(), parseJson(reply), "resend");
    return { eventId: id, target: failed.target, status: null, reason: failed.reason, ms: failed.ms, delivered: false };
  }
  if (reply.status !== 200) throw new CliError(`${url}: ${reply.status} ${snippet(reply.text)}`, EXIT.failure);
  return expectShape(ReceiverApiResendResult.loose(), parseJson(reply), "resend");
}

/** A rejected attempt as the receiver's stream sends it (`?rejections=1`). */
export const RejectedAttempt = z.looseObject({
  id: z.number(),
  vendor: z.string(),
  receivedAt: z.string(),
  status: z.number(),
  reason: z.string(),
});
export type RejectedAttempt = z.infer<typeof RejectedAttempt>;

const RejectionPage = z.object({ rejections: z.array(RejectedAttempt) });

/**
 * The newest `limit` recorded rejections (of `vendor` when given), newest first, in the stream's shape: the list's
 * headers and body are left out. `/api/rejections` gives 100 a page.
 */
export async function latestRejections(
  ctx: CliContext,
  base: string,
  limit: number,
  vendor?: string,
): Promise<RejectedAttempt[]> {
  const out: RejectedAttempt[] = [];
  let cursor: number | undefined;
  while (out.length < limit) {
    const q = new URLSearchParams();
    if (vendor !== undefined) q.set("vendor", vendor);
    if (cursor !== undefined) q.set("cursor", String(cursor));
    const page = expectShape(RejectionPage, await get(ctx, `${base}/api/rejections?${q}`), "rejections");
    for (const { id, vendor, receivedAt, status, reason } of page.rejections) {
      out.push({ id, vendor, receivedAt, status, reason });
    }
    const last = page.rejections.at(-1);
    if (last === undefined) break;
    cursor = last.id;
  }
  return out.slice(0, limit);
}

const StreamReady = z.looseObject({ after: z.number(), rejectionsAfter: z.number().optional() });

/** A change of the stream's connection, for the user: lost (and retrying), or back (and resuming). */
export type ConnectionChange =
  | { state: "lost"; cause: string; attempt: number; retryInMs: number }
  | { state: "back"; afterEvent: number };

export type StreamOptions = {
  after?: number;
  /** With onRejection: start after this rejection instead of after the newest one when the stream opens. */
  afterRejection?: number;
  signal: AbortSignal;
  onEvent: (e: ReceivedEvent) => void;
  /** Given, the stream also carries rejected attempts (receivers without it simply send none). */
  onRejection?: (r: RejectedAttempt) => void;
  onConnection?: (change: ConnectionChange) => void;
};

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * Follows `/api/events/stream` (SSE) until the signal fires. A dropped connection is said (`onConnection`) and
 * retried with a back-off (250 ms doubling to 5 s) for as long as it takes, resuming after the last event and the
 * last rejection seen, so nothing stored meanwhile is missed or shown twice. A receiver that cannot be reached on
 * the first try is an UnreachableError.
 */
export async function followEvents(ctx: CliContext, base: string, o: StreamOptions): Promise<void> {
  let lastId = o.after;
  let lastRejection = o.afterRejection;
  let failures = 0;
  let connectedOnce = false;
  const withRejections = o.onRejection !== undefined;
  while (!o.signal.aborted) {
    const q = new URLSearchParams();
    if (lastId !== undefined) q.set("after", String(lastId));
    if (withRejections) q.set("rejections", "1");
    if (lastRejection !== undefined) q.set("rejectionsAfter", String(lastRejection));
    let cause = "the receiver closed the stream";
    try {
      const res = await ctx.fetch(`${base}/api/events/stream?${q}`, {
        headers: { accept: "text/event-stream", ...authHeaders(ctx) },
        signal: o.signal,
      });
      if (res.status === 401)
        throw new CliError("the receiver wants an admin token: set LIVEHOOK_ADMIN_TOKEN", EXIT.usage);
      // A receiver that is starting, draining or has lost its store answers 5xx for a while: retried like a drop.
      if (res.status >= 500 && connectedOnce) throw new TransientStreamFailure(`HTTP ${res.status}`);
      if (!res.ok || res.body === null)
        throw new CliError(`${base}/api/events/stream: HTTP ${res.status}`, EXIT.failure);
      for await (const msg of sseMessages(res.body)) {
        if (msg.event === "ready") {
          const ready = StreamReady.safeParse(parseOrUndefined(msg.data));
          if (ready.success) {
            lastId = ready.data.after;
            if (withRejections) lastRejection = ready.data.rejectionsAfter;
          }
          if (connectedOnce && failures > 0) o.onConnection?.({ state: "back", afterEvent: lastId ?? 0 });
          connectedOnce = true;
          failures = 0;
        } else if (msg.event === "event") {
          const parsed = ReceivedEvent.safeParse(parseOrUndefined(msg.data));
          if (!parsed.success) continue;
          lastId = parsed.data.id;
          o.onEvent(parsed.data);
        } else if (msg.event === "rejection") {
          const parsed = RejectedAttempt.safeParse(parseOrUndefined(msg.data));
          if (!parsed.success) continue;
          lastRejection = parsed.data.id;
          o.onRejection?.(parsed.data);
        } else if (msg.event === "error") {
          cause = `the receiver reported ${msg.data}`;
        }
      }
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof CliError) throw err;
      if (!connectedOnce) throw new UnreachableError(base, networkCause(err), RECEIVER_NEXT_STEP);
      cause = err instanceof TransientStreamFailure ? err.message : networkCause(err);
    }
    if (o.signal.aborted) return;
    failures += 1;
    const retryInMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
    o.onConnection?.({ state: "lost", cause, attempt: failures, retryInMs });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, retryInMs);
      o.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

class TransientStreamFailure extends Error {}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type SseMessage = { event: string; data: string; id?: string };

/** A minimal text/event-stream parser: enough for the receiver's `event`, `id` and `data` lines. */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, "\n");
    let at = buffer.indexOf("\n\n");
    while (at >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const msg: SseMessage = { event: "message", data: "" };
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") msg.event = value;
        else if (field === "data") data.push(value);
        else if (field === "id") msg.id = value;
      }
      msg.data = data.join("\n");
      if (data.length > 0) yield msg;
      at = buffer.indexOf("\n\n");
    }
  }
}

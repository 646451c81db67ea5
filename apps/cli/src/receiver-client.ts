/** Client of the receiver's query API (`/api/events`, its SSE stream), with the admin token when one is set. */
import { z } from "zod";
import type { CliContext } from "./context.js";
import { adminToken } from "./env.js";
import { CliError, EXIT, UnreachableError } from "./errors.js";
import { networkCause } from "./network-error.js";
import { exchange, expectShape, parseJson, snippet } from "./vendor-api/http.js";

/** The fields of an event summary the CLI uses; the receiver sends more. */
export const ReceivedEvent = z.looseObject({
  id: z.number(),
  vendor: z.string(),
  receivedAt: z.string(),
  eventType: z.string().nullable(),
  domain: z.string().nullable(),
  app: z.string().nullable(),
  stream: z.string().nullable(),
  sessionKey: z.string().nullable(),
  /** `verified` (whole body signed), `verified_fields` (named fields only), `verified_signature_only` (none). */
  verdict: z.string(),
  valid: z.boolean(),
  duplicates: z.number(),
  /** Absent from receivers before migration 0005. */
  anomaly: z.object({ kind: z.string(), otherEventId: z.number() }).nullable().optional(),
});
export type ReceivedEvent = z.infer<typeof ReceivedEvent>;

const EventPage = z.object({ events: z.array(ReceivedEvent), nextCursor: z.string().nullable() });
const EventDetail = z.looseObject({ id: z.number(), vendor: z.string(), body: z.unknown() });

function authHeaders(ctx: CliContext): Record<string, string> {
  const token = adminToken(ctx);
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function get(ctx: CliContext, url: string): Promise<unknown> {
  const reply = await exchange(ctx, url, { method: "GET", headers: authHeaders(ctx) });
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

export type StreamOptions = { after?: number; signal: AbortSignal; onEvent: (e: ReceivedEvent) => void };

/**
 * Follows `/api/events/stream` (SSE) until the signal fires. A dropped connection is resumed after the last id
 * seen, with a bounded back-off; a receiver that is gone from the start is an UnreachableError.
 */
export async function followEvents(ctx: CliContext, base: string, o: StreamOptions): Promise<void> {
  let lastId = o.after;
  let failures = 0;
  while (!o.signal.aborted) {
    const q = lastId === undefined ? "" : `?after=${lastId}`;
    try {
      const res = await ctx.fetch(`${base}/api/events/stream${q}`, {
        headers: { accept: "text/event-stream", ...authHeaders(ctx) },
        signal: o.signal,
      });
      if (res.status === 401)
        throw new CliError("the receiver wants an admin token: set LIVEHOOK_ADMIN_TOKEN", EXIT.usage);
      if (!res.ok || res.body === null)
        throw new CliError(`${base}/api/events/stream: HTTP ${res.status}`, EXIT.failure);
      failures = 0;
      for await (const msg of sseMessages(res.body)) {
        if (msg.event !== "event") continue;
        const parsed = ReceivedEvent.safeParse(JSON.parse(msg.data));
        if (!parsed.success) continue;
        lastId = parsed.data.id;
        o.onEvent(parsed.data);
      }
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof CliError) throw err;
      failures += 1;
      if (failures > 10 || lastId === undefined) throw new UnreachableError(base, networkCause(err));
    }
    if (o.signal.aborted) return;
    await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** failures)));
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

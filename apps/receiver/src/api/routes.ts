/**
 * The query API: /api/events (filters + cursor), /api/events/:id, /api/events/stream (SSE), /api/sessions,
 * /api/rejections. Shapes are documented in README.md; the CLI depends on /api/events and its stream.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ReceiverDeps } from "../deps.js";
import { buildSessions } from "../sessions.js";
import { detailJson, rejectionJson, summaryJson } from "./event-json.js";
import {
  EventsQuery,
  IdParameter,
  parameterProblem,
  parseQuery,
  RejectionsQuery,
  SessionsQuery,
  StreamQuery,
} from "./query-params.js";

/** Bounded waits: the stream re-reads the store at least this often even without a local commit. */
const STREAM_POLL_MS = 1000;
const STREAM_HEARTBEAT_MS = 15_000;

export function apiRoutes(deps: ReceiverDeps): Hono {
  const api = new Hono();

  api.get("/events", async (c) => {
    const parsed = parseQuery(EventsQuery, c.req.queries());
    if (!parsed.ok) return c.json(parsed.problem, 400);
    const q = parsed.data;
    const events = await deps.store.listEvents({
      vendor: q.vendor,
      eventType: q.eventType,
      domain: q.domain,
      app: q.app,
      stream: q.stream,
      sessionKey: q.session,
      since: q.since,
      until: q.until,
      verdict: q.verdict,
      before: q.cursor,
      after: q.after,
      limit: q.limit + 1,
    });
    const page = events.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = events.length > q.limit && last !== undefined && q.after === undefined ? String(last.id) : null;
    return c.json({ events: page.map(summaryJson), nextCursor });
  });

  api.get("/events/stream", (c) => {
    const parsed = parseQuery(StreamQuery, c.req.queries());
    if (!parsed.ok) return c.json(parsed.problem, 400);
    // EventSource sends back the last `id:` it saw, which this stream wrote: anything else is not a resumption.
    const lastEventId = c.req.header("last-event-id");
    const resume = lastEventId === undefined ? undefined : IdParameter.safeParse(lastEventId);
    if (resume !== undefined && !resume.success) {
      return c.json({ ...parameterProblem(resume.error), parameter: "Last-Event-ID" }, 400);
    }
    const after = parsed.data.after ?? resume?.data;
    return streamSSE(
      c,
      async (stream) => {
        let lastId = after ?? (await deps.store.listEvents({ limit: 1 }))[0]?.id ?? 0;
        let wake: (() => void) | undefined;
        const unsubscribe = deps.bus.subscribe(() => wake?.());
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        let lastBeat = Date.now();
        await stream.writeSSE({ event: "ready", data: JSON.stringify({ after: lastId }) });
        while (!stream.aborted && !stream.closed && !deps.draining?.()) {
          const batch = await deps.store.listEvents({ after: lastId, limit: 200 });
          for (const e of batch) {
            await stream.writeSSE({ id: String(e.id), event: "event", data: JSON.stringify(summaryJson(e)) });
            lastId = e.id;
          }
          if (batch.length === 200) continue;
          if (Date.now() - lastBeat > STREAM_HEARTBEAT_MS) {
            await stream.write(": keep-alive\n\n");
            lastBeat = Date.now();
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, STREAM_POLL_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        unsubscribe();
      },
      async (err, stream) => {
        // Replaces Hono's default, which logs with console.error; the client reconnects with Last-Event-ID.
        deps.log.warn({ err: { message: err.message } }, "event stream failed");
        await stream.writeSSE({ event: "error", data: JSON.stringify({ error: "store_unavailable" }) }).catch(() => {});
      },
    );
  });

  api.get("/events/:id", async (c) => {
    const id = IdParameter.safeParse(c.req.param("id"));
    if (!id.success) return c.json({ ...parameterProblem(id.error), parameter: "id" }, 400);
    const event = await deps.store.getEvent(id.data);
    if (event === undefined) return c.json({ error: "not_found" }, 404);
    let session = null;
    if (event.sessionKey !== null) {
      const related = await deps.store.listEvents({ vendor: event.vendor, sessionKey: event.sessionKey, limit: 500 });
      const built = buildSessions(related)[0];
      if (built !== undefined) session = { ...built, events: related.sort((a, b) => a.id - b.id).map(summaryJson) };
    }
    return c.json({ ...detailJson(event), session });
  });

  api.get("/sessions", async (c) => {
    const parsed = parseQuery(SessionsQuery, c.req.queries());
    if (!parsed.ok) return c.json(parsed.problem, 400);
    const q = parsed.data;
    const events = await deps.store.listEvents({
      vendor: q.vendor,
      since: q.since,
      until: q.until,
      sessionKey: q.session,
      limit: q.scan,
    });
    const sessions = buildSessions(events).map((s) => ({
      ...s,
      firstAt: new Date(s.firstAt).toISOString(),
      lastAt: new Date(s.lastAt).toISOString(),
    }));
    return c.json({ sessions });
  });

  api.get("/rejections", async (c) => {
    const parsed = parseQuery(RejectionsQuery, c.req.queries());
    if (!parsed.ok) return c.json(parsed.problem, 400);
    const rows = await deps.store.listRejections({
      vendor: parsed.data.vendor,
      before: parsed.data.cursor,
      limit: 100,
    });
    return c.json({ rejections: rows.map(rejectionJson) });
  });

  api.get("/dead-letters", async (c) => {
    const rows = await deps.store.listDeadLetters(200);
    return c.json({ deadLetters: rows.map((d) => ({ ...d, failedAt: new Date(d.failedAt).toISOString() })) });
  });

  return api;
}

/**
 * The query API: /api/events (filters + cursor), /api/events/:id, /api/events/stream (SSE, with rejected attempts
 * when asked), /api/sessions, /api/rejections, and forwarding: /api/forwarding, POST /api/events/:id/resend.
 * Shapes are documented in openapi/receiver-api.yaml; the CLI depends on /api/events, its stream and resend.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ReceiverDeps } from "../deps.js";
import { isConfirmed, logForward, sendForward } from "../outbox/http-target.js";
import { targetName } from "../outbox/target.js";
import { buildSessions } from "../sessions.js";
import type { ForwardTask } from "../store/types.js";
import { detailJson, rejectionJson, rejectionSummaryJson, summaryJson } from "./event-json.js";
import { NewEventsReader } from "./new-events-reader.js";
import {
  EventsQuery,
  IdParameter,
  parameterProblem,
  parseQuery,
  RejectionsQuery,
  SessionsQuery,
  StreamPosition,
  StreamQuery,
} from "./query-params.js";
import { storeReads } from "./store-reads.js";

const STREAM_HEARTBEAT_MS = 15_000;
/** Rows read per store query while following; a full page is followed by another read at once. */
const STREAM_PAGE = 200;

const originHost = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};

export function apiRoutes(deps: ReceiverDeps): Hono {
  const api = new Hono();
  const store = storeReads(deps.store);

  api.get("/events", async (c) => {
    const parsed = parseQuery(EventsQuery, c.req.queries());
    if (!parsed.ok) return c.json(parsed.problem, 400);
    const q = parsed.data;
    const events = await store.listEvents({
      vendor: q.vendor,
      eventType: q.eventType,
      domain: q.domain,
      app: q.app,
      stream: q.stream,
      contains: {
        eventType: q.eventTypeContains,
        domain: q.domainContains,
        app: q.appContains,
        stream: q.streamContains,
      },
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
    const withRejections = parsed.data.rejections;
    // With rejections, the ids this stream writes are `<event id>:<rejection id>`; without, plain event ids.
    const lastEventId = c.req.header("last-event-id");
    const position = withRejections
      ? StreamPosition
      : IdParameter.transform((after) => ({ after, rejectionsAfter: undefined }));
    const resume = lastEventId === undefined ? undefined : position.safeParse(lastEventId);
    if (resume !== undefined && !resume.success) {
      return c.json({ ...parameterProblem(resume.error), parameter: "Last-Event-ID" }, 400);
    }
    const after = parsed.data.after ?? resume?.data.after;
    const rejectionsAfter = parsed.data.rejectionsAfter ?? resume?.data.rejectionsAfter;
    return streamSSE(
      c,
      async (stream) => {
        const reader = new NewEventsReader(after ?? (await store.listEvents({ limit: 1 }))[0]?.id ?? 0);
        let lastRejection = withRejections
          ? (rejectionsAfter ?? (await store.listRejections({ limit: 1 }))[0]?.id ?? 0)
          : undefined;
        // Rejections are read from the last one sent whenever a notice says some were recorded.
        let rejectionsDue = lastRejection !== undefined;
        const position = (eventId: number) =>
          lastRejection === undefined ? String(eventId) : `${eventId}:${lastRejection}`;
        let wake: (() => void) | undefined;
        const unsubscribe = deps.bus.subscribe((notice) => {
          if (notice.kind === "rejected") {
            if (lastRejection === undefined) return;
            rejectionsDue = true;
            wake?.();
            return;
          }
          // Notices were lost (PostgreSQL's listening connection dropped): rejections may have been missed too.
          if (notice.kind === "resync" && lastRejection !== undefined) rejectionsDue = true;
          if (reader.notice(notice) || rejectionsDue) wake?.();
        });
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        await stream.writeSSE({
          event: "ready",
          data: JSON.stringify({
            after: reader.lastId,
            ...(lastRejection === undefined ? {} : { rejectionsAfter: lastRejection }),
          }),
        });
        // No timer reads the store: a notice of a commit (this receiver's, or any other's on PostgreSQL) wakes
        // the loop; the timer only keeps the connection alive.
        while (!stream.aborted && !stream.closed && !deps.draining?.()) {
          for (let page = reader.nextPage(); page !== undefined; page = reader.nextPage()) {
            const batch = await store.listEvents({ after: page, limit: STREAM_PAGE });
            for (const e of reader.unsent(batch, STREAM_PAGE)) {
              await stream.writeSSE({ id: position(e.id), event: "event", data: JSON.stringify(summaryJson(e)) });
            }
          }
          while (rejectionsDue && lastRejection !== undefined) {
            rejectionsDue = false;
            const rejected = await store.listRejections({ after: lastRejection, limit: STREAM_PAGE });
            for (const r of rejected) {
              lastRejection = r.id;
              await stream.writeSSE({
                id: position(reader.lastId),
                event: "rejection",
                data: JSON.stringify(rejectionSummaryJson(r)),
              });
            }
            if (rejected.length === STREAM_PAGE) rejectionsDue = true;
          }
          const woken = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), STREAM_HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
            // A notice that arrived while the pages were being written, or a drain that began meanwhile (its
            // notice may have been taken by the reads above).
            if (reader.pending() || rejectionsDue || deps.draining?.()) wake();
          });
          wake = undefined;
          if (!woken) await stream.write(": keep-alive\n\n");
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
    const event = await store.getEvent(id.data);
    if (event === undefined) return c.json({ error: "not_found" }, 404);
    let session = null;
    if (event.sessionKey !== null) {
      const related = await store.listEvents({ vendor: event.vendor, sessionKey: event.sessionKey, limit: 500 });
      const built = buildSessions(related)[0];
      if (built !== undefined) session = { ...built, events: related.sort((a, b) => a.id - b.id).map(summaryJson) };
    }
    return c.json({ ...detailJson(event), session });
  });

  /**
   * Relays a stored event to its vendor's HTTP forwarding target now, through the outbox's own request
   * (outbox/http-target.ts), and says how the app answered. A 2xx marks a queued event delivered when that target
   * is its vendor's only outbox target; a failure changes nothing (it is not an outbox attempt).
   */
  api.post("/events/:id/resend", async (c) => {
    // The one state-changing route: a page of another site must not make a browser post it (a form needs no
    // token on loopback). Browsers name the page's origin; the inspector's is this receiver's own.
    const origin = c.req.header("origin");
    if (origin !== undefined && originHost(origin) !== c.req.header("host")) {
      return c.json({ error: "cross_origin", message: "resend is refused from another site's page" }, 403);
    }
    const id = IdParameter.safeParse(c.req.param("id"));
    if (!id.success) return c.json({ ...parameterProblem(id.error), parameter: "id" }, 400);
    const event = await store.getEvent(id.data);
    if (event === undefined) return c.json({ error: "not_found" }, 404);
    const target = deps.config.forward[event.vendor];
    const secret = deps.config.forwardSecret;
    if (target === undefined || secret === undefined) {
      return c.json(
        {
          error: "no_forward_target",
          message: `no forwarding target for ${event.vendor}: start the receiver with --forward-to`,
        },
        409,
      );
    }
    const task: ForwardTask = {
      id: event.id,
      vendor: event.vendor,
      idemKey: event.idemKey,
      attempts: event.forwardAttempts,
      done: [],
      rawBody: event.rawBody,
      summary: event,
    };
    const outcome = await sendForward(task, target, { secret, clock: deps.clock });
    logForward(deps.log, task, target, outcome, "resend");
    const shown = targetName(new URL(target));
    if (outcome.status === null) {
      return c.json(
        { error: "forward_failed", reason: outcome.error, eventId: event.id, target: shown, ms: outcome.ms },
        502,
      );
    }
    const delivered = isConfirmed(outcome);
    if (delivered && (deps.config.publish[event.vendor]?.length ?? 0) === 0) {
      await deps.store.markForwards(deps.clock.now().getTime(), [{ id: event.id, state: "delivered" }]);
    }
    return c.json({ eventId: event.id, target: shown, status: outcome.status, ms: outcome.ms, delivered });
  });

  /** Which vendors are forwarded over HTTP, and where (without credentials), for the inspector's resend button. */
  api.get("/forwarding", (c) => {
    const targets: Record<string, string> = {};
    for (const [vendor, target] of Object.entries(deps.config.forward)) {
      if (target !== undefined && deps.config.forwardSecret !== undefined) {
        targets[vendor] = targetName(new URL(target));
      }
    }
    return c.json({ targets, signature: "standard-webhooks" });
  });

  api.get("/sessions", async (c) => {
    const parsed = parseQuery(SessionsQuery, c.req.queries());
    if (!parsed.ok) return c.json(parsed.problem, 400);
    const q = parsed.data;
    const events = await store.listEvents({
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
    const rows = await store.listRejections({
      vendor: parsed.data.vendor,
      before: parsed.data.cursor,
      limit: 100,
    });
    return c.json({ rejections: rows.map(rejectionJson) });
  });

  api.get("/dead-letters", async (c) => {
    const rows = await store.listDeadLetters(200);
    return c.json({ deadLetters: rows.map((d) => ({ ...d, failedAt: new Date(d.failedAt).toISOString() })) });
  });

  return api;
}

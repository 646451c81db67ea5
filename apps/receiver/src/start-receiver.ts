/**
 * `startReceiver`: the receiver in the test runner's process, served by the same code as the `livehook-receiver`
 * command (serve.ts) with its configuration loaded by the same loadConfig, plus typed queries of its API and
 * `waitForEvents`, which wakes on each commit (the event bus the SSE stream uses) instead of polling.
 */

import type { Vendor } from "@livehook/core";
import type { z } from "zod";
import { type Config, type FileConfig, keyWarnings, loadConfig } from "./config.js";
import {
  ReceiverApiDeadLetterList,
  ReceiverApiEventDetail,
  ReceiverApiEventPage,
  type ReceiverApiEventSummary,
  type ReceiverApiOperations,
  ReceiverApiRejectionList,
  ReceiverApiSessionList,
} from "./generated/index.js";
import { createLogger } from "./logger.js";
import { serveReceiver } from "./serve.js";

/**
 * The keys of `livehook.config.json` (README "Configuration"), validated the same way: `keys` per vendor, `data`
 * (a SQLite file, or ":memory:", the default here) or `databaseUrl` (PostgreSQL), `forward`, `adminToken`,
 * `toleranceSeconds`… Defaults differ from the command's in three places: `port` 0 (a free port), `data`
 * ":memory:", `logLevel` "warn". `env`, when given (e.g. `process.env`), is read as the command reads it and
 * overrides these options as it overrides the file; without it the environment is not read.
 */
export type ReceiverOptions = z.input<typeof FileConfig> & { env?: Readonly<Record<string, string | undefined>> };

// Replies and parameters are those of the query API's document, openapi/receiver-api.yaml.
/** An event as `/api/events` lists it. */
export type ReceivedEvent = ReceiverApiEventSummary;
/** One event as `/api/events/{id}` shows it: body, headers, issues, and its session with the session's events. */
export type ReceivedEventDetail = ReceiverApiEventDetail;
export type EventPage = ReceiverApiEventPage;
export type SessionSummary = ReceiverApiSessionList["sessions"][number];
export type Rejection = ReceiverApiRejectionList["rejections"][number];
export type DeadLetterJson = ReceiverApiDeadLetterList["deadLetters"][number];

type Time = string | number | Date;
/** Times may also be given as epoch milliseconds or a Date. */
type WithTimes<Q> = Omit<Q, "since" | "until"> & { since?: Time; until?: Time };
type Query<Op extends keyof ReceiverApiOperations> = NonNullable<ReceiverApiOperations[Op]["parameters"]["query"]>;
export type EventsQueryParams = WithTimes<Query<"listEvents">>;
/** The filters of `/api/events` (README "Query API"). */
export type EventFilter = Omit<EventsQueryParams, "cursor" | "after" | "limit">;
export type SessionsQueryParams = WithTimes<Query<"listSessions">>;
export type RejectionsQueryParams = Query<"listRejections">;

export type WaitFilter = EventFilter & {
  /** Also required of an event, after the API's filters. */
  match?: (event: ReceivedEvent) => boolean;
};
export type WaitOptions = {
  /** How many matching events to wait for (default 1). */
  count?: number;
  /** Default 5000. */
  timeoutMs?: number;
  /** Only events stored after this id (e.g. the last id seen before the action under test); default: all. */
  after?: number;
};

/** A reply outside 2xx from the receiver's API, with its body (`{ error, parameter?, reason? }`). */
export class ReceiverRequestError extends Error {
  override name = "ReceiverRequestError";
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`GET ${path}: ${status} ${JSON.stringify(body)}`);
  }
}

/** waitForEvents ran out of time: `matched` is what did match, `message` lists every event and rejection seen. */
export class WaitForEventsTimeout extends Error {
  override name = "WaitForEventsTimeout";
  constructor(
    message: string,
    readonly matched: ReceivedEvent[],
  ) {
    super(message);
  }
}

export type RunningReceiver = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /**
   * The configuration the receiver runs with (keys included: keep it out of logs). With `forward`, its
   * `forwardSecret` is the `whsec_` secret forwards are signed with: your app verifies them with it.
   */
  config: Config;
  /** Where a vendor delivers: `<url>/hooks/<vendor>`. */
  hookUrl(vendor: Vendor): string;
  /** One page of `/api/events`, newest first (oldest first with `after`). */
  events(query?: EventsQueryParams): Promise<EventPage>;
  event(id: number): Promise<ReceivedEventDetail>;
  sessions(query?: SessionsQueryParams): Promise<SessionSummary[]>;
  rejections(query?: RejectionsQueryParams): Promise<Rejection[]>;
  deadLetters(): Promise<DeadLetterJson[]>;
  /**
   * Resolves with the first `count` stored events (oldest first) that match, as soon as they are committed;
   * rejects with WaitForEventsTimeout, listing what did arrive, after `timeoutMs`.
   */
  waitForEvents(filter?: WaitFilter, options?: WaitOptions): Promise<ReceivedEvent[]>;
  /** Drains like SIGTERM does and releases every handle (server, sockets, timers, threads, database). */
  close(): Promise<void>;
};

const timeParam = (t: Time) => (t instanceof Date ? t.toISOString() : String(t));

function queryString(params: Record<string, Time | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, timeParam(v));
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<RunningReceiver> {
  const { env, ...fileOptions } = options;
  const config = loadConfig({
    argv: [],
    env: env ?? {},
    readFile: () => undefined,
    options: { port: 0, data: ":memory:", logLevel: "warn", ...fileOptions },
  });
  const log = createLogger(config.logLevel);
  for (const warning of keyWarnings(config)) log.warn(warning);
  const served = await serveReceiver(config, log);
  const { url } = served;
  const auth: Record<string, string> =
    config.adminToken === undefined ? {} : { authorization: `Bearer ${config.adminToken}` };

  /** One GET, its reply checked against the document's schema. */
  async function get<S extends z.ZodType>(schema: S, path: string): Promise<z.output<S>> {
    const res = await fetch(`${url}${path}`, { headers: auth });
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new ReceiverRequestError(path, res.status, body);
    return schema.parse(body);
  }
  const events = (query: EventsQueryParams = {}) => get(ReceiverApiEventPage, `/api/events${queryString(query)}`);
  const rejections = async (query: RejectionsQueryParams = {}) =>
    (await get(ReceiverApiRejectionList, `/api/rejections${queryString(query)}`)).rejections;

  /** Pending waits, rejected by close(). */
  const waiters = new Set<(err: Error) => void>();

  async function waitForEvents(filter: WaitFilter = {}, opts: WaitOptions = {}): Promise<ReceivedEvent[]> {
    const { match, ...apiFilter } = filter;
    const count = opts.count ?? 1;
    const timeoutMs = opts.timeoutMs ?? 5000;
    const matched: ReceivedEvent[] = [];
    let after = opts.after ?? 0;
    let wake: (() => void) | undefined;
    let dirty = true;
    let done = false;
    // Subscribed before the first read, so a commit between the two is not missed.
    const unsubscribe = served.deps.bus.subscribe(() => {
      dirty = true;
      wake?.();
    });
    let stop: ((err: Error) => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
    });
    const fail = (err: Error) => stop?.(err);
    waiters.add(fail);
    const timer = setTimeout(() => void describeTimeout().then(fail, fail), timeoutMs);

    async function describeTimeout(): Promise<WaitForEventsTimeout> {
      const seen = (await events({ limit: 20 })).events;
      const rejected = await rejections().catch(() => [] as Rejection[]);
      const lines = [
        `waitForEvents: ${matched.length} of ${count} event(s) matching ${JSON.stringify(apiFilter)}${match ? " and match()" : ""} arrived within ${timeoutMs} ms.`,
        seen.length === 0 ? "No events are stored." : `Latest stored events (${seen.length}):`,
        ...seen.map(
          (e) =>
            `  #${e.id} ${e.vendor} ${e.eventType ?? "-"} ${[e.domain, e.app, e.stream].map((s) => s ?? "-").join("/")} session=${e.sessionKey ?? "-"} ${e.verdict}${e.valid ? "" : " invalid"}`,
        ),
        ...(rejected.length === 0
          ? []
          : [
              `Rejected attempts (${rejected.length}):`,
              ...rejected.slice(0, 10).map((r) => `  #${r.id} ${r.vendor} ${r.status} ${r.reason}`),
            ]),
      ];
      return new WaitForEventsTimeout(lines.join("\n"), [...matched]);
    }

    async function collect(): Promise<ReceivedEvent[]> {
      while (!done) {
        if (dirty) {
          dirty = false;
          for (;;) {
            const page = await events({ ...apiFilter, after, limit: 500 });
            for (const e of page.events) {
              after = Math.max(after, e.id);
              if (match === undefined || match(e)) matched.push(e);
            }
            if (matched.length >= count) return matched.slice(0, count);
            if (page.events.length < 500) break;
          }
        }
        if (!dirty) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      }
      return [];
    }

    try {
      return await Promise.race([collect(), stopped]);
    } finally {
      done = true;
      clearTimeout(timer);
      unsubscribe();
      waiters.delete(fail);
      wake?.();
    }
  }

  return {
    url,
    port: served.port,
    config: served.deps.config,
    hookUrl: (vendor) => `${url}/hooks/${vendor}`,
    events,
    event: (id) => get(ReceiverApiEventDetail, `/api/events/${id}`),
    sessions: async (query = {}) => (await get(ReceiverApiSessionList, `/api/sessions${queryString(query)}`)).sessions,
    rejections,
    deadLetters: async () => (await get(ReceiverApiDeadLetterList, "/api/dead-letters")).deadLetters,
    waitForEvents,
    close: () => {
      for (const fail of waiters) fail(new Error("waitForEvents: the receiver was closed"));
      return served.close();
    },
  };
}

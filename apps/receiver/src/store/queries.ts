/**
 * Read queries shared by both stores: one Kysely query per API call, whatever the dialect.
 */
import { AUTHENTICATION_SCOPES, type AuthenticationScope, type Vendor } from "@livehook/core";
import { type Kysely, type Selectable, sql } from "kysely";
import type { Dialect } from "./migrations.js";
import type { Database, EventsTable, RejectionsTable } from "./schema.js";
import type {
  DeadLetter,
  EventQuery,
  EventStore,
  EventSummary,
  ForwardMark,
  ForwardState,
  ForwardTask,
  RejectionSummary,
  StoredEvent,
} from "./types.js";

const SUMMARY_COLUMNS = [
  "id",
  "vendor",
  "received_at",
  "event_type",
  "domain",
  "app",
  "stream",
  "session_key",
  "file_key",
  "event_time",
  "auth_scope",
  "anomaly",
  "anomaly_event_id",
  "key_index",
  "valid",
  "unknown_fields",
  "duplicates",
  "forward_state",
] as const;

type SummaryRow = Pick<Selectable<EventsTable>, (typeof SUMMARY_COLUMNS)[number]>;

const AUTH_SCOPES = new Set<string>(AUTHENTICATION_SCOPES);
const num = (v: number | string): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: number | string | null): number | null => (v === null ? null : num(v));

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    // Rows are written by this module as JSON; a foreign edit must not break the whole API.
    return fallback;
  }
}

export function toSummary(row: SummaryRow): EventSummary {
  return {
    id: num(row.id),
    vendor: row.vendor as Vendor,
    receivedAt: num(row.received_at),
    eventType: row.event_type,
    domain: row.domain,
    app: row.app,
    stream: row.stream,
    sessionKey: row.session_key,
    fileKey: row.file_key,
    eventTime: numOrNull(row.event_time),
    authScope: AUTH_SCOPES.has(row.auth_scope) ? (row.auth_scope as AuthenticationScope) : "none",
    keyIndex: row.key_index,
    valid: row.valid === 1,
    unknownFields: parseJson<string[]>(row.unknown_fields, []),
    duplicates: row.duplicates,
    forwardState: row.forward_state as ForwardState | null,
    anomaly:
      row.anomaly === "forged_variant" && row.anomaly_event_id !== null
        ? { kind: "forged_variant", otherEventId: num(row.anomaly_event_id) }
        : null,
  };
}

const bytes = (v: Uint8Array): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(v));

/** A LIKE pattern matching `text` anywhere, its own `%`, `_` and `\` escaped (with `ESCAPE '\'` below). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const CONTAINS_COLUMNS = { eventType: "event_type", domain: "domain", app: "app", stream: "stream" } as const;

export async function listEvents(db: Kysely<Database>, q: EventQuery): Promise<EventSummary[]> {
  let query = db.selectFrom("events").select(SUMMARY_COLUMNS);
  for (const [field, column] of Object.entries(CONTAINS_COLUMNS)) {
    const text = q.contains?.[field as keyof typeof CONTAINS_COLUMNS];
    if (text === undefined) continue;
    // lower() on both sides: the same (ASCII) case folding in SQLite and PostgreSQL. The explicit ESCAPE, because
    // SQLite's LIKE has no escape character by default.
    query = query.where(sql<boolean>`lower(${sql.ref(column)}) like lower(${containsPattern(text)}) escape '\\'`);
  }
  if (q.vendor !== undefined) query = query.where("vendor", "=", q.vendor);
  if (q.eventType !== undefined) query = query.where("event_type", "=", q.eventType);
  if (q.domain !== undefined) query = query.where("domain", "=", q.domain);
  if (q.app !== undefined) query = query.where("app", "=", q.app);
  if (q.stream !== undefined) query = query.where("stream", "=", q.stream);
  if (q.sessionKey !== undefined) query = query.where("session_key", "=", q.sessionKey);
  if (q.since !== undefined) query = query.where("received_at", ">=", q.since);
  if (q.until !== undefined) query = query.where("received_at", "<", q.until);
  if (q.verdict === "body_authenticated") query = query.where("auth_scope", "=", "body");
  if (q.verdict === "body_unauthenticated") query = query.where("auth_scope", "<>", "body");
  if (q.verdict === "fields_authenticated") query = query.where("auth_scope", "=", "fields");
  if (q.verdict === "signature_only") query = query.where("auth_scope", "=", "none");
  if (q.verdict === "forged_variant") query = query.where("anomaly", "=", "forged_variant");
  if (q.verdict === "valid") query = query.where("valid", "=", 1);
  if (q.verdict === "invalid") query = query.where("valid", "=", 0);
  if (q.after !== undefined) {
    query = query.where("id", ">", q.after).orderBy("id", "asc");
  } else {
    if (q.before !== undefined) query = query.where("id", "<", q.before);
    query = query.orderBy("id", "desc");
  }
  const rows = await query.limit(q.limit).execute();
  return rows.map(toSummary);
}

export async function getEvent(db: Kysely<Database>, id: number): Promise<StoredEvent | undefined> {
  const row = await db.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    ...toSummary(row),
    idemKey: row.idem_key,
    issues: parseJson<unknown[]>(row.issues, []),
    headers: parseJson<Record<string, string>>(row.headers, {}),
    rawBody: bytes(row.raw_body),
    forwardAttempts: row.forward_attempts,
    forwardError: row.forward_error,
  };
}

function toRejection(row: Selectable<RejectionsTable>): RejectionSummary {
  return {
    id: num(row.id),
    vendor: row.vendor as Vendor,
    receivedAt: num(row.received_at),
    reason: row.reason,
    status: row.status,
    headers: parseJson<Record<string, string>>(row.headers, {}),
    rawBody: bytes(row.raw_body),
  };
}

export async function listRejections(
  db: Kysely<Database>,
  q: { vendor?: Vendor | undefined; before?: number | undefined; after?: number | undefined; limit: number },
): Promise<RejectionSummary[]> {
  let query = db.selectFrom("rejections").selectAll();
  if (q.vendor !== undefined) query = query.where("vendor", "=", q.vendor);
  if (q.before !== undefined) query = query.where("id", "<", q.before);
  if (q.after !== undefined) query = query.where("id", ">", q.after);
  // Newest first, except when following (`after`): then oldest first, like listEvents.
  const rows = await query
    .orderBy("id", q.after === undefined ? "desc" : "asc")
    .limit(q.limit)
    .execute();
  return rows.map(toRejection);
}

export async function countEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return num(row.n);
}

export async function listDeadLetters(db: Kysely<Database>, limit: number): Promise<DeadLetter[]> {
  const rows = await db
    .selectFrom("dead_letters")
    .innerJoin("events", "events.id", "dead_letters.event_id")
    .select([
      "dead_letters.id as id",
      "dead_letters.event_id as event_id",
      "events.vendor as vendor",
      "dead_letters.failed_at as failed_at",
      "dead_letters.attempts as attempts",
      "dead_letters.error as error",
    ])
    .orderBy("dead_letters.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: num(r.id),
    eventId: num(r.event_id),
    vendor: r.vendor as Vendor,
    failedAt: num(r.failed_at),
    attempts: r.attempts,
    error: r.error,
  }));
}

const OUTBOX_COLUMNS = [...SUMMARY_COLUMNS, "idem_key", "raw_body", "forward_attempts", "forward_done"] as const;

export async function claimForwards(
  db: Kysely<Database>,
  dialect: Dialect,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<ForwardTask[]> {
  const rows = await db
    .updateTable("events")
    .set({ forward_next_at: now + leaseMs })
    .where("id", "in", (eb) => {
      const due = eb
        .selectFrom("events")
        .select("id")
        .where("forward_state", "=", "pending")
        .where("forward_next_at", "<=", now)
        .orderBy("id", "asc")
        .limit(limit);
      // SQLite has one writer and no row locks; its UPDATE is atomic on its own.
      return dialect === "postgres" ? due.forUpdate().skipLocked() : due;
    })
    .returning(OUTBOX_COLUMNS)
    .execute();
  return rows
    .map((row) => ({
      id: num(row.id),
      vendor: row.vendor as Vendor,
      idemKey: row.idem_key,
      attempts: row.forward_attempts,
      done: row.forward_done === null ? [] : parseJson<string[]>(row.forward_done, []),
      rawBody: bytes(row.raw_body),
      summary: toSummary(row),
    }))
    .sort((a, b) => a.id - b.id);
}

export async function markForwards(db: Kysely<Database>, now: number, marks: readonly ForwardMark[]): Promise<void> {
  if (marks.length === 0) return;
  // Two receivers mark the same row only when a lease ran out. Only queued rows are marked, so the late one never
  // takes back what the other recorded (a delivered event stays delivered). Should they deadlock, one mark fails,
  // its rows come due again and are published again, which their message ids make harmless.
  const sorted = [...marks].sort((a, b) => a.id - b.id);
  await db.transaction().execute(async (trx) => {
    const delivered = sorted.filter((m) => m.state === "delivered").map((m) => m.id);
    if (delivered.length > 0) {
      await trx
        .updateTable("events")
        .set((eb) => ({
          forward_state: "delivered",
          forward_attempts: eb("forward_attempts", "+", 1),
          forward_next_at: null,
          forward_error: null,
          forward_done: null,
        }))
        .where("id", "in", delivered)
        .where("forward_state", "=", "pending")
        .execute();
    }
    for (const mark of sorted) {
      if (mark.state === "delivered") continue;
      const updated = await trx
        .updateTable("events")
        .set((eb) => ({
          forward_state: mark.state,
          forward_attempts: eb("forward_attempts", "+", 1),
          forward_next_at: mark.state === "pending" ? mark.nextAt : null,
          forward_error: mark.error,
          forward_done: mark.done.length === 0 ? null : JSON.stringify(mark.done),
        }))
        .where("id", "=", mark.id)
        .where("forward_state", "=", "pending")
        .returning("forward_attempts")
        .executeTakeFirst();
      if (mark.state === "dead" && updated !== undefined) {
        await trx
          .insertInto("dead_letters")
          .values({ event_id: mark.id, failed_at: now, attempts: updated.forward_attempts, error: mark.error })
          .execute();
      }
    }
  });
}

/** The reads and forwarding updates both dialects run through the same Kysely queries. */
export function kyselyQueries(
  db: Kysely<Database>,
  dialect: Dialect,
): Pick<
  EventStore,
  "listEvents" | "getEvent" | "listRejections" | "countEvents" | "listDeadLetters" | "claimForwards" | "markForwards"
> {
  return {
    ...apiReads(db),
    claimForwards: (now, leaseMs, limit) => claimForwards(db, dialect, now, leaseMs, limit),
    markForwards: (now, marks) => markForwards(db, now, marks),
  };
}

/** The reads the API serves, for a store that bounds them apart from the forwarder's queries (PostgreSQL). */
export function apiReads(
  db: Kysely<Database>,
): Pick<EventStore, "listEvents" | "getEvent" | "listRejections" | "countEvents" | "listDeadLetters"> {
  return {
    listEvents: (q) => listEvents(db, q),
    getEvent: (id) => getEvent(db, id),
    listRejections: (q) => listRejections(db, q),
    countEvents: () => countEvents(db),
    listDeadLetters: (limit) => listDeadLetters(db, limit),
  };
}

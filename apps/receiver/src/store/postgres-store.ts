/**
 * PostgreSQL store: the same Kysely queries as SQLite, through a pg pool. Several receivers may share one
 * database: the primary key of `event_keys` is the only arbiter of "first", and a concurrent claim of the same
 * key waits for the other transaction and then does nothing, so a duplicate is never stored twice.
 */
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrationProvider } from "./migrations.js";
import * as queries from "./queries.js";
import type { Database } from "./schema.js";
import type { EventStore, NewEvent, WriteOutcome } from "./types.js";

export type PostgresStoreOptions = {
  url: string;
  /** A schema to create and use (tests give each run its own); default: the connection's search_path. */
  schema?: string | undefined;
  poolSize?: number | undefined;
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<EventStore> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new TypeError(`openPostgresStore: invalid schema name ${JSON.stringify(opts.schema)}`);
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 8,
    ...(opts.schema === undefined ? {} : { options: `-c search_path=${opts.schema}` }),
  });
  // Without a listener an idle client's network error would crash the process; queries still report theirs.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (opts.schema !== undefined) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(opts.schema)}`.execute(db);
    const { error } = await new Migrator({ db, provider: migrationProvider("postgres") }).migrateToLatest();
    if (error !== undefined) throw error;
  } catch (err) {
    await db.destroy();
    throw err;
  }

  async function writeOne(trx: Kysely<Database>, e: NewEvent): Promise<WriteOutcome> {
    const claimed = await trx
      .insertInto("event_keys")
      .values(e.idemKeys.map((key) => ({ key, event_id: null })))
      .onConflict((oc) => oc.doNothing())
      .returning("key")
      .execute();
    if (claimed.length === e.idemKeys.length) {
      const row = await trx
        .insertInto("events")
        .values({
          vendor: e.vendor,
          idem_key: e.idemKeys[0] as string,
          received_at: e.receivedAt,
          event_type: e.eventType,
          domain: e.domain,
          app: e.app,
          stream: e.stream,
          session_key: e.sessionKey,
          file_key: e.fileKey,
          event_time: e.eventTime,
          body_authenticated: e.bodyAuthenticated ? 1 : 0,
          key_index: e.keyIndex,
          valid: e.valid ? 1 : 0,
          issues: JSON.stringify(e.issues),
          unknown_fields: JSON.stringify(e.unknownFields),
          headers: JSON.stringify(e.headers),
          raw_body: Buffer.from(e.rawBody.buffer, e.rawBody.byteOffset, e.rawBody.byteLength),
          forward_state: e.forward ? "pending" : null,
          forward_next_at: e.forward ? e.receivedAt : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      await trx.updateTable("event_keys").set({ event_id: id }).where("key", "in", e.idemKeys).execute();
      return { status: "stored", id };
    }
    const owner = await trx
      .selectFrom("event_keys")
      .select("event_id")
      .where("key", "in", e.idemKeys)
      .where("event_id", "is not", null)
      .executeTakeFirst();
    const original = owner?.event_id == null ? null : Number(owner.event_id);
    if (original !== null) {
      await trx
        .updateTable("events")
        .set((eb) => ({ duplicates: eb("duplicates", "+", 1) }))
        .where("id", "=", original)
        .execute();
    }
    // A duplicate keeps no claim of its own, so the dedupe window is measured from the stored event.
    if (claimed.length > 0) {
      await trx
        .deleteFrom("event_keys")
        .where(
          "key",
          "in",
          claimed.map((r) => r.key),
        )
        .where("event_id", "is", null)
        .execute();
    }
    return { status: "duplicate", id: original };
  }

  return {
    kind: "postgres",
    writeBatch: async (events) => {
      // Claims are taken in key order, so two instances writing overlapping batches cannot deadlock.
      const order = events
        .map((_, i) => i)
        .sort((a, b) => {
          const ka = events[a]?.idemKeys[0] ?? "";
          const kb = events[b]?.idemKeys[0] ?? "";
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        });
      const outcomes: WriteOutcome[] = new Array(events.length);
      await db.transaction().execute(async (trx) => {
        for (const i of order) outcomes[i] = await writeOne(trx, events[i] as NewEvent);
      });
      return outcomes;
    },
    recordRejections: async (rejections) => {
      if (rejections.length === 0) return;
      await db
        .insertInto("rejections")
        .values(
          rejections.map((r) => ({
            vendor: r.vendor,
            received_at: r.receivedAt,
            reason: r.reason,
            status: r.status,
            headers: JSON.stringify(r.headers),
            raw_body: Buffer.from(r.rawBody.buffer, r.rawBody.byteOffset, r.rawBody.byteLength),
          })),
        )
        .execute();
    },
    listEvents: (q) => queries.listEvents(db, q),
    getEvent: (id) => queries.getEvent(db, id),
    listRejections: (q) => queries.listRejections(db, q),
    countEvents: () => queries.countEvents(db),
    listDeadLetters: (limit) => queries.listDeadLetters(db, limit),
    dueForwards: (now, limit) => queries.dueForwards(db, now, limit),
    markForward: (id, now, result) => queries.markForward(db, id, now, result),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
    },
  };
}

/** Drops a schema created for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`dropPostgresSchema: invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Migrations for both dialects, run by Kysely's Migrator (which takes a lock, so several receivers starting
 * against one PostgreSQL migrate once). Only the id and byte column types differ between dialects.
 */
import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, sql } from "kysely";
import { genericPlansForWriteEvents } from "./postgres-generic-plans.js";
import { idsFirstWriteFunction } from "./postgres-ids-first.js";
import { noticesWhileListened } from "./postgres-notices-wanted.js";
import { writeEventsFunction } from "./postgres-write-function.js";

export type Dialect = "sqlite" | "postgres";

function initial(dialect: Dialect): Migration {
  const bytes = dialect === "sqlite" ? "blob" : "bytea";
  return {
    async up(db: Kysely<unknown>) {
      // SQLite: a plain INTEGER PRIMARY KEY (rowid) is already increasing, and events are never deleted, so
      // AUTOINCREMENT would only add a sqlite_sequence write to every insert.
      const id = (col: ColumnDefinitionBuilder) => col.primaryKey();
      await db.schema
        .createTable("events")
        .addColumn("id", dialect === "sqlite" ? "integer" : "bigserial", id)
        .addColumn("vendor", "text", (c) => c.notNull())
        // Uniqueness is enforced by event_keys' primary key; a second index here would only slow inserts.
        .addColumn("idem_key", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addColumn("event_type", "text")
        .addColumn("domain", "text")
        .addColumn("app", "text")
        .addColumn("stream", "text")
        .addColumn("session_key", "text")
        .addColumn("file_key", "text")
        .addColumn("event_time", "bigint")
        .addColumn("body_authenticated", "integer", (c) => c.notNull())
        .addColumn("key_index", "integer", (c) => c.notNull())
        .addColumn("valid", "integer", (c) => c.notNull())
        .addColumn("issues", "text", (c) => c.notNull())
        .addColumn("unknown_fields", "text", (c) => c.notNull())
        .addColumn("headers", "text", (c) => c.notNull())
        .addColumn("raw_body", sql.raw(bytes), (c) => c.notNull())
        .addColumn("duplicates", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("forward_state", "text")
        .addColumn("forward_attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("forward_next_at", "bigint")
        .addColumn("forward_error", "text")
        .execute();
      await db.schema.createIndex("events_received_at").on("events").column("received_at").execute();
      await db.schema.createIndex("events_session").on("events").columns(["vendor", "session_key"]).execute();
      // Partial: only queued events are indexed, so receivers without forwarding pay nothing for it.
      await db.schema
        .createIndex("events_forward_due")
        .on("events")
        .column("forward_next_at")
        .where(sql.ref("forward_state"), "=", "pending")
        .execute();
      await db.schema
        .createTable("event_keys")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("event_id", "bigint")
        .execute();
      await db.schema
        .createTable("rejections")
        .addColumn("id", dialect === "sqlite" ? "integer" : "bigserial", id)
        .addColumn("vendor", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("headers", "text", (c) => c.notNull())
        .addColumn("raw_body", sql.raw(bytes), (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("dead_letters")
        .addColumn("id", dialect === "sqlite" ? "integer" : "bigserial", id)
        .addColumn("event_id", "bigint", (c) => c.notNull())
        .addColumn("failed_at", "bigint", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("error", "text", (c) => c.notNull())
        .execute();
    },
  };
}

/** SparkRTC file-start sequencing (docs/receiver-internals.md "Idempotency keys") and the bound on kept rejections. */
const sequencesAndRejectionBound: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("file_sequences")
      .addColumn("scope", "text", (c) => c.primaryKey())
      .addColumn("completes", "bigint", (c) => c.notNull())
      .execute();
    // Pruning keeps the newest rejections per vendor; this index makes finding the cut-off cheap.
    await db.schema.createIndex("rejections_vendor_id").on("rejections").columns(["vendor", "id"]).execute();
  },
};

const utf8 = new TextDecoder();
const UNTIMED_KEY = /^([a-z-]+):([0-9a-f]{64})$/;

/**
 * The key time as 0003 defined it (hooks/key-time.ts at the time), copied here because a migration is frozen
 * history: a later change to the live code must not change what an old database is migrated to.
 */
const KEY_TIME_DIGITS = 7;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
function keyTime0003(vendor: string, body: unknown): number | null {
  const fields =
    typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const checked = (s: number) => (Number.isSafeInteger(s) && s >= 0 && s <= 36 ** KEY_TIME_DIGITS - 1 ? s : null);
  const unix = (v: unknown) => (typeof v === "number" ? checked(Math.floor(v)) : null);
  const iso = (v: unknown) =>
    typeof v === "string" && ISO_UTC.test(v) ? checked(Math.floor(Date.parse(v) / 1000)) : null;
  if (vendor === "aliyun-live") return unix(fields.stop_time) ?? unix(fields.start_time);
  return iso(fields.end_time) ?? iso(fields.start_time);
}
const timedKey0003 = (vendor: string, seconds: number, digest: string) =>
  `${vendor}:t${seconds.toString(36).padStart(KEY_TIME_DIGITS, "0")}:${digest}`;

/**
 * Time-ordered idempotency keys (docs/receiver-internals.md "Idempotency keys"): the key of an event whose body has a key time becomes
 * `<vendor>:t<time>:<digest>`. Keys stored before are rewritten here, so a retry of an older event still finds
 * its key. SQLite: `event_keys` also becomes a WITHOUT ROWID table. As a rowid table with a TEXT primary key it
 * was two B-trees (the rows and the key's automatic index), so every claim dirtied a page in each; now the key is
 * the table. The writer knows each event's id before it claims (one writer, ids handed out in its transaction),
 * so claims carry their id and `event_id` is never NULL. PostgreSQL keeps its heap table.
 */
function timeOrderedKeys(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === "sqlite") {
        await sql`CREATE TABLE event_keys_new (key text PRIMARY KEY NOT NULL, event_id bigint NOT NULL) WITHOUT ROWID`.execute(
          db,
        );
        // A claim without its event cannot outlive its transaction, but an older file may hold one.
        await sql`INSERT INTO event_keys_new (key, event_id) SELECT key, event_id FROM event_keys WHERE event_id IS NOT NULL`.execute(
          db,
        );
        await sql`DROP TABLE event_keys`.execute(db);
        await sql`ALTER TABLE event_keys_new RENAME TO event_keys`.execute(db);
      }
      type Row = { id: number | string; vendor: string; idem_key: string; raw_body: Uint8Array };
      for (let after = 0; ; ) {
        const { rows } = await sql<Row>`SELECT id, vendor, idem_key, raw_body FROM events
          WHERE id > ${after} ORDER BY id LIMIT 1000`.execute(db);
        if (rows.length === 0) break;
        for (const row of rows) {
          after = Number(row.id);
          const untimed = UNTIMED_KEY.exec(row.idem_key);
          if (untimed === null) continue;
          let body: unknown;
          try {
            body = JSON.parse(utf8.decode(row.raw_body));
          } catch {
            continue;
          }
          const seconds = keyTime0003(row.vendor, body);
          if (seconds === null) continue;
          const key = timedKey0003(untimed[1] as string, seconds, untimed[2] as string);
          await sql`UPDATE event_keys SET key = ${key} WHERE key = ${row.idem_key}`.execute(db);
          await sql`UPDATE events SET idem_key = ${key} WHERE id = ${row.id}`.execute(db);
        }
      }
    },
  };
}

/**
 * Keys keep the first 128 bits of their SHA-256 (32 hex digits) instead of all 256 (src/idempotency-key.ts).
 * Keys of events that end around the same time share index pages, and at half the length twice as many fit on
 * one, so a commit of 20 events wrote 20.3 WAL frames instead of 23.4 (BENCHMARKS.md, eighth pass). Stored keys
 * are cut here, in SQL, so a retry of an event stored before the upgrade is still a duplicate. In every key shape
 * the digest follows `<vendor>:` and, in time-ordered keys, `t<7 base-36 digits>:`; what follows it (`:w<slice>`,
 * `:c<count>`) is kept.
 */
function shortDigests(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const find = dialect === "sqlite" ? "instr" : "strpos";
      for (const [table, name] of [
        ["event_keys", "key"],
        ["events", "idem_key"],
      ] as const) {
        const column = sql.ref(name);
        const colon = sql`${sql.raw(find)}(${column}, ':')`;
        // Where the digest starts: after the time prefix when there is one (`t` is no hex digit).
        const at = sql`(${colon} + 1 + CASE WHEN substr(${column}, ${colon} + 1, 1) = 't' THEN 9 ELSE 0 END)`;
        const digest = sql`substr(${column}, ${at}, 64)`;
        const isHex = dialect === "sqlite" ? sql`${digest} NOT GLOB '*[^0-9a-f]*'` : sql`${digest} ~ '^[0-9a-f]*$'`;
        await sql`UPDATE ${sql.table(table)}
          SET ${column} = substr(${column}, 1, ${at} - 1) || substr(${column}, ${at}, 32) || substr(${column}, ${at} + 64)
          WHERE length(${digest}) = 64 AND ${isHex} AND substr(${column}, ${at} + 64, 1) IN ('', ':')`.execute(db);
      }
    },
  };
}

/** Frozen copy of the signature key of 0005 (hooks/huawei-live.ts makes it for new events): migrations are history. */
const SIGNATURE_KEY_TIME_DIGITS = 7;
function signatureKey0005(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const { auth_sign: sign, auth_timestamp: stamp, download_url: url } = body as Record<string, unknown>;
  if (typeof url !== "string" || url === "") return null;
  const seconds = typeof stamp === "string" && /^\d{1,15}$/.test(stamp) ? Number(stamp) : stamp;
  if (typeof sign !== "string" || sign.length !== 64 || typeof seconds !== "number") return null;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds >= 36 ** SIGNATURE_KEY_TIME_DIGITS) return null;
  return `t${seconds.toString(36).padStart(SIGNATURE_KEY_TIME_DIGITS, "0")}:${sign.slice(0, 32).toLowerCase()}`;
}

/**
 * What a signature authenticated (issue 15, item 4), and forged variants. `auth_scope` is `body` (SparkRTC),
 * `fields` (Huawei Live HMACSHA256, the only Huawei Live events stored with body_authenticated = 1 before) or
 * `none` (Huawei Live MD5, Alibaba); body_authenticated becomes 1 exactly for `body`. A `fields` event with a
 * download_url (the only ones whose signed fields single out one event) has a signature key; a later event with
 * the key of a stored one is a forged variant, and both get `anomaly` = 'forged_variant' with the other's id.
 * Variants among the events stored before are flagged here.
 *
 * Where the keys live differs. PostgreSQL: table `event_signatures` holds the first event stored with each key,
 * so receivers sharing the database see each other's claims. SQLite: column `events.signature_key`, no index;
 * its one writer holds the keys still valid in memory and reads this column back when it opens
 * (sqlite-writer.ts).
 */
function authScope(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("events")
        .addColumn("auth_scope", "text", (c) => c.notNull().defaultTo("none"))
        .execute();
      await db.schema.alterTable("events").addColumn("anomaly", "text").execute();
      await db.schema.alterTable("events").addColumn("anomaly_event_id", "bigint").execute();
      await sql`UPDATE events SET auth_scope = CASE
          WHEN vendor = 'huawei-rtc' AND body_authenticated = 1 THEN 'body'
          WHEN vendor = 'huawei-live' AND body_authenticated = 1 THEN 'fields'
          ELSE 'none' END`.execute(db);
      await sql`UPDATE events SET body_authenticated = 0 WHERE auth_scope <> 'body'`.execute(db);
      if (dialect === "sqlite") {
        await db.schema.alterTable("events").addColumn("signature_key", "text").execute();
      } else {
        await db.schema
          .createTable("event_signatures")
          .addColumn("signature", "text", (c) => c.primaryKey())
          .addColumn("event_id", "bigint", (c) => c.notNull())
          .execute();
      }
      const flag = (id: number | string, other: number | string) =>
        sql`UPDATE events SET anomaly = 'forged_variant', anomaly_event_id = coalesce(anomaly_event_id, ${other})
          WHERE id = ${id}`.execute(db);
      type Row = { id: number | string; raw_body: Uint8Array };
      for (let after = 0; ; ) {
        const { rows } = await sql<Row>`SELECT id, raw_body FROM events
          WHERE id > ${after} AND auth_scope = 'fields' ORDER BY id LIMIT 1000`.execute(db);
        if (rows.length === 0) break;
        for (const row of rows) {
          after = Number(row.id);
          let body: unknown;
          try {
            body = JSON.parse(utf8.decode(row.raw_body));
          } catch {
            continue;
          }
          const key = signatureKey0005(body);
          if (key === null) continue;
          if (dialect === "sqlite") {
            await sql`UPDATE events SET signature_key = ${key} WHERE id = ${row.id}`.execute(db);
            continue;
          }
          const { rows: claimed } = await sql<{ event_id: number | string }>`INSERT INTO event_signatures
            (signature, event_id) VALUES (${key}, ${row.id}) ON CONFLICT DO NOTHING RETURNING event_id`.execute(db);
          if (claimed.length > 0) continue;
          const { rows: owner } = await sql<{ event_id: number | string }>`SELECT event_id FROM event_signatures
            WHERE signature = ${key}`.execute(db);
          const first = owner[0]?.event_id;
          if (first === undefined) continue;
          await flag(row.id, first);
          await flag(first, row.id);
        }
      }
      if (dialect === "sqlite") {
        // Events sharing a key, found by one sort of the keyed rows (no index is kept for them): each variant
        // points at the first event with its key, the first at the second.
        type Shared = { id: number; first: number; second: number };
        const { rows } = await sql<Shared>`SELECT id, first, second FROM (
            SELECT id, count(*) OVER whole AS n, first_value(id) OVER whole AS first,
              nth_value(id, 2) OVER whole AS second
            FROM events WHERE signature_key IS NOT NULL
            WINDOW whole AS (PARTITION BY signature_key ORDER BY id
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
          WHERE n > 1`.execute(db);
        for (const row of rows) await flag(row.id, row.id === row.first ? row.second : row.first);
      }
    },
  };
}

/**
 * Several outbox targets per vendor (HTTP, NATS JetStream, RabbitMQ; src/forwarder.ts): the targets that already
 * confirmed an event whose other targets still fail, so a retry goes only to those.
 */
const forwardDone: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("events").addColumn("forward_done", "text").execute();
  },
};

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: async () => ({
      "0001_initial": initial(dialect),
      "0002_file_sequences": sequencesAndRejectionBound,
      "0003_time_ordered_keys": timeOrderedKeys(dialect),
      "0004_short_digests": shortDigests(dialect),
      "0005_auth_scope": authScope(dialect),
      "0007_forward_done": forwardDone,
      "0008_write_events_function": writeEventsFunction(dialect),
      "0009_write_events_generic_plans": genericPlansForWriteEvents(dialect),
      "0010_write_events_ids_first": idsFirstWriteFunction(dialect),
      "0011_notices_while_listened": noticesWhileListened(dialect),
    }),
  };
}

/**
 * Migration 0003 on a database written by the earlier schema, on both dialects: keys of events with a key time
 * are rewritten to the time-ordered form, so a retry of an event stored before the upgrade is still a duplicate.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { expect, test } from "vitest";
import { keyTime } from "../hooks/key-time.js";
import { eventDigest, idempotencyKeys } from "../idempotency-key.js";
import { type Dialect, migrationProvider } from "./migrations.js";
import { dropPostgresSchema, openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import { newEvent } from "./store.suite.js";
import type { EventStore } from "./types.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const AUTH = ["auth_sign", "auth_timestamp"];
const timed = { event_type: "RECORD_FILE_COMPLETE", job_id: "j1", end_time: "2026-03-01T00:02:00Z", auth_sign: "a" };
const untimed = { event_type: "RECORD_OVER", task_id: "t1", auth_sign: "b" };

/** Writes two events the way the schema before 0003 did: untimed keys, claimed with NULL and bound after. */
async function seedBefore0003(db: Kysely<unknown>, dialect: Dialect, migrationTableSchema?: string) {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema });
  const { error } = await migrator.migrateTo("0002_file_sequences");
  if (error !== undefined) throw error;
  for (const body of [timed, untimed]) {
    const key = `huawei-live:${eventDigest(body, AUTH)}`;
    const raw = Buffer.from(JSON.stringify(body));
    await sql`INSERT INTO event_keys (key, event_id) VALUES (${key}, NULL)`.execute(db);
    const inserted = await sql<{ id: number }>`INSERT INTO events (vendor, idem_key, received_at, body_authenticated,
      key_index, valid, issues, unknown_fields, headers, raw_body)
      VALUES ('huawei-live', ${key}, 0, 1, 0, 1, '[]', '[]', '{}', ${raw}) RETURNING id`.execute(db);
    await sql`UPDATE event_keys SET event_id = ${inserted.rows[0]?.id} WHERE key = ${key}`.execute(db);
  }
}

/** What the receiver claims today for a (re-signed) retry of `body`. */
const retryKeys = (body: Record<string, unknown>) =>
  idempotencyKeys(
    "huawei-live",
    eventDigest({ ...body, auth_sign: "new" }, AUTH),
    false,
    0,
    60,
    keyTime("huawei-live", body),
  );

async function expectRetriesAreDuplicates(store: EventStore) {
  expect(retryKeys(timed)[0]).toMatch(/^huawei-live:t[0-9a-z]{7}:[0-9a-f]{64}$/);
  const outcomes = await store.writeBatch([
    newEvent({ idemKeys: retryKeys(timed) }),
    newEvent({ idemKeys: retryKeys(untimed) }),
  ]);
  expect(outcomes).toEqual([
    { status: "duplicate", id: 1 },
    { status: "duplicate", id: 2 },
  ]);
  expect(await store.countEvents()).toBe(2);
  const fresh = await store.writeBatch([newEvent({ idemKeys: ["huawei-live:fresh"] })]);
  expect(fresh).toEqual([{ status: "stored", id: 3 }]);
}

test("SQLite: 0003 rewrites stored keys and rebuilds event_keys without rowids", async () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-migrate-"));
  try {
    const file = join(dir, "r.db");
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    await seedBefore0003(db, "sqlite");
    await db.destroy();
    const store = await openSqliteStore({ file, synchronous: "FULL" });
    try {
      await expectRetriesAreDuplicates(store);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(file, { readonly: true });
    const ddl = check.prepare("SELECT sql FROM sqlite_master WHERE name = 'event_keys'").get() as { sql: string };
    expect(ddl.sql).toMatch(/WITHOUT ROWID/);
    check.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PostgreSQL: 0003 rewrites stored keys", async () => {
  const schema = `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
    await seedBefore0003(db, "postgres", schema);
    await db.destroy();
    const store = await openPostgresStore({ url: DATABASE_URL, schema });
    try {
      await expectRetriesAreDuplicates(store);
    } finally {
      await store.close();
    }
  } finally {
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

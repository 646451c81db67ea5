/**
 * Migrations 0003 and 0004 on databases written by earlier schemas, on both dialects: keys of events with a key
 * time are rewritten to the time-ordered form, and every key's digest is cut to 128 bits, so a retry of an event
 * stored before the upgrade is still a duplicate.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, eventDigest, VENDOR_AUTH_FIELDS } from "@livehook/core";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { expect, test } from "vitest";
import { keyTime } from "../hooks/key-time.js";
import { idempotencyKeys } from "../idempotency-key.js";
import { type Dialect, migrationProvider } from "./migrations.js";
import { dropPostgresSchema, openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import { newEvent } from "./store.suite.js";
import type { EventStore } from "./types.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const timed = { event_type: "RECORD_FILE_COMPLETE", job_id: "j1", end_time: "2026-03-01T00:02:00Z", auth_sign: "a" };
const untimed = { event_type: "RECORD_OVER", task_id: "t1", auth_sign: "b" };

/** The digest keys carried before 0004: all 64 hex digits of the SHA-256. */
const fullDigest = (body: unknown) =>
  createHash("sha256").update(canonicalJson(body, VENDOR_AUTH_FIELDS["huawei-live"])).digest("hex");

/** Writes two events the way the schema before 0003 did: untimed keys, claimed with NULL and bound after. */
async function seedBefore0003(db: Kysely<unknown>, dialect: Dialect, migrationTableSchema?: string) {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema });
  const { error } = await migrator.migrateTo("0002_file_sequences");
  if (error !== undefined) throw error;
  for (const body of [timed, untimed]) {
    const key = `huawei-live:${fullDigest(body)}`;
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
    eventDigest("huawei-live", { ...body, auth_sign: "new" }),
    false,
    0,
    60,
    keyTime("huawei-live", body),
  );

async function expectRetriesAreDuplicates(store: EventStore) {
  expect(retryKeys(timed)[0]).toMatch(/^huawei-live:t[0-9a-z]{7}:[0-9a-f]{32}$/);
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

test("SQLite: 0003 and 0004 rewrite stored keys and rebuild event_keys without rowids", async () => {
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

/** Runs `body` with a connection to a fresh schema of the test database, dropped after. */
async function inPostgresSchema(body: (db: Kysely<unknown>, schema: string) => Promise<void>) {
  const schema = `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
    await body(db, schema);
  } finally {
    await db.destroy();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
}

test("PostgreSQL: 0003 and 0004 rewrite stored keys", async () => {
  await inPostgresSchema(async (db, schema) => {
    await seedBefore0003(db, "postgres", schema);
    const store = await openPostgresStore({ url: DATABASE_URL, schema });
    try {
      await expectRetriesAreDuplicates(store);
    } finally {
      await store.close();
    }
  });
});

const HEX64 = "0123456789abcdef".repeat(4);
/** Every shape a key had before 0004, and what 0004 makes of it. */
const SHAPES: [before: string, after: string][] = [
  [`huawei-live:${HEX64}`, `huawei-live:${HEX64.slice(0, 32)}`],
  [`huawei-live:t0s7gk2o:${HEX64}`, `huawei-live:t0s7gk2o:${HEX64.slice(0, 32)}`],
  [`aliyun-live:${HEX64}:w7100000`, `aliyun-live:${HEX64.slice(0, 32)}:w7100000`],
  [`huawei-rtc:${HEX64}:w7100004:c2`, `huawei-rtc:${HEX64.slice(0, 32)}:w7100004:c2`],
  [`huawei-rtc:t0s7gk2o:${HEX64}:w7100004:c0`, `huawei-rtc:t0s7gk2o:${HEX64.slice(0, 32)}:w7100004:c0`],
  // Not a digest key: left as it is.
  ["huawei-live:fresh", "huawei-live:fresh"],
  [`huawei-live:${HEX64.slice(0, 63)}x`, `huawei-live:${HEX64.slice(0, 63)}x`],
];

async function expectShortDigests(db: Kysely<unknown>, dialect: Dialect, migrationTableSchema?: string) {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema });
  const before = await migrator.migrateTo("0003_time_ordered_keys");
  if (before.error !== undefined) throw before.error;
  for (const [i, [key]] of SHAPES.entries()) {
    await sql`INSERT INTO events (id, vendor, idem_key, received_at, body_authenticated, key_index, valid, issues,
      unknown_fields, headers, raw_body) VALUES (${i + 1}, 'huawei-live', ${key}, 0, 1, 0, 1, '[]', '[]', '{}', ${Buffer.from("{}")})`.execute(
      db,
    );
    await sql`INSERT INTO event_keys (key, event_id) VALUES (${key}, ${i + 1})`.execute(db);
  }
  const after = await migrator.migrateToLatest();
  if (after.error !== undefined) throw after.error;
  const keys = await sql<{ key: string }>`SELECT key FROM event_keys ORDER BY event_id`.execute(db);
  const idemKeys = await sql<{ idem_key: string }>`SELECT idem_key FROM events ORDER BY id`.execute(db);
  expect(keys.rows.map((r) => r.key)).toEqual(SHAPES.map(([, k]) => k));
  expect(idemKeys.rows.map((r) => r.idem_key)).toEqual(SHAPES.map(([, k]) => k));
}

test("SQLite: 0004 cuts the digest of every key shape to 32 hex digits and keeps what surrounds it", async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(":memory:") }) });
  try {
    await expectShortDigests(db, "sqlite");
  } finally {
    await db.destroy();
  }
});

test("PostgreSQL: 0004 cuts the digest of every key shape to 32 hex digits and keeps what surrounds it", async () => {
  await inPostgresSchema((db, schema) => expectShortDigests(db, "postgres", schema));
});

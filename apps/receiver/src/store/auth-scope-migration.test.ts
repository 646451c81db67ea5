/**
 * Migration 0005 on databases written before it, on both dialects: each event gets the scope its signature
 * covered, body_authenticated stays 1 only for a signed body, variants among the stored Huawei Live HMACSHA256
 * events are flagged, and a new variant of a stored event is caught by the live write path.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { expect, test } from "vitest";
import { huaweiLiveHook } from "../hooks/huawei-live.js";
import { type Dialect, migrationProvider } from "./migrations.js";
import { dropPostgresSchema, openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import { newEvent } from "./store.suite.js";
import type { EventStore } from "./types.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TS = 1772323200;
const SIGN = "ab".repeat(32);
const OTHER_SIGN = "cd".repeat(32);
const URL = "https://obs.example.com/live/a.m3u8";

/** Rows as receivers before 0005 stored them: vendor, body_authenticated, body. */
const ROWS: [vendor: string, bodyAuthenticated: 0 | 1, body: Record<string, unknown>][] = [
  ["huawei-rtc", 1, { job_id: "rtc" }],
  ["huawei-live", 1, { job_id: "a", download_url: URL, auth_sign: SIGN, auth_timestamp: TS }],
  // The same signature over other unsigned fields: a forged variant of the row before.
  ["huawei-live", 1, { job_id: "b", download_url: URL, auth_sign: SIGN.toUpperCase(), auth_timestamp: String(TS) }],
  ["huawei-live", 0, { job_id: "md5", download_url: URL, auth_sign: "ef".repeat(16), auth_timestamp: TS }],
  ["aliyun-live", 0, { uri: "x" }],
  ["huawei-live", 1, { job_id: "c", download_url: URL, auth_sign: OTHER_SIGN, auth_timestamp: TS }],
  // File starts have no download_url: two genuine ones can share a signature, so they are not checked.
  ["huawei-live", 1, { job_id: "s1", auth_sign: OTHER_SIGN, auth_timestamp: TS + 1 }],
  ["huawei-live", 1, { job_id: "s2", auth_sign: OTHER_SIGN, auth_timestamp: TS + 1 }],
];

async function seedAt0004(db: Kysely<unknown>, dialect: Dialect, migrationTableSchema?: string) {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema });
  const { error } = await migrator.migrateTo("0004_short_digests");
  if (error !== undefined) throw error;
  for (const [i, [vendor, bodyAuthenticated, body]] of ROWS.entries()) {
    // Ids from the table (1, 2, …), so PostgreSQL's sequence moves on as it did for a receiver's inserts.
    await sql`INSERT INTO events (vendor, idem_key, received_at, body_authenticated, key_index, valid, issues,
      unknown_fields, headers, raw_body) VALUES (${vendor}, ${`k${i}`}, 0, ${bodyAuthenticated}, 0, 1,
      '[]', '[]', '{}', ${Buffer.from(JSON.stringify(body))})`.execute(db);
  }
}

async function expectScopesAndVariants(db: Kysely<unknown>, store: EventStore) {
  type Row = { auth_scope: string; body_authenticated: number; anomaly: string | null; anomaly_event_id: unknown };
  const { rows } = await sql<Row>`SELECT auth_scope, body_authenticated, anomaly, anomaly_event_id FROM events
    WHERE id <= ${ROWS.length} ORDER BY id`.execute(db);
  expect(rows.map((r) => r.auth_scope)).toEqual([
    "body",
    "fields",
    "fields",
    "none",
    "none",
    "fields",
    "fields",
    "fields",
  ]);
  expect(rows.map((r) => Number(r.body_authenticated))).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  expect(rows.map((r) => [r.anomaly, r.anomaly_event_id === null ? null : Number(r.anomaly_event_id)])).toEqual([
    [null, null],
    ["forged_variant", 3],
    ["forged_variant", 2],
    [null, null],
    [null, null],
    [null, null],
    [null, null],
    [null, null],
  ]);
  // The key 0005 claimed for event 2 is the one the live hook makes, so a new variant of it is caught.
  const signatureKey = huaweiLiveHook({ signTypes: ["HMACSHA256"], graceSeconds: 300 }).signatureKey?.({
    job_id: "d",
    download_url: URL,
    auth_sign: SIGN,
    auth_timestamp: TS,
  });
  expect(signatureKey).toMatch(/^t[0-9a-z]{7}:[0-9a-f]{32}$/);
  const [outcome] = await store.writeBatch([
    newEvent({ signatureKey: signatureKey ?? null, signatureGraceSeconds: 300 }),
  ]);
  expect(outcome).toEqual({ status: "stored", id: expect.any(Number), forgedVariantOf: 2 });
  expect((await store.getEvent(1))?.authScope).toBe("body");
}

test("SQLite: 0005 then the store catches a new variant of a stored event", async () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-0005-"));
  try {
    const file = join(dir, "r.db");
    const seed = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    await seedAt0004(seed, "sqlite");
    await seed.destroy();
    const store = await openSqliteStore({ file, synchronous: "NORMAL", writer: "inline" });
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    try {
      await expectScopesAndVariants(db, store);
      // SQLite keeps the keys in a column of events, with no table or index of their own: its one writer holds
      // the valid ones in memory (sqlite-writer.ts).
      const keys = await sql<{ signature_key: string | null }>`SELECT signature_key FROM events
        WHERE id <= ${ROWS.length} ORDER BY id`.execute(db);
      const key = expect.stringMatching(/^t[0-9a-z]{7}:abab[0-9a-f]{28}$/);
      const other = expect.stringMatching(/^t[0-9a-z]{7}:cdcd[0-9a-f]{28}$/);
      expect(keys.rows.map((r) => r.signature_key)).toEqual([null, key, key, null, null, other, null, null]);
      const indexed = await sql<{ name: string }>`SELECT name FROM sqlite_master
        WHERE name = 'event_signatures' OR sql LIKE '%signature_key%' AND type = 'index'`.execute(db);
      expect(indexed.rows).toEqual([]);
    } finally {
      await db.destroy();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PostgreSQL: 0005 then the store catches a new variant of a stored event", async () => {
  const schema = `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
    await seedAt0004(db, "postgres", schema);
    const store = await openPostgresStore({ url: DATABASE_URL, schema });
    try {
      await expectScopesAndVariants(db, store);
    } finally {
      await store.close();
    }
  } finally {
    await db.destroy();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

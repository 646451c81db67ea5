/**
 * Issue 15, item 6: a store blocked by a lock held elsewhere answers deliveries 503 within the store wait bound
 * (the vendor retries), /readyz says not ready meanwhile, and once the lock is gone everything recovers with
 * nothing acknowledged lost. Real locks on both stores: PostgreSQL `LOCK TABLE … ACCESS EXCLUSIVE` from another
 * connection, SQLite `BEGIN IMMEDIATE` from another connection on the same file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { expect, test } from "vitest";
import {
  DATABASE_URL,
  huaweiLiveEvent,
  makeReceiver,
  openConnections,
  post,
  signedHuaweiLive,
  testSchemaName,
} from "../../test/helpers.js";
import { dropPostgresSchema, openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { EventStore } from "./types.js";

/** Short, so the test is quick; the default is 3000. */
const STORE_WAIT_MS = 1000;
/** What a loaded, shared CI machine may add to the bound before a reply leaves. */
const SLACK_MS = 1500;

type Lock = { take(): Promise<void>; release(): Promise<void> };

async function blockedStoreScenario(store: EventStore, lock: Lock) {
  const { app, deps } = await makeReceiver({ store, config: { storeWaitMs: STORE_WAIT_MS } });
  const deliver = (job: string) => post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: job })));
  const acknowledged = new Set<number>();
  const first = await deliver("before-lock");
  expect(first.status).toBe(200);
  acknowledged.add(Number(first.headers.get("x-livehook-event-id")));
  expect((await app.request("/readyz")).status).toBe(200);

  const jobs = ["during-1", "during-2", "during-3"];
  // Inline, each batch blocks the event loop for the whole bound: the three must arrive in one turn (one batch).
  await openConnections(app, jobs.length);
  await lock.take();
  try {
    const started = performance.now();
    const replies = await Promise.all(
      jobs.map(async (job) => {
        const res = await deliver(job);
        return { status: res.status, body: await res.json(), ms: performance.now() - started };
      }),
    );
    for (const reply of replies) {
      expect(reply).toMatchObject({ status: 503, body: { error: "store_unavailable" } });
      expect(reply.ms).toBeLessThan(STORE_WAIT_MS + SLACK_MS);
    }
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "store_blocked" });
  } finally {
    await lock.release();
  }

  // Recovered: the vendor's retries are acknowledged (new, or duplicates of a write that committed late).
  await deps.committer.drain();
  expect((await app.request("/readyz")).status).toBe(200);
  for (const job of ["during-1", "during-2", "during-3", "after-lock"]) {
    const res = await deliver(job);
    expect(res.status).toBe(200);
    acknowledged.add(Number(res.headers.get("x-livehook-event-id")));
  }
  expect(acknowledged.size).toBe(5);
  for (const id of acknowledged) expect(await store.getEvent(id)).toBeDefined();
  expect(await store.countEvents()).toBe(5);
}

test("PostgreSQL: a table locked elsewhere answers deliveries 503 within the bound and /readyz not ready", async () => {
  const schema = testSchemaName();
  const store = await openPostgresStore({ url: DATABASE_URL, schema, storeWaitMs: STORE_WAIT_MS });
  const locker = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await locker.connect();
  try {
    await blockedStoreScenario(store, {
      take: async () => {
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      },
      release: async () => {
        await locker.query("ROLLBACK");
      },
    });
  } finally {
    await locker.end();
    await store.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

// Inline, the wait blocks the event loop itself, so only busy_timeout (the bound) ends it.
test.each(["worker", "inline"] as const)(
  "SQLite, %s writer: a write lock held by another connection answers 503 within the bound and /readyz not ready",
  async (writer) => {
    const dir = mkdtempSync(join(tmpdir(), "livehook-blocked-"));
    const file = join(dir, "receiver.db");
    const store = await openSqliteStore({ file, synchronous: "NORMAL", writer, busyTimeoutMs: STORE_WAIT_MS });
    const locker = new BetterSqlite3(file);
    try {
      await blockedStoreScenario(store, {
        take: async () => {
          locker.exec("BEGIN IMMEDIATE");
        },
        release: async () => {
          locker.exec("ROLLBACK");
        },
      });
    } finally {
      locker.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

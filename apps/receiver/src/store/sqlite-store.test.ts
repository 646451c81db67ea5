import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { expect, test } from "vitest";
import { openSqliteStore } from "./sqlite-store.js";
import { CHECKPOINT_INTERVAL_MS, openSqliteConnection, WAL_SIZE_LIMIT_BYTES } from "./sqlite-writer.js";
import { newEvent, storeSuite } from "./store.suite.js";

storeSuite("SQLite (:memory:)", async () => ({
  store: await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" }),
  cleanup: async () => {},
}));

storeSuite("SQLite (file, WAL, NORMAL, inline writer)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-sqlite-"));
  return {
    store: await openSqliteStore({ file: join(dir, "receiver.db"), synchronous: "NORMAL", writer: "inline" }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

storeSuite("SQLite (file, WAL, FULL, writer thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-sqlite-"));
  return {
    store: await openSqliteStore({ file: join(dir, "nested", "receiver.db"), synchronous: "FULL", writer: "worker" }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

test("reopening a file store keeps events and migrates once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-sqlite-"));
  try {
    const file = join(dir, "r.db");
    const a = await openSqliteStore({ file, synchronous: "FULL" });
    await a.writeBatch([newEvent({ idemKeys: ["persist"] })]);
    await a.close();
    const b = await openSqliteStore({ file, synchronous: "FULL" });
    expect(await b.countEvents()).toBe(1);
    expect((await b.writeBatch([newEvent({ idemKeys: ["persist"] })]))[0]?.status).toBe("duplicate");
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const writer of ["worker", "inline"] as const) {
  test(`the ${writer} writer checkpoints within its interval, so NORMAL leaves the WAL unsynced for a bounded time`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "livehook-sqlite-"));
    const file = join(dir, "r.db");
    const store = await openSqliteStore({ file, synchronous: "NORMAL", writer });
    try {
      // Far below SQLite's 1000-page autocheckpoint: only the interval copies these pages into the database file.
      const before = statSync(file).size;
      const body = Buffer.alloc(2000, "x");
      await store.writeBatch(Array.from({ length: 100 }, () => newEvent({ rawBody: body })));
      const deadline = performance.now() + 20 * CHECKPOINT_INTERVAL_MS;
      while (statSync(file).size <= before && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_INTERVAL_MS / 4));
      }
      expect(statSync(file).size).toBeGreaterThan(before + 100 * body.length);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("the writer thread commits batches handed over together in order, deduplicating across them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-sqlite-"));
  const store = await openSqliteStore({ file: join(dir, "r.db"), synchronous: "FULL", writer: "worker" });
  try {
    // Handed over without waiting: the thread takes them in the order they were sent.
    const results = await Promise.all([
      store.writeBatch([newEvent({ idemKeys: ["a"] }), newEvent({ idemKeys: ["b"] })]),
      store.writeBatch([newEvent({ idemKeys: ["b"] }), newEvent({ idemKeys: ["c"] })]),
      store.writeBatch([newEvent({ idemKeys: ["a"] })]),
    ]);
    expect(results).toEqual([
      [
        { status: "stored", id: 1 },
        { status: "stored", id: 2 },
      ],
      [
        { status: "duplicate", id: 2 },
        { status: "stored", id: 3 },
      ],
      [{ status: "duplicate", id: 1 }],
    ]);
    expect(await store.countEvents()).toBe(3);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the WAL is cut back to WAL_SIZE_LIMIT_BYTES when it starts over, however far it grew (issue 15 item 8)", () => {
  const dir = mkdtempSync(join(tmpdir(), "livehook-sqlite-"));
  const file = join(dir, "wal-limit.db");
  const sqlite = openSqliteConnection(BetterSqlite3, file, "NORMAL");
  try {
    sqlite.pragma("wal_autocheckpoint = 0");
    sqlite.exec("CREATE TABLE filler (data BLOB)");
    const insert = sqlite.prepare("INSERT INTO filler (data) VALUES (?)");
    const chunk = Buffer.alloc(64 * 1024, 1);
    sqlite.transaction(() => {
      for (let i = 0; i < (WAL_SIZE_LIMIT_BYTES * 1.5) / chunk.length; i++) insert.run(chunk);
    })();
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    // A complete checkpoint, then the next write starts the WAL over: that is when the limit applies.
    sqlite.pragma("wal_checkpoint(PASSIVE)");
    insert.run(Buffer.from([1]));
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { openSqliteConnection } from "./sqlite-writer.js";
import {
  bulkCheckpoint,
  type CheckpointRow,
  catchUpCheckpoint,
  converge,
  newCheckpointFlag,
} from "./wal-checkpoint.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function pair() {
  const dir = mkdtempSync(join(tmpdir(), "livehook-wal-"));
  dirs.push(dir);
  const file = join(dir, "w.db");
  const writer = openSqliteConnection(BetterSqlite3, file, "FULL");
  writer.pragma("wal_autocheckpoint = 0");
  writer.exec("CREATE TABLE t (v blob)");
  const checkpointer = openSqliteConnection(BetterSqlite3, file, "FULL");
  const insert = writer.prepare("INSERT INTO t (v) VALUES (randomblob(3000))");
  const commit = (rows: number) => writer.transaction(() => Array.from({ length: rows }, () => insert.run()))();
  /** Frames in the WAL now, as a checkpoint reports them. */
  const framesInWal = () => (writer.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]?.log ?? -1;
  const close = () => {
    writer.close();
    checkpointer.close();
  };
  return { writer, checkpointer, commit, framesInWal, close };
}

test("a bulk pass over a WAL holding frames raises the flag; the writer's catch-up clears it", () => {
  const { writer, checkpointer, commit, close } = pair();
  const flag = newCheckpointFlag();
  commit(10);
  bulkCheckpoint(checkpointer, flag);
  expect(Atomics.load(flag, 0)).toBe(1);
  catchUpCheckpoint(writer, flag);
  expect(Atomics.load(flag, 0)).toBe(0);
  close();
});

test("frames committed after a bulk pass are copied by the catch-up, so the next transaction restarts the WAL", () => {
  const { writer, checkpointer, commit, framesInWal, close } = pair();
  const flag = newCheckpointFlag();
  commit(50);
  bulkCheckpoint(checkpointer, flag);
  // Committed after the pass (under load: while it ran); until they are copied the WAL cannot start over.
  commit(50);
  catchUpCheckpoint(writer, flag);
  commit(1);
  const restarted = framesInWal();
  // One small transaction at the start of a fresh WAL, not the hundred-odd frames of all three.
  expect(restarted).toBeGreaterThan(0);
  expect(restarted).toBeLessThan(10);
  close();
});

test("without the catch-up the next transaction appends to the WAL instead", () => {
  const { checkpointer, commit, framesInWal, close } = pair();
  commit(50);
  bulkCheckpoint(checkpointer, newCheckpointFlag());
  commit(50);
  commit(1);
  expect(framesInWal()).toBeGreaterThan(50);
  close();
});

/** Passes that report these frame counts in turn (everything copied each time), counting the calls. */
function reporting(...logs: (number | "busy" | "failed")[]) {
  let calls = 0;
  const pass = (): CheckpointRow | undefined => {
    const log = logs[calls++];
    if (log === "failed") return undefined;
    if (log === "busy") return { busy: 1, log: -1, checkpointed: -1 };
    if (log === undefined) throw new Error("more passes than expected");
    return { busy: 0, log, checkpointed: log };
  };
  return { pass, calls: () => calls };
}

test("a bulk pass goes on while each pass leaves many frames behind, and stops once one leaves few", () => {
  // 5000 found; 900 committed during the first pass, 150 during the second, 30 during the third.
  const passes = reporting(5000, 5900, 6050, 6080);
  expect(converge(passes.pass)).toBe(true);
  expect(passes.calls()).toBe(4);
});

test("a quiet WAL takes two passes: the second finds nothing new", () => {
  const passes = reporting(300, 300);
  expect(converge(passes.pass)).toBe(true);
  expect(passes.calls()).toBe(2);
});

test("a WAL that keeps filling faster than a pass copies is left to the catch-up after a bounded number of passes", () => {
  const passes = reporting(5000, 10000, 15000, 20000);
  expect(converge(passes.pass)).toBe(true);
  expect(passes.calls()).toBe(4);
});

test("a WAL that started over between passes counts all its frames as new", () => {
  // 5000, then the writer restarted the WAL and committed 500 frames (more than a catch-up's worth), then 20.
  const passes = reporting(5000, 500, 520);
  expect(converge(passes.pass)).toBe(true);
  expect(passes.calls()).toBe(3);
});

test("no catch-up for an empty WAL, a busy pass or a failed one", () => {
  expect(converge(reporting(0).pass)).toBe(false);
  expect(converge(reporting("busy").pass)).toBe(false);
  expect(converge(reporting("failed").pass)).toBe(false);
  expect(converge(reporting(5000, "busy").pass)).toBe(false);
  // The WAL started over and stayed empty: nothing is left to catch up on.
  expect(converge(reporting(5000, 0).pass)).toBe(false);
});

/**
 * How the WAL stays short under sustained load. SQLite starts the WAL over from its beginning only when a write
 * transaction begins while every frame has been copied into the database. The checkpointer thread copies in bulk
 * (PASSIVE: the writer is never blocked), but a pass takes milliseconds, during which the writer commits more
 * frames, so under steady load a pass almost never leaves the WAL fully copied. The WAL then grew until the
 * writer's safety autocheckpoint, which copied thousands of frames inline and stalled a commit for 15-25 ms every
 * few hundred milliseconds (BENCHMARKS.md, fifth pass). So after each bulk pass the checkpointer raises a flag,
 * and the writer, once its next commit's replies are sent, copies the few frames committed during that pass
 * itself: no other writer can add frames meanwhile, so that pass completes and the next transaction starts the
 * WAL over.
 */
import type BetterSqlite3 from "better-sqlite3";

export type CheckpointRow = { busy: number; log: number; checkpointed: number };

/** One Int32 in shared memory: 1 while the writer owes a catch-up checkpoint. */
export function newCheckpointFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/**
 * A bulk pass copies what the WAL held when it started; what the writer commits meanwhile is left for the
 * writer's catch-up, and every reply queued behind that waits for it. One pass of a few thousand frames left
 * the catch-up hundreds, a stall of 10-15 ms every pass that set the NORMAL p99 (BENCHMARKS.md, eighth pass). So
 * the checkpointer passes again while the last pass left more than this many, each pass a fraction of the one
 * before, and the catch-up is down to a few dozen frames.
 */
const CATCH_UP_FRAMES = 64;
const MAX_PASSES = 4;

/** One PASSIVE checkpoint's report, or undefined when it failed. */
export type CheckpointPass = () => CheckpointRow | undefined;

/**
 * Runs passes until the frames committed during the last one are few (at most MAX_PASSES); true when the writer
 * should catch up. A pass reports the WAL's frame count as it found it, so the next count minus this one is what
 * was committed in between (or the whole count, when the WAL started over meanwhile).
 */
export function converge(pass: CheckpointPass): boolean {
  let previous: number | undefined;
  for (let i = 0; i < MAX_PASSES; i++) {
    const row = pass();
    if (row === undefined || row.busy !== 0 || row.log === 0) return false;
    const added = previous === undefined || row.log < previous ? row.log : row.log - previous;
    previous = row.log;
    if (i > 0 && added <= CATCH_UP_FRAMES) break;
  }
  return true;
}

/** The checkpointer's bulk pass. Errors (SQLITE_BUSY and the like) are left to the next pass. */
export function bulkCheckpoint(sqlite: BetterSqlite3.Database, flag: Int32Array): void {
  const pass = () => {
    try {
      return (sqlite.pragma("wal_checkpoint(PASSIVE)") as CheckpointRow[])[0];
    } catch {
      // The writer's safety autocheckpoint remains should this thread keep failing.
      return undefined;
    }
  };
  if (converge(pass)) Atomics.store(flag, 0, 1);
}

/** The writer's part, between commits: finishes the checkpoint of the last bulk pass, if one ran since. */
export function catchUpCheckpoint(sqlite: BetterSqlite3.Database, flag: Int32Array): void {
  if (Atomics.exchange(flag, 0, 0) !== 1) return;
  try {
    sqlite.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Only an optimisation: the next bulk pass raises the flag again.
  }
}

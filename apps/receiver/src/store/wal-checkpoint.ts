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

type CheckpointRow = { busy: number; log: number; checkpointed: number };

/** One Int32 in shared memory: 1 while the writer owes a catch-up checkpoint. */
export function newCheckpointFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** The checkpointer's bulk pass. Errors (SQLITE_BUSY and the like) are left to the next pass. */
export function bulkCheckpoint(sqlite: BetterSqlite3.Database, flag: Int32Array): void {
  try {
    const [row] = sqlite.pragma("wal_checkpoint(PASSIVE)") as CheckpointRow[];
    if (row !== undefined && row.busy === 0 && row.log > 0) Atomics.store(flag, 0, 1);
  } catch {
    // The writer's safety autocheckpoint remains should this thread keep failing.
  }
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

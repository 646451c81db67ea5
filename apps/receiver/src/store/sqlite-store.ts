/**
 * SQLite store (better-sqlite3, WAL). Writes use prepared statements inside one synchronous transaction per
 * batch (sqlite-writer.ts): the group committer hands over every event that arrived in one event-loop turn, so
 * the commit (and its fsync) is paid once per batch. For a file the writer runs in a worker thread
 * (sqlite-worker.ts) so the fsync does not stall the event loop; ":memory:" cannot be shared with a thread and
 * writes inline. Reads and migrations go through the same Kysely queries as PostgreSQL, on the main thread's
 * connection (WAL lets it read while the worker writes).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MessageChannel, Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { migrationProvider } from "./migrations.js";
import { kyselyQueries } from "./queries.js";
import type { Database } from "./schema.js";
import type { WorkerCommand, WorkerData, WorkerReply } from "./sqlite-worker.js";
import {
  CHECKPOINT_INTERVAL_MS,
  createSqliteWriter,
  DEFAULT_BUSY_TIMEOUT_MS,
  type EventRow,
  openSqliteConnection,
  passiveCheckpoint,
  toEventRow,
} from "./sqlite-writer.js";
import { type EventStore, type NewEvent, type NewRejection, StoreBlocked, type WriteOutcome } from "./types.js";

/**
 * An event as it crosses to the writer thread: postMessage clones it. The body is copied into a buffer of its own
 * first, because cloning a view copies the whole buffer beneath it (a socket read, not just the body). A hand-made
 * wire format (positional rows plus one transferred buffer of all bodies, outcomes as one Float64Array) measured
 * 2.5% more events/s end to end, under the 10% a complex version must earn (BENCHMARKS.md, 2026-12-05), so it went.
 */
function toWorkerRow(event: NewEvent): EventRow {
  return { ...toEventRow(event), rawBody: event.rawBody.slice() };
}

export type SqliteStoreOptions = {
  /** A file path or ":memory:". */
  file: string;
  /**
   * FULL: every commit is fsynced, so an acknowledged event survives power loss. NORMAL (in WAL mode): a commit
   * survives a process crash or kill -9, but the last commits may be lost on power loss or an OS crash.
   */
  synchronous: "FULL" | "NORMAL";
  /** "worker" (default for files) or "inline" (always for ":memory:"). */
  writer?: "worker" | "inline";
  /** How long a write waits for a lock another connection holds on the file (ms); the store wait bound. */
  busyTimeoutMs?: number;
};

function inlineWriter(sqlite: BetterSqlite3.Database, checkpoints: boolean): Writer {
  const inline = createSqliteWriter(sqlite);
  // The writer thread's periodic checkpoint (sqlite-writer.ts), here on the event loop.
  const timer = checkpoints ? setInterval(() => passiveCheckpoint(sqlite), CHECKPOINT_INTERVAL_MS) : undefined;
  timer?.unref();
  return {
    writeAll: async (events) => inline.writeAll(events.map(toEventRow)),
    rejectAll: async (rejections, keep) => inline.rejectAll(rejections, keep),
    close: async () => clearInterval(timer),
  };
}

type Writer = {
  writeAll(events: readonly NewEvent[]): Promise<WriteOutcome[]>;
  rejectAll(rejections: readonly NewRejection[], keepPerVendor: number): Promise<void>;
  close(): Promise<void>;
};

type WorkerHandle = {
  call<T>(msg: WorkerCommand): Promise<T>;
  stop(): Promise<void>;
};

/**
 * The built worker. The path goes through the package's dist/ so that it names the same file from dist/store/ (in
 * production) and from src/store/ (under vitest and tsx, which run the sources of the main thread only): a worker
 * thread is a plain Node.js entry point, so tests run the compiled worker that production runs. The tests' global
 * setup builds dist/ when a source is newer than its output (test/global-setup.ts).
 */
const WORKER_FILE = new URL("../../dist/store/sqlite-worker.js", import.meta.url);

/** Starts the writer thread (sqlite-worker.ts). */
async function startWorker(data: Omit<WorkerData, "port">): Promise<WorkerHandle> {
  const { port1: port, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_FILE, {
    workerData: { ...data, port: port2 } satisfies WorkerData,
    transferList: [port2],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const settle = (reply: WorkerReply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(reply.error));
  };
  port.on("message", settle);
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`SQLite writer thread exited (${code})`)));
  await new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  const call = <T>(msg: WorkerCommand): Promise<T> => {
    if (failure !== undefined) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage({ ...msg, id });
    });
  };
  return {
    call,
    stop: async () => {
      if (failure === undefined) await call<void>({ kind: "close" }).catch(() => {});
      port.close();
      await worker.terminate();
    },
  };
}

/** How long the readiness probe looks for a moment when the write lock is free. */
const PROBE_LOCK_WAIT_MS = 500;
const PROBE_INTERVAL_MS = 10;

/**
 * Readiness: can a write start? `SELECT 1` passes while another connection holds the file's write lock (a
 * `BEGIN IMMEDIATE` elsewhere) and every commit waits. The probe takes that lock without waiting (busy_timeout 0,
 * so the event loop never blocks) and gives it back at once; the writer thread holds it for a few milliseconds
 * per commit, so only a lock held for the whole `waitMs` counts as blocked.
 */
async function probeWriteLock(sqlite: BetterSqlite3.Database, waitMs: number): Promise<void> {
  const busyTimeout = sqlite.pragma("busy_timeout", { simple: true }) as number;
  const until = performance.now() + waitMs;
  for (;;) {
    sqlite.pragma("busy_timeout = 0");
    try {
      sqlite.exec("BEGIN IMMEDIATE");
      sqlite.exec("ROLLBACK");
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== "SQLITE_BUSY") throw err;
    } finally {
      sqlite.pragma(`busy_timeout = ${busyTimeout}`);
    }
    if (performance.now() >= until) throw new StoreBlocked("the write lock is held elsewhere");
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<EventStore> {
  if (opts.file !== ":memory:") mkdirSync(dirname(opts.file), { recursive: true });
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const sqlite = openSqliteConnection(BetterSqlite3, opts.file, opts.synchronous, busyTimeoutMs);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: migrationProvider("sqlite") }).migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw error;
  }
  let writer: Writer;
  if (opts.file !== ":memory:" && opts.writer === "worker") {
    try {
      const w = await startWorker({ file: opts.file, synchronous: opts.synchronous, busyTimeoutMs });
      writer = {
        writeAll: (events) => w.call<WriteOutcome[]>({ kind: "events", rows: events.map(toWorkerRow) }),
        rejectAll: (rejections, keepPerVendor) =>
          w.call<void>({ kind: "rejections", rejections: rejections as NewRejection[], keepPerVendor }),
        close: () => w.stop(),
      };
    } catch (err) {
      await db.destroy();
      throw err;
    }
  } else {
    writer = inlineWriter(sqlite, opts.file !== ":memory:");
  }

  return {
    kind: "sqlite",
    writeBatch: (events) => writer.writeAll(events),
    recordRejections: (rejections, keepPerVendor) =>
      rejections.length === 0 ? Promise.resolve() : writer.rejectAll(rejections, keepPerVendor),
    ...kyselyQueries(db, "sqlite"),
    ping: async () => {
      sqlite.prepare("SELECT 1").get();
      if (opts.file !== ":memory:") await probeWriteLock(sqlite, Math.min(PROBE_LOCK_WAIT_MS, busyTimeoutMs));
    },
    close: async () => {
      await writer.close();
      await db.destroy();
    },
  };
}

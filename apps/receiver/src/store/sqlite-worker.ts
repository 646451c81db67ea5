/**
 * Worker threads of a SQLite file store, in one of two roles.
 * - writer (LIVEHOOK_SQLITE_WRITER=worker): owns the write connection. The main thread keeps parsing and
 *   verifying requests while a batch commits here (with synchronous=FULL the fsync takes most of a commit), and
 *   the group committer collects the next batch meanwhile. Replies still wait for their batch's commit.
 * - checkpointer: runs a PASSIVE WAL checkpoint every few hundred milliseconds on its own connection, so the
 *   page copy and the database fsync never stall a commit.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import {
  createSqliteWriter,
  type EventRow,
  openSqliteConnection,
  openWriterConnection,
  type SqliteWriter,
} from "./sqlite-writer.js";
import type { NewRejection, WriteOutcome } from "./types.js";
import { bulkCheckpoint, catchUpCheckpoint } from "./wal-checkpoint.js";

export type WorkerCommand =
  | { kind: "events"; rows: EventRow[] }
  | { kind: "rejections"; rejections: NewRejection[]; keepPerVendor: number }
  | { kind: "close" };
export type WorkerRequest = WorkerCommand & { id: number };
export type WorkerReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export type WorkerData = {
  role: "writer" | "checkpointer";
  file: string;
  synchronous: "FULL" | "NORMAL";
  /** The channel to the main thread (transferred), which the main thread can also poll synchronously. */
  port: MessagePort;
  /** Shared by both roles: raised by the checkpointer after a bulk pass, for the writer (wal-checkpoint.ts). */
  checkpointFlag: Int32Array;
  busyTimeoutMs: number;
};

const CHECKPOINT_INTERVAL_MS = 200;
const { role, file, synchronous, port, checkpointFlag, busyTimeoutMs } = workerData as WorkerData;
const sqlite =
  role === "writer"
    ? openWriterConnection(BetterSqlite3, file, synchronous, busyTimeoutMs)
    : openSqliteConnection(BetterSqlite3, file, synchronous, busyTimeoutMs);
const writer = role === "writer" ? createSqliteWriter(sqlite) : undefined;
const timer =
  role === "checkpointer"
    ? setInterval(() => bulkCheckpoint(sqlite, checkpointFlag), CHECKPOINT_INTERVAL_MS)
    : undefined;

/**
 * Commits `first` together with every events message already queued behind it: one transaction (and, with
 * synchronous=FULL, one fsync) for all the batches the main thread handed over while the last commit ran.
 * Returns the first queued message that is not an events message, to be handled after.
 */
function commitQueued(first: WorkerRequest & { kind: "events" }, w: SqliteWriter): WorkerRequest | undefined {
  const requests = [first];
  let next: WorkerRequest | undefined;
  for (;;) {
    const queued = receiveMessageOnPort(port) as { message: WorkerRequest } | undefined;
    if (queued === undefined) break;
    if (queued.message.kind !== "events") {
      next = queued.message;
      break;
    }
    requests.push(queued.message);
  }
  try {
    const batches = requests.map((r) => r.rows);
    const outcomes = w.writeAll(batches.length === 1 ? (batches[0] as EventRow[]) : batches.flat());
    let at = 0;
    for (let i = 0; i < requests.length; i++) {
      const count = (batches[i] as EventRow[]).length;
      const result: WriteOutcome[] = outcomes.slice(at, at + count);
      port.postMessage({ id: (requests[i] as WorkerRequest).id, ok: true, result } satisfies WorkerReply);
      at += count;
    }
  } catch (err) {
    for (const r of requests)
      port.postMessage({ id: r.id, ok: false, error: (err as Error).message } satisfies WorkerReply);
  }
  catchUpCheckpoint(sqlite, checkpointFlag);
  return next;
}

function handle(msg: WorkerRequest): void {
  if (msg.kind === "events" && writer !== undefined) {
    const next = commitQueued(msg, writer);
    if (next !== undefined) handle(next);
    return;
  }
  let reply: WorkerReply;
  try {
    if (msg.kind !== "close" && writer === undefined) throw new Error(`the ${role} thread does not write`);
    if (msg.kind === "rejections") {
      writer?.rejectAll(msg.rejections, msg.keepPerVendor);
      reply = { id: msg.id, ok: true };
    } else {
      if (timer !== undefined) clearInterval(timer);
      sqlite.close();
      reply = { id: msg.id, ok: true };
    }
  } catch (err) {
    reply = { id: msg.id, ok: false, error: (err as Error).message };
  }
  port.postMessage(reply);
}

port.on("message", handle);
port.postMessage({ id: 0, ok: true });

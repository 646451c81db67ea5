/**
 * The writer thread of a SQLite file store (LIVEHOOK_SQLITE_WRITER=worker, the default): it owns the write
 * connection. The main thread keeps parsing and verifying requests while a batch commits here (with
 * synchronous=FULL the fsync takes most of a commit), and the group committer collects the next batch meanwhile;
 * replies still wait for their batch's commit. Measured against writing on the event loop: 13% more events/s and
 * a lower p99 (BENCHMARKS.md, "The SQLite write design").
 */
import { type MessagePort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import {
  CHECKPOINT_INTERVAL_MS,
  createSqliteWriter,
  type EventRow,
  openWriterConnection,
  passiveCheckpoint,
} from "./sqlite-writer.js";
import type { NewRejection } from "./types.js";

export type WorkerCommand =
  | { kind: "events"; rows: EventRow[] }
  | { kind: "rejections"; rejections: NewRejection[]; keepPerVendor: number }
  | { kind: "close" };
export type WorkerRequest = WorkerCommand & { id: number };
export type WorkerReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export type WorkerData = {
  file: string;
  synchronous: "FULL" | "NORMAL";
  /** The channel to the main thread (transferred), which the main thread can also poll synchronously. */
  port: MessagePort;
  busyTimeoutMs: number;
};

const { file, synchronous, port, busyTimeoutMs } = workerData as WorkerData;
const sqlite = openWriterConnection(BetterSqlite3, file, synchronous, busyTimeoutMs);
const writer = createSqliteWriter(sqlite);
// Between two messages, never inside a transaction (sqlite-writer.ts, CHECKPOINT_INTERVAL_MS).
const timer = setInterval(() => passiveCheckpoint(sqlite), CHECKPOINT_INTERVAL_MS);

function handle(msg: WorkerRequest): void {
  let reply: WorkerReply;
  try {
    if (msg.kind === "events") {
      reply = { id: msg.id, ok: true, result: writer.writeAll(msg.rows) };
    } else if (msg.kind === "rejections") {
      writer.rejectAll(msg.rejections, msg.keepPerVendor);
      reply = { id: msg.id, ok: true };
    } else {
      clearInterval(timer);
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

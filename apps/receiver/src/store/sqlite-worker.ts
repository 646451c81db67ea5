/**
 * Worker threads of a SQLite file store, in one of two roles.
 * - writer (LIVEHOOK_SQLITE_WRITER=worker): owns the write connection. The main thread keeps parsing and
 *   verifying requests while a batch commits here (with synchronous=FULL the fsync takes most of a commit), and
 *   the group committer collects the next batch meanwhile. Replies still wait for their batch's commit.
 * - checkpointer: runs a PASSIVE WAL checkpoint every few hundred milliseconds on its own connection, so the
 *   page copy and the database fsync never stall a commit.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { createSqliteWriter, openSqliteConnection } from "./sqlite-writer.js";
import type { NewEvent, NewRejection } from "./types.js";

export type WorkerCommand =
  | { kind: "events"; events: NewEvent[] }
  | { kind: "rejections"; rejections: NewRejection[]; keepPerVendor: number }
  | { kind: "close" };
export type WorkerRequest = WorkerCommand & { id: number };
export type WorkerReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export type WorkerData = { role: "writer" | "checkpointer"; file: string; synchronous: "FULL" | "NORMAL" };

const CHECKPOINT_INTERVAL_MS = 200;
const { role, file, synchronous } = workerData as WorkerData;
const sqlite = openSqliteConnection(BetterSqlite3, file, synchronous);
sqlite.pragma("wal_autocheckpoint = 10000");
const writer = role === "writer" ? createSqliteWriter(sqlite) : undefined;
const port = parentPort;
if (port === null) throw new Error("sqlite-worker must run as a worker thread");
const timer =
  role === "checkpointer"
    ? setInterval(() => {
        try {
          sqlite.pragma("wal_checkpoint(PASSIVE)");
        } catch {
          // SQLITE_BUSY and the like: the next tick tries again, and the writer's autocheckpoint is the backstop.
        }
      }, CHECKPOINT_INTERVAL_MS)
    : undefined;

port.on("message", (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (msg.kind !== "close" && writer === undefined) throw new Error(`the ${role} thread does not write`);
    if (msg.kind === "events") reply = { id: msg.id, ok: true, result: writer?.writeAll(msg.events) };
    else if (msg.kind === "rejections") {
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
});
port.postMessage({ id: 0, ok: true });

/**
 * Worker thread that owns the SQLite write connection of a file store. The main thread keeps parsing and
 * verifying requests while a batch commits here (with synchronous=FULL the fsync takes most of a commit), and
 * the group committer collects the next batch meanwhile. Replies still wait for their batch's commit.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { createSqliteWriter, openSqliteConnection } from "./sqlite-writer.js";
import type { NewEvent, NewRejection } from "./types.js";

export type WorkerCommand =
  | { kind: "events"; events: NewEvent[] }
  | { kind: "rejections"; rejections: NewRejection[] }
  | { kind: "close" };
export type WorkerRequest = WorkerCommand & { id: number };
export type WorkerReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

const { file, synchronous } = workerData as { file: string; synchronous: "FULL" | "NORMAL" };
const sqlite = openSqliteConnection(BetterSqlite3, file, synchronous);
const writer = createSqliteWriter(sqlite);
const port = parentPort;
if (port === null) throw new Error("sqlite-worker must run as a worker thread");

port.on("message", (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (msg.kind === "events") reply = { id: msg.id, ok: true, result: writer.writeAll(msg.events) };
    else if (msg.kind === "rejections") {
      writer.rejectAll(msg.rejections);
      reply = { id: msg.id, ok: true };
    } else {
      sqlite.close();
      reply = { id: msg.id, ok: true };
    }
  } catch (err) {
    reply = { id: msg.id, ok: false, error: (err as Error).message };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, ok: true });

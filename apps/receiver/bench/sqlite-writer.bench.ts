/**
 * The SQLite writer's own work per event, without HTTP or threads: the rows the receiver hands its writer thread
 * (made by processCallback from distinct signed Huawei Live events) written in transactions of --batch events on
 * a file in WAL mode, with a PASSIVE checkpoint every --checkpoint-every transactions as the writer's timer
 * does, against a baseline in the same run: the same bodies and headers inserted into a table without indexes or
 * keys, in the same transactions (the least any SQLite store of these events does).
 *
 *   npx tsx bench/sqlite-writer.bench.ts [--events 40000] [--batch 20] [--rounds 5] [--synchronous NORMAL|FULL]
 *
 * The end-to-end bench swings by a third between runs; this one runs on one thread and judges a change to the
 * write path (schema, statements, pragmas) to a few per cent. CPU time, not wall time: an fsync's wait is not in it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import {
  createSqliteWriter,
  type EventRow,
  openSqliteConnection,
  openWriterConnection,
} from "../src/store/sqlite-writer.js";
import { percentile } from "../test/load.js";
import { capturedRows } from "./captured-rows.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "40000" },
    batch: { type: "string", default: "20" },
    rounds: { type: "string", default: "5" },
    "checkpoint-every": { type: "string", default: "200" },
    synchronous: { type: "string", default: "NORMAL" },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const CHECKPOINT_EVERY = Number(values["checkpoint-every"]);
const SYNCHRONOUS = values.synchronous === "FULL" ? "FULL" : "NORMAL";

const rows = await capturedRows("writer", EVENTS);
const dir = mkdtempSync(join(tmpdir(), "livehook-writer-bench-"));

/** CPU µs per event of writing every row into a fresh file. */
async function measure(kind: "writer" | "plain", round: number): Promise<number> {
  const file = join(dir, `${kind}-${round}.db`);
  let write: (batch: readonly EventRow[]) => void;
  let db: BetterSqlite3.Database;
  if (kind === "writer") {
    await (await openSqliteStore({ file, synchronous: SYNCHRONOUS, writer: "inline" })).close();
    db = openWriterConnection(BetterSqlite3, file, SYNCHRONOUS);
    const writer = createSqliteWriter(db);
    write = (batch) => {
      writer.writeAll(batch);
    };
  } else {
    db = openSqliteConnection(BetterSqlite3, file, SYNCHRONOUS);
    db.exec("CREATE TABLE plain (id INTEGER PRIMARY KEY, headers TEXT NOT NULL, raw_body BLOB NOT NULL)");
    const insert = db.prepare("INSERT INTO plain (headers, raw_body) VALUES (?, ?)");
    const inTransaction = db.transaction((batch: readonly EventRow[]) => {
      for (const r of batch) {
        insert.run(r.headersJson, Buffer.from(r.rawBody.buffer, r.rawBody.byteOffset, r.rawBody.byteLength));
      }
    });
    write = (batch) => inTransaction.immediate(batch);
  }
  const checkpointer = openSqliteConnection(BetterSqlite3, file, SYNCHRONOUS);
  const before = process.cpuUsage();
  for (let i = 0, n = 1; i < rows.length; i += BATCH, n++) {
    write(rows.slice(i, i + BATCH));
    if (n % CHECKPOINT_EVERY === 0) checkpointer.pragma("wal_checkpoint(PASSIVE)");
  }
  const used = process.cpuUsage(before);
  checkpointer.close();
  db.close();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  return (used.user + used.system) / rows.length;
}

const results: { writer: number; plain: number }[] = [];
try {
  await measure("writer", 0);
  await measure("plain", 0);
  for (let r = 1; r <= ROUNDS; r++) {
    // Alternating which goes first, so drift on a shared machine hits both.
    const first = r % 2 === 1 ? "writer" : "plain";
    const a = await measure(first, r);
    const b = await measure(first === "writer" ? "plain" : "writer", r);
    results.push(first === "writer" ? { writer: a, plain: b } : { writer: b, plain: a });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => percentile(xs, 50);
console.log(
  `SQLite writer: ${median(results.map((r) => r.writer)).toFixed(2)} µs/event   plain insert (no index, no key): ${median(
    results.map((r) => r.plain),
  ).toFixed(
    2,
  )} µs/event   ratio ${median(results.map((r) => r.writer / r.plain)).toFixed(2)}x   (${SYNCHRONOUS}, ${BATCH} events per transaction, median of ${ROUNDS} rounds of ${rows.length} events; per round: ${results
    .map((r) => (r.writer / r.plain).toFixed(2))
    .join(", ")})`,
);

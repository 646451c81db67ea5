/**
 * What one commit writes: the WAL frames (pages) per transaction of --batch events, by the B-tree each page
 * belongs to. Counts, not times, so it is the same on a busy machine as on a quiet one; the write path's cost
 * (the writer's pwrite calls, the checkpoints' copies, the fsync of FULL) follows the frame count.
 *
 *   npx tsx bench/wal-frames.ts [--events 20000] [--batch 20] [--per-second 1000]
 *
 * The events are the receiver bench's (distinct Huawei Live file completions, `--per-second` of them ending in
 * each second of key time), captured from processCallback and written with the receiver's own writer. The first
 * half fills the file; the WAL is then emptied and the second half is counted, from the WAL's frame headers and
 * SQLite's dbstat table.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { createSqliteWriter, openWriterConnection } from "../src/store/sqlite-writer.js";
import { capturedRows } from "./captured-rows.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    batch: { type: "string", default: "20" },
    "per-second": { type: "string", default: "1000" },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const PER_SECOND = Number(values["per-second"]);
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

const rows = await capturedRows("frames", EVENTS, PER_SECOND);
const dir = mkdtempSync(join(tmpdir(), "livehook-wal-frames-"));
try {
  const file = join(dir, "receiver.db");
  await (await openSqliteStore({ file, synchronous: "NORMAL", writer: "inline" })).close();
  const db = openWriterConnection(BetterSqlite3, file, "NORMAL");
  db.pragma("wal_autocheckpoint = 0");
  const writer = createSqliteWriter(db);
  const half = Math.floor(rows.length / 2);
  for (let i = 0; i < half; i += BATCH) writer.writeAll(rows.slice(i, Math.min(half, i + BATCH)));
  db.pragma("wal_checkpoint(TRUNCATE)");
  for (let i = half; i < rows.length; i += BATCH) writer.writeAll(rows.slice(i, Math.min(rows.length, i + BATCH)));

  const wal = readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const pages: number[] = [];
  let commits = 0;
  for (
    let at = WAL_HEADER_BYTES;
    at + FRAME_HEADER_BYTES + pageSize <= wal.length;
    at += FRAME_HEADER_BYTES + pageSize
  ) {
    pages.push(wal.readUInt32BE(at));
    // A commit frame carries the database size after the commit; other frames carry 0.
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  const reader = new BetterSqlite3(file, { readonly: true });
  const owner = new Map<number, string>();
  for (const r of reader.prepare("SELECT name, pageno, pagetype FROM dbstat").all() as {
    name: string;
    pageno: number;
    pagetype: string;
  }[]) {
    owner.set(r.pageno, `${r.name} ${r.pagetype}`);
  }
  reader.close();
  db.close();
  const perTree = new Map<string, number>();
  for (const p of pages) {
    const name = owner.get(p) ?? "(free)";
    perTree.set(name, (perTree.get(name) ?? 0) + 1);
  }
  console.log(
    `${(pages.length / commits).toFixed(1)} WAL frames per commit of ${BATCH} events (${(pages.length / (rows.length - half)).toFixed(2)} per event; ${pageSize}-byte pages, ${commits} commits, ${PER_SECOND} events per second of key time)`,
  );
  for (const [name, count] of [...perTree].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(count / commits).toFixed(2).padStart(6)}  ${name}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

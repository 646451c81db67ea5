/**
 * The SQLite write path: prepared statements run inside one synchronous better-sqlite3 transaction per batch.
 * Used on the main thread (":memory:" databases) or inside sqlite-worker.ts (files), where the commit's fsync
 * does not block the event loop.
 */
import type BetterSqlite3 from "better-sqlite3";
import { type NewEvent, type NewRejection, sequencedKeys, type WriteOutcome } from "./types.js";

export type SqliteWriter = {
  writeAll(events: readonly NewEvent[]): WriteOutcome[];
  /** Inserts the rejections, then keeps only the newest `keepPerVendor` of each vendor present in the batch. */
  rejectAll(rejections: readonly NewRejection[], keepPerVendor: number): void;
};

export function openSqliteConnection(
  BetterSqlite: typeof BetterSqlite3,
  file: string,
  synchronous: "FULL" | "NORMAL",
): BetterSqlite3.Database {
  const sqlite = new BetterSqlite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

export function createSqliteWriter(sqlite: BetterSqlite3.Database): SqliteWriter {
  const claim = sqlite.prepare("INSERT INTO event_keys (key, event_id) VALUES (?, NULL) ON CONFLICT DO NOTHING");
  const ownerOf = sqlite.prepare<[string], { event_id: number }>(
    "SELECT event_id FROM event_keys WHERE key = ? AND event_id IS NOT NULL",
  );
  const bind = sqlite.prepare("UPDATE event_keys SET event_id = ? WHERE key = ? AND event_id IS NULL");
  const unclaim = sqlite.prepare("DELETE FROM event_keys WHERE key = ? AND event_id IS NULL");
  const bumpDuplicates = sqlite.prepare("UPDATE events SET duplicates = duplicates + 1 WHERE id = ?");
  const insertEvent = sqlite.prepare(
    `INSERT INTO events (vendor, idem_key, received_at, event_type, domain, app, stream, session_key, file_key, event_time,
       body_authenticated, key_index, valid, issues, unknown_fields, headers, raw_body, forward_state, forward_next_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const completesOf = sqlite.prepare<[string], { completes: number }>(
    "SELECT completes FROM file_sequences WHERE scope = ?",
  );
  const countComplete = sqlite.prepare(
    `INSERT INTO file_sequences (scope, completes) VALUES (?, 1)
     ON CONFLICT (scope) DO UPDATE SET completes = file_sequences.completes + 1`,
  );
  const pruneRejections = sqlite.prepare(
    `DELETE FROM rejections WHERE vendor = ? AND id <= (
       SELECT id FROM rejections WHERE vendor = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
  );
  const insertRejection = sqlite.prepare(
    "INSERT INTO rejections (vendor, received_at, reason, status, headers, raw_body) VALUES (?, ?, ?, ?, ?, ?)",
  );

  function writeOne(e: NewEvent): WriteOutcome {
    // One writer and one transaction: the count read here cannot change before this batch commits.
    const seq = e.fileSequence;
    const keys =
      seq?.role === "start" ? sequencedKeys(e.idemKeys, completesOf.get(seq.scope)?.completes ?? 0) : e.idemKeys;
    const claimed = keys.map((k) => claim.run(k).changes === 1);
    if (claimed.every(Boolean)) {
      const id = Number(
        insertEvent.run(
          e.vendor,
          keys[0],
          e.receivedAt,
          e.eventType,
          e.domain,
          e.app,
          e.stream,
          e.sessionKey,
          e.fileKey,
          e.eventTime,
          e.bodyAuthenticated ? 1 : 0,
          e.keyIndex,
          e.valid ? 1 : 0,
          JSON.stringify(e.issues),
          JSON.stringify(e.unknownFields),
          JSON.stringify(e.headers),
          Buffer.from(e.rawBody.buffer, e.rawBody.byteOffset, e.rawBody.byteLength),
          e.forward ? "pending" : null,
          e.forward ? e.receivedAt : null,
        ).lastInsertRowid,
      );
      for (const k of keys) bind.run(id, k);
      if (seq?.role === "complete") countComplete.run(seq.scope);
      return { status: "stored", id };
    }
    let original: number | null = null;
    for (const k of keys) {
      const row = ownerOf.get(k);
      if (row !== undefined) {
        original = row.event_id;
        break;
      }
    }
    // A duplicate keeps no claim of its own, so the dedupe window is measured from the stored event.
    keys.forEach((k, i) => {
      if (claimed[i]) unclaim.run(k);
    });
    if (original !== null) bumpDuplicates.run(original);
    return { status: "duplicate", id: original };
  }

  const writeAll = sqlite.transaction((events: readonly NewEvent[]) => events.map(writeOne));
  const rejectAll = sqlite.transaction((rejections: readonly NewRejection[], keepPerVendor: number) => {
    for (const r of rejections) {
      insertRejection.run(
        r.vendor,
        r.receivedAt,
        r.reason,
        r.status,
        JSON.stringify(r.headers),
        Buffer.from(r.rawBody.buffer, r.rawBody.byteOffset, r.rawBody.byteLength),
      );
    }
    for (const vendor of new Set(rejections.map((r) => r.vendor))) pruneRejections.run(vendor, vendor, keepPerVendor);
  });

  return { writeAll, rejectAll };
}

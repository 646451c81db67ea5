/**
 * SQLite store (better-sqlite3, WAL). The write path uses prepared statements inside one synchronous
 * better-sqlite3 transaction per batch: the group committer hands over every event that arrived in one
 * event-loop turn, so the commit (and its fsync) is paid once per batch. Reads and migrations go through the
 * same Kysely queries as PostgreSQL.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { migrationProvider } from "./migrations.js";
import * as queries from "./queries.js";
import type { Database } from "./schema.js";
import type { EventStore, NewEvent, NewRejection, WriteOutcome } from "./types.js";

export type SqliteStoreOptions = {
  /** A file path or ":memory:". */
  file: string;
  /**
   * FULL: every commit is fsynced, so an acknowledged event survives power loss. NORMAL (in WAL mode): a commit
   * survives a process crash or kill -9, but the last commits may be lost on power loss or an OS crash.
   */
  synchronous: "FULL" | "NORMAL";
};

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<EventStore> {
  if (opts.file !== ":memory:") mkdirSync(dirname(opts.file), { recursive: true });
  const sqlite = new BetterSqlite3(opts.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${opts.synchronous}`);
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: migrationProvider("sqlite") }).migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw error;
  }

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
  const insertRejection = sqlite.prepare(
    "INSERT INTO rejections (vendor, received_at, reason, status, headers, raw_body) VALUES (?, ?, ?, ?, ?, ?)",
  );

  function writeOne(e: NewEvent): WriteOutcome {
    const claimed = e.idemKeys.map((k) => claim.run(k).changes === 1);
    if (claimed.every(Boolean)) {
      const id = Number(
        insertEvent.run(
          e.vendor,
          e.idemKeys[0],
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
      for (const k of e.idemKeys) bind.run(id, k);
      return { status: "stored", id };
    }
    let original: number | null = null;
    for (const k of e.idemKeys) {
      const row = ownerOf.get(k);
      if (row !== undefined) {
        original = row.event_id;
        break;
      }
    }
    // A duplicate keeps no claim of its own, so the dedupe window is measured from the stored event.
    e.idemKeys.forEach((k, i) => {
      if (claimed[i]) unclaim.run(k);
    });
    if (original !== null) bumpDuplicates.run(original);
    return { status: "duplicate", id: original };
  }

  const writeAll = sqlite.transaction((events: readonly NewEvent[]) => events.map(writeOne));
  const rejectAll = sqlite.transaction((rejections: readonly NewRejection[]) => {
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
  });

  return {
    kind: "sqlite",
    writeBatch: async (events) => writeAll(events),
    recordRejections: async (rejections) => rejectAll(rejections),
    listEvents: (q) => queries.listEvents(db, q),
    getEvent: (id) => queries.getEvent(db, id),
    listRejections: (q) => queries.listRejections(db, q),
    countEvents: () => queries.countEvents(db),
    dueForwards: (now, limit) => queries.dueForwards(db, now, limit),
    markForward: (id, now, result) => queries.markForward(db, id, now, result),
    ping: async () => {
      sqlite.prepare("SELECT 1").get();
    },
    close: async () => {
      await db.destroy();
    },
  };
}

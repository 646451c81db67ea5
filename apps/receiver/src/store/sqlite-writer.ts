/**
 * The SQLite write path: prepared statements run inside one synchronous better-sqlite3 transaction per batch.
 * Used on the main thread (":memory:" databases) or inside sqlite-worker.ts (files), where the commit's fsync
 * does not block the event loop.
 */
import type BetterSqlite3 from "better-sqlite3";
import {
  type NewEvent,
  type NewRejection,
  SIGNATURE_MAX_FUTURE_SECONDS,
  sequencedKeys,
  type WriteOutcome,
} from "./types.js";

/**
 * An event as the writer stores it: its JSON columns already as text. For the writer thread that text is made on
 * the event loop, where a string costs less to hand over than the objects it stands for.
 */
export type EventRow = Omit<NewEvent, "issues" | "unknownFields" | "headers"> & {
  issuesJson: string;
  unknownFieldsJson: string;
  headersJson: string;
};

/** Most events have no issues and no unknown fields: their columns share one string. */
export const listJson = (list: readonly unknown[]): string => (list.length === 0 ? "[]" : JSON.stringify(list));

export function toEventRow(e: NewEvent): EventRow {
  return {
    vendor: e.vendor,
    receivedAt: e.receivedAt,
    idemKeys: e.idemKeys,
    eventType: e.eventType,
    domain: e.domain,
    app: e.app,
    stream: e.stream,
    sessionKey: e.sessionKey,
    fileKey: e.fileKey,
    eventTime: e.eventTime,
    authScope: e.authScope,
    signatureKey: e.signatureKey,
    signatureGraceSeconds: e.signatureGraceSeconds,
    keyIndex: e.keyIndex,
    valid: e.valid,
    issuesJson: listJson(e.issues),
    unknownFieldsJson: listJson(e.unknownFields),
    headersJson: JSON.stringify(e.headers),
    rawBody: e.rawBody,
    forward: e.forward,
    fileSequence: e.fileSequence,
  };
}

export type SqliteWriter = {
  writeAll(events: readonly EventRow[]): WriteOutcome[];
  /** Inserts the rejections, then keeps only the newest `keepPerVendor` of each vendor present in the batch. */
  rejectAll(rejections: readonly NewRejection[], keepPerVendor: number): void;
  /** How many signature keys the writer holds in memory (tests: only keys still valid are kept). */
  heldSignatures(): number;
};

/**
 * How long a connection waits for another one's lock before its statement fails with SQLITE_BUSY (ms). The
 * store passes its store wait bound (issue 15, item 6), so a lock held elsewhere on the file cannot hold the
 * writer past the vendors' timeouts.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 3000;

export function openSqliteConnection(
  BetterSqlite: typeof BetterSqlite3,
  file: string,
  synchronous: "FULL" | "NORMAL",
  busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
): BetterSqlite3.Database {
  const sqlite = new BetterSqlite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  // SQLite reuses the WAL file from its start but never shrinks it: without a limit it stays as large as the
  // largest stretch between two checkpoints ever was (41 MB after a flood, issue 15 item 8). With it, the
  // connection that starts the WAL over cuts the file back to this size.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return sqlite;
}

/** Far above what a checkpoint interval leaves under load, so the WAL is not cut and regrown every pass. */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * The writer checkpoints the WAL every 200 ms as well as at SQLite's own 1000-page autocheckpoint. Under load the
 * autocheckpoint keeps the WAL short; the timer bounds what `synchronous=NORMAL` leaves unsynced (the WAL is
 * fsynced at each checkpoint), which the autocheckpoint alone would leave open for as long as traffic is light.
 *
 * Until 2026-12-05 a checkpointer thread did the copying, with a flag in shared memory telling the writer to
 * finish each pass, and the writer checkpointed by itself only after 10,000 pages. In the same runs that design
 * earned nothing measurable over this one (BENCHMARKS.md, "The SQLite write design"), so it went.
 */
export const CHECKPOINT_INTERVAL_MS = 200;

/** A PASSIVE checkpoint (it never waits for readers or blocks the writer); a failure is left to the next one. */
export function passiveCheckpoint(sqlite: BetterSqlite3.Database): void {
  try {
    sqlite.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // SQLITE_BUSY and the like: the next interval or the autocheckpoint tries again.
  }
}

/**
 * The writer only touches the right-hand edges of its B-trees, and SQLite walks its whole page cache at the end
 * of every write transaction (perf: pcache1TruncateUnsafe under pager_end_transaction, 7% of the writer's time
 * with better-sqlite3's 16 MB default). SQLite's own default of 2 MB keeps that walk short: about 0.8 µs less
 * per event at 20 events per transaction (BENCHMARKS.md, sixth pass; bench/sqlite-writer.bench.ts).
 */
export const WRITER_CACHE_KIB = 2000;

/** The writer thread's connection (and the writer bench's). */
export function openWriterConnection(
  BetterSqlite: typeof BetterSqlite3,
  file: string,
  synchronous: "FULL" | "NORMAL",
  busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
): BetterSqlite3.Database {
  const sqlite = openSqliteConnection(BetterSqlite, file, synchronous, busyTimeoutMs);
  sqlite.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
  return sqlite;
}

/**
 * Forged variants on SQLite (docs/receiver-internals.md "Forged variants"): which event first stored each signature key, for the keys
 * whose signature can still verify. A variant verifies only until its `auth_timestamp` + grace, so an older key
 * can never be matched again; and one process writes the file, so what this writer has stored is everything
 * stored. The keys are therefore held here instead of in an indexed table: a signature key is random within its
 * second, so that index dirtied several of its pages on every commit. The events keep their key in
 * `signature_key` (no index), from which a writer that opens reads back the recent ones.
 *
 * Measured against main with the table (bodies signed for their own send second, as the vendor does):
 * - bench:frames: 28.3 → 21.3 WAL frames per commit of 20 events (the table's leaf and internal pages, 7.2 and
 *   0.6, are gone; the events' leaf pages take 1.0 more for the column). 20.2 before forged variants existed.
 * - bench/receiver.bench.ts --only full-worker --builds dist,dist-main --rounds 3 --seconds 5, CPU µs per event
 *   (all threads) per round: 107, 120, 110 against main's 126, 116, 92 (load average 4 on 2 shared cores;
 *   medians 110 and 116, 7749 and 7367 events/s); an earlier run at load 10 gave 172, 242, 236 against 160, 186,
 *   230. sqlite-writer.bench (NORMAL): 25.9 and 27.5 µs per event against 24.2 and 27.5. So no CPU difference
 *   the shared machine can resolve: with stamps that change every second the table cost pages written, which the
 *   frame count shows, more than CPU.
 */
type HeldSignature = { eventId: number; validUntilMs: number };

/**
 * The grace a writer assumes when it opens: LIVEHOOK_TOLERANCE_SECONDS's default. An event whose hook allows
 * more makes the writer read the stored keys again for that grace (config does not reach the store).
 */
const OPENING_GRACE_SECONDS = 300;
/**
 * How long a key is kept after it expired, for an event received before then but written after (a slow body,
 * up to Node's 300 s request timeout). Whether a key matches is decided by the event's own receivedAt.
 */
const EXPIRED_KEY_KEPT_MS = 600_000;

/** A signature key starts with `t<auth_timestamp in 7 base-36 digits>` (hooks/huawei-live.ts). */
const signatureKeySeconds = (key: string): number => Number.parseInt(key.slice(1, 8), 36);

export function createSqliteWriter(sqlite: BetterSqlite3.Database): SqliteWriter {
  // Ids are handed out here, before the claims, so a claim carries its event's id (migration 0003). The writer
  // is the only one inserting events, and the next id is read again at the start of every transaction.
  const lastId = sqlite.prepare<[], { id: number | null }>("SELECT max(id) AS id FROM events");
  const claim = sqlite.prepare("INSERT INTO event_keys (key, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
  const ownerOf = sqlite.prepare<[string], { event_id: number }>("SELECT event_id FROM event_keys WHERE key = ?");
  const unclaim = sqlite.prepare("DELETE FROM event_keys WHERE key = ? AND event_id = ?");
  const bumpDuplicates = sqlite.prepare("UPDATE events SET duplicates = duplicates + 1 WHERE id = ?");
  const insertEvent = sqlite.prepare(
    `INSERT INTO events (id, vendor, idem_key, received_at, event_type, domain, app, stream, session_key, file_key,
       event_time, body_authenticated, auth_scope, anomaly, anomaly_event_id, signature_key, key_index, valid,
       issues, unknown_fields, headers, raw_body, forward_state, forward_next_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const lastReceivedAt = sqlite.prepare<[], { at: number | null }>("SELECT max(received_at) AS at FROM events");
  const recentSignatures = sqlite.prepare<[number], { id: number; signature_key: string }>(
    `SELECT id, signature_key FROM events WHERE received_at >= ? AND signature_key IS NOT NULL ORDER BY id`,
  );
  const flagOriginal = sqlite.prepare(
    `UPDATE events SET anomaly = 'forged_variant', anomaly_event_id = coalesce(anomaly_event_id, ?) WHERE id = ?`,
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

  // Insertion order is about expiry order (a vendor signs for its send second + 300 s), so pruning stops at the
  // first key still valid; one signed far ahead (at most an hour) only delays the pruning of those after it.
  const held = new Map<string, HeldSignature>();
  /** Keys this batch added, dropped again should its transaction roll back. */
  let addedInBatch: string[] = [];
  let heldForGrace = 0;
  let latestReceivedAt = 0;

  /**
   * Reads back the keys of the events stored recently enough that their signature can still verify at `nowMs`
   * with `graceSeconds`: received at most the largest stamp ahead plus the grace ago (events_received_at).
   */
  function holdStoredSignatures(nowMs: number, graceSeconds: number): void {
    const since = nowMs - (SIGNATURE_MAX_FUTURE_SECONDS + graceSeconds) * 1000;
    for (const row of recentSignatures.iterate(since)) {
      const validUntilMs = (signatureKeySeconds(row.signature_key) + graceSeconds) * 1000;
      if (validUntilMs < nowMs) continue;
      // Rows come in id order: the first event stored with a key keeps it; a larger grace lengthens its life.
      const earlier = held.get(row.signature_key);
      if (earlier === undefined) held.set(row.signature_key, { eventId: row.id, validUntilMs });
      else earlier.validUntilMs = Math.max(earlier.validUntilMs, validUntilMs);
    }
    heldForGrace = Math.max(heldForGrace, graceSeconds);
  }

  function pruneExpired(nowMs: number): void {
    for (const [key, h] of held) {
      if (h.validUntilMs + EXPIRED_KEY_KEPT_MS >= nowMs) break;
      held.delete(key);
    }
  }

  /**
   * The id of the stored event that first carried this key, if its signature was still valid when `e` was
   * received: `e` is then its forged variant. Otherwise `e` (to be stored as `id`) now holds the key.
   */
  function variantOrigin(e: EventRow, key: string, id: number): number | undefined {
    const graceSeconds = e.signatureGraceSeconds ?? OPENING_GRACE_SECONDS;
    if (graceSeconds > heldForGrace) holdStoredSignatures(e.receivedAt, graceSeconds);
    const earlier = held.get(key);
    if (earlier !== undefined && e.receivedAt <= earlier.validUntilMs) return earlier.eventId;
    held.delete(key);
    held.set(key, { eventId: id, validUntilMs: (signatureKeySeconds(key) + graceSeconds) * 1000 });
    addedInBatch.push(key);
    return undefined;
  }

  const opened = lastReceivedAt.get()?.at ?? null;
  if (opened !== null) holdStoredSignatures(opened, OPENING_GRACE_SECONDS);
  heldForGrace = OPENING_GRACE_SECONDS;

  function writeOne(e: EventRow, id: number): WriteOutcome {
    // One writer and one transaction: the count read here cannot change before this batch commits.
    const seq = e.fileSequence;
    const keys =
      seq?.role === "start" ? sequencedKeys(e.idemKeys, completesOf.get(seq.scope)?.completes ?? 0) : e.idemKeys;
    const claimed = keys.map((k) => claim.run(k, id).changes === 1);
    if (claimed.every(Boolean)) {
      // A signature key another stored event holds: same signed fields, different unsigned ones (README).
      const variantOf = e.signatureKey === null ? undefined : variantOrigin(e, e.signatureKey, id);
      insertEvent.run(
        id,
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
        e.authScope === "body" ? 1 : 0,
        e.authScope,
        variantOf === undefined ? null : "forged_variant",
        variantOf ?? null,
        e.signatureKey,
        e.keyIndex,
        e.valid ? 1 : 0,
        e.issuesJson,
        e.unknownFieldsJson,
        e.headersJson,
        Buffer.from(e.rawBody.buffer, e.rawBody.byteOffset, e.rawBody.byteLength),
        e.forward ? "pending" : null,
        e.forward ? e.receivedAt : null,
      );
      if (seq?.role === "complete") countComplete.run(seq.scope);
      if (variantOf === undefined) return { status: "stored", id };
      flagOriginal.run(id, variantOf);
      return { status: "stored", id, forgedVariantOf: variantOf };
    }
    // A duplicate keeps no claim of its own, so the dedupe window is measured from the stored event.
    keys.forEach((k, i) => {
      if (claimed[i]) unclaim.run(k, id);
    });
    let original: number | null = null;
    for (const k of keys) {
      const row = ownerOf.get(k);
      if (row !== undefined) {
        original = row.event_id;
        break;
      }
    }
    if (original !== null) bumpDuplicates.run(original);
    return { status: "duplicate", id: original };
  }

  const writeBatch = sqlite.transaction((events: readonly EventRow[]) => {
    for (const e of events) latestReceivedAt = Math.max(latestReceivedAt, e.receivedAt);
    pruneExpired(latestReceivedAt);
    let next = (lastId.get()?.id ?? 0) + 1;
    return events.map((e) => {
      const outcome = writeOne(e, next);
      if (outcome.status === "stored") next++;
      return outcome;
    });
  });
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

  // IMMEDIATE: the batch reads the last id before its first write, and must hold the write lock while it does.
  return {
    writeAll: (events) => {
      try {
        return writeBatch.immediate(events);
      } catch (err) {
        // Nothing of the batch was stored, so none of its keys may match a later event.
        for (const key of addedInBatch) held.delete(key);
        throw err;
      } finally {
        addedInBatch = [];
      }
    },
    rejectAll,
    heldSignatures: () => held.size,
  };
}

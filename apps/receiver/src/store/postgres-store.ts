/**
 * PostgreSQL store: the same Kysely queries as SQLite, through a pg pool. Several receivers may share one
 * database: the primary key of `event_keys` is the only arbiter of "first", and a concurrent claim of the same
 * key waits for the other transaction and then does nothing, so a duplicate is never stored twice.
 */
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrationProvider } from "./migrations.js";
import { kyselyQueries } from "./queries.js";
import type { Database } from "./schema.js";
import { type EventStore, type NewEvent, StoreBlocked, sequencedKeys, type WriteOutcome } from "./types.js";

export type PostgresStoreOptions = {
  url: string;
  /** A schema to create and use (tests give each run its own); default: the connection's search_path. */
  schema?: string | undefined;
  poolSize?: number | undefined;
  /**
   * Longest wait of any one write statement, lock or connection (ms, default 3000). The group committer bounds a
   * whole write the same way; this makes the database give up too, so a blocked write frees its connection.
   */
  storeWaitMs?: number | undefined;
};

export const DEFAULT_STORE_WAIT_MS = 3000;
/** How long the readiness probe waits for the lock every write needs. */
const PROBE_LOCK_WAIT_MS = 500;

/**
 * SQLSTATE classes that refuse a row for what it holds, whatever the moment: 22 data exception (a NUL in text,
 * a value out of range), 23 integrity constraint violation, 54 program limit exceeded. Retrying such a row
 * fails again; anything else (connection, timeout, deadlock, shutdown) may pass on a retry.
 */
const REFUSED_ROW = /^(22|23|54)/;
const isRefusedRow = (err: unknown): boolean =>
  typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "string"
    ? REFUSED_ROW.test((err as { code: string }).code)
    : false;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * Batches the group committer may have in flight at once, each in its own transaction on its own pooled
 * connection, so the next batch is written while the last one waits for its commit's WAL flush. Safe for the
 * same reason several receivers on one database are: the key claims and the counter locks decide, whatever the
 * order in which the transactions commit. 3 measured 27–54% more events/s than 1 (BENCHMARKS.md, fourth pass).
 */
const PIPELINE_DEPTH = 3;

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<EventStore> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new TypeError(`openPostgresStore: invalid schema name ${JSON.stringify(opts.schema)}`);
  }
  const poolSize = opts.poolSize ?? 8;
  const storeWaitMs = opts.storeWaitMs ?? DEFAULT_STORE_WAIT_MS;
  if (!Number.isSafeInteger(storeWaitMs) || storeWaitMs < 1) {
    throw new TypeError(`openPostgresStore: invalid storeWaitMs ${storeWaitMs}`);
  }
  const searchPath = opts.schema === undefined ? {} : { options: `-c search_path=${opts.schema}` };
  // Reads, migrations and the forwarder: no statement bound, since a long scan or migration is legitimate.
  const pool = new pg.Pool({ connectionString: opts.url, max: poolSize, ...searchPath });
  const pipelineDepth = Math.max(1, Math.min(PIPELINE_DEPTH, poolSize - 1));
  // Event and rejection writes: a locked table or a stalled server must not hold a delivery past the vendor's
  // timeout (issue 15, item 6), so every statement, every lock and every connection wait is bounded. One more
  // connection than the pipeline takes, for the rejections.
  const writePool = new pg.Pool({
    connectionString: opts.url,
    max: pipelineDepth + 1,
    ...searchPath,
    statement_timeout: storeWaitMs,
    lock_timeout: storeWaitMs,
    connectionTimeoutMillis: storeWaitMs,
  });
  // Without a listener an idle client's network error would crash the process; queries still report theirs.
  pool.on("error", () => {});
  writePool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const writeDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: writePool }) });
  try {
    if (opts.schema !== undefined) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(opts.schema)}`.execute(db);
    // Kysely looks for its migration tables in every schema unless told which one; another app's (or another
    // test run's) kysely_migration elsewhere would then hide ours. Pin it to the schema the tables go into.
    const current = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
    const migrationTableSchema = opts.schema ?? current.rows[0]?.schema ?? "public";
    const { error } = await new Migrator({
      db,
      provider: migrationProvider("postgres"),
      migrationTableSchema,
    }).migrateToLatest();
    if (error !== undefined) throw error;
  } catch (err) {
    await db.destroy();
    await writeDb.destroy();
    throw err;
  }

  const toRow = (e: NewEvent, key: string) => ({
    vendor: e.vendor,
    idem_key: key,
    received_at: e.receivedAt,
    event_type: e.eventType,
    domain: e.domain,
    app: e.app,
    stream: e.stream,
    session_key: e.sessionKey,
    file_key: e.fileKey,
    event_time: e.eventTime,
    body_authenticated: e.authScope === "body" ? 1 : 0,
    auth_scope: e.authScope,
    key_index: e.keyIndex,
    valid: e.valid ? 1 : 0,
    issues: JSON.stringify(e.issues),
    unknown_fields: JSON.stringify(e.unknownFields),
    headers: JSON.stringify(e.headers),
    raw_body: Buffer.from(e.rawBody.buffer, e.rawBody.byteOffset, e.rawBody.byteLength),
    forward_state: e.forward ? "pending" : null,
    forward_next_at: e.forward ? e.receivedAt : null,
  });

  /**
   * Claims keys; a key another transaction holds makes this wait for it, then do nothing. Sorted, so two
   * instances claiming overlapping keys lock them in the same order and cannot deadlock.
   */
  async function claim(trx: Kysely<Database>, keys: Iterable<string>): Promise<Set<string>> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return new Set();
    const claimed = await trx
      .insertInto("event_keys")
      .values(sorted.map((key) => ({ key, event_id: null })))
      .onConflict((oc) => oc.doNothing())
      .returning("key")
      .execute();
    return new Set(claimed.map((r) => r.key));
  }

  /**
   * Claims the signature keys of new events (README "Body authentication"). A key another transaction holds makes
   * this wait for it and then do nothing, as with event keys, so two instances storing variants of one signature
   * at once still see each other. Returns, for each new event that found its key taken, the holder's id; both are
   * flagged as forged variants. Runs before duplicates are counted, so the only row locks it can wait for belong to
   * transactions that take no signature key after them.
   */
  async function claimSignatures(
    trx: Kysely<Database>,
    claims: readonly { signature: string; id: number }[],
  ): Promise<Map<number, number>> {
    const variantOf = new Map<number, number>();
    if (claims.length === 0) return variantOf;
    const sorted = [...claims].sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
    const won = await trx
      .insertInto("event_signatures")
      .values(sorted.map((c) => ({ signature: c.signature, event_id: c.id })))
      .onConflict((oc) => oc.doNothing())
      .returning(["signature", "event_id"])
      .execute();
    const holder = new Map(won.map((r) => [r.signature, Number(r.event_id)]));
    const lost = sorted.filter((c) => holder.get(c.signature) !== c.id);
    if (lost.length === 0) return variantOf;
    const missing = [...new Set(lost.map((c) => c.signature))].filter((sig) => !holder.has(sig));
    if (missing.length > 0) {
      const rows = await trx
        .selectFrom("event_signatures")
        .select(["signature", "event_id"])
        .where("signature", "in", missing)
        .execute();
      for (const r of rows) holder.set(r.signature, Number(r.event_id));
    }
    // Each flagged row once, in id order; a row keeps the first other event it was flagged with.
    const flags = new Map<number, number>();
    for (const c of lost) {
      const original = holder.get(c.signature);
      if (original === undefined) continue;
      variantOf.set(c.id, original);
      flags.set(c.id, original);
      if (!flags.has(original)) flags.set(original, c.id);
    }
    if (flags.size === 0) return variantOf;
    const values = [...flags].sort(([a], [b]) => a - b).map(([id, other]) => sql`(${id}::bigint, ${other}::bigint)`);
    await sql`UPDATE events SET anomaly = 'forged_variant', anomaly_event_id = coalesce(events.anomaly_event_id, v.other)
      FROM (VALUES ${sql.join(values)}) AS v(id, other) WHERE events.id = v.id`.execute(trx);
    return variantOf;
  }

  /**
   * A whole batch in a handful of statements, whatever its size (one round trip each matters more than anything
   * else here). The outcome is the same as writing the events one by one in input order, as SQLite does.
   * Locks are always taken in one order, so concurrent instances cannot deadlock: file-sequence rows (sorted),
   * then the keys of ordinary events (sorted), then the keys of sequenced file starts (sorted; they end in
   * `:c<n>`, so the two sets of keys never overlap).
   */
  async function writeAll(trx: Kysely<Database>, events: readonly NewEvent[]): Promise<WriteOutcome[]> {
    // 0. Lock the completion counters this batch reads or bumps and read them, in the same transaction: a
    //    completion committed by another instance meanwhile is waited for and then seen.
    const scopes = [...new Set(events.flatMap((e) => (e.fileSequence ? [e.fileSequence.scope] : [])))].sort();
    const counts = new Map<string, number>();
    if (scopes.length > 0) {
      const rows = await trx
        .insertInto("file_sequences")
        .values(scopes.map((scope) => ({ scope, completes: 0 })))
        .onConflict((oc) => oc.column("scope").doUpdateSet({ completes: sql`file_sequences.completes` }))
        .returning(["scope", "completes"])
        .execute();
      for (const r of rows) counts.set(r.scope, Number(r.completes));
    }
    const initial = new Map(counts);

    const keysOf = events.map((e) => e.idemKeys);
    const isNew = events.map(() => false);
    const leftover = new Set<string>();
    const decide = (indices: readonly number[], available: Set<string>) => {
      for (const i of indices) {
        const keys = keysOf[i] as string[];
        if (!keys.every((k) => available.has(k))) continue;
        for (const k of keys) available.delete(k);
        isNew[i] = true;
      }
      for (const k of available) leftover.add(k);
    };
    const isStart = (e: NewEvent) => e.fileSequence?.role === "start";
    const all = events.map((_, i) => i);

    // 1. Claim the keys of every event except sequenced file starts.
    const plain = all.filter((i) => !isStart(events[i] as NewEvent));
    decide(
      plain,
      await claim(
        trx,
        plain.flatMap((i) => keysOf[i] as string[]),
      ),
    );
    // 1b. Sequenced starts: their keys carry the completions stored before them, in input order.
    const starts = all.filter((i) => isStart(events[i] as NewEvent));
    if (scopes.length > 0) {
      events.forEach((e, i) => {
        const seq = e.fileSequence;
        if (seq === undefined) return;
        const n = counts.get(seq.scope) ?? 0;
        if (seq.role === "start") keysOf[i] = sequencedKeys(e.idemKeys, n);
        else if (isNew[i]) counts.set(seq.scope, n + 1);
      });
      decide(
        starts,
        await claim(
          trx,
          starts.flatMap((i) => keysOf[i] as string[]),
        ),
      );
    }

    // 2. Insert the new events, 3. bind their claims to their ids.
    const fresh = all.filter((i) => isNew[i]);
    const ids = new Map<string, number>();
    if (fresh.length > 0) {
      const rows = await trx
        .insertInto("events")
        .values(fresh.map((i) => toRow(events[i] as NewEvent, (keysOf[i] as string[])[0] as string)))
        .returning(["id", "idem_key"])
        .execute();
      for (const r of rows) ids.set(r.idem_key, Number(r.id));
      const pairs = fresh.flatMap((i) => {
        const keys = keysOf[i] as string[];
        return keys.map((k) => sql`(${k}, ${ids.get(keys[0] as string)}::bigint)`);
      });
      await sql`UPDATE event_keys SET event_id = v.id FROM (VALUES ${sql.join(pairs)}) AS v(key, id)
        WHERE event_keys.key = v.key`.execute(trx);
    }
    const variantOf = await claimSignatures(
      trx,
      fresh.flatMap((i) => {
        const signature = (events[i] as NewEvent).signatureKey;
        const id = ids.get((keysOf[i] as string[])[0] as string);
        return signature === null || id === undefined ? [] : [{ signature, id }];
      }),
    );
    const bumped = [...counts].filter(([scope, n]) => initial.get(scope) !== n);
    if (bumped.length > 0) {
      const values = bumped.map(([scope, n]) => sql`(${scope}, ${n}::bigint)`);
      await sql`UPDATE file_sequences SET completes = v.n FROM (VALUES ${sql.join(values)}) AS v(scope, n)
        WHERE file_sequences.scope = v.scope`.execute(trx);
    }
    // 4. A duplicate keeps no claim of its own, so the dedupe window is measured from the stored event.
    if (leftover.size > 0) {
      await trx
        .deleteFrom("event_keys")
        .where("key", "in", [...leftover])
        .where("event_id", "is", null)
        .execute();
    }
    // 5. Find the original of each duplicate and count the redelivery on it.
    const dupKeys = [...new Set(all.filter((i) => !isNew[i]).flatMap((i) => keysOf[i] as string[]))];
    const owners = new Map<string, number>();
    if (dupKeys.length > 0) {
      const rows = await trx
        .selectFrom("event_keys")
        .select(["key", "event_id"])
        .where("key", "in", dupKeys)
        .where("event_id", "is not", null)
        .execute();
      for (const r of rows) if (r.event_id !== null) owners.set(r.key, Number(r.event_id));
    }
    const bumps = new Map<number, number>();
    const outcomes = all.map((i): WriteOutcome => {
      const keys = keysOf[i] as string[];
      if (isNew[i]) {
        const id = ids.get(keys[0] as string) as number;
        const original = variantOf.get(id);
        return original === undefined ? { status: "stored", id } : { status: "stored", id, forgedVariantOf: original };
      }
      const owner = keys.map((k) => owners.get(k)).find((id) => id !== undefined) ?? null;
      if (owner !== null) bumps.set(owner, (bumps.get(owner) ?? 0) + 1);
      return { status: "duplicate", id: owner };
    });
    if (bumps.size > 0) {
      const values = [...bumps].map(([id, n]) => sql`(${id}::bigint, ${n}::int)`);
      await sql`UPDATE events SET duplicates = events.duplicates + v.n FROM (VALUES ${sql.join(values)}) AS v(id, n)
        WHERE events.id = v.id`.execute(trx);
    }
    return outcomes;
  }

  /**
   * The batch again, each event behind a savepoint: a row the database refuses is rolled back alone and answered
   * `refused`, and its batch-mates are stored and acknowledged (issue 15, item 1: one event used to fail its whole
   * batch). Only after a refusal, so the common path keeps its few statements per batch. Events go one by one
   * here, so their keys are not locked in one sorted order; a deadlock with another instance is reported like
   * any other (503, and the vendor retries), never stored wrong.
   */
  async function writeIsolated(trx: Kysely<Database>, events: readonly NewEvent[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = [];
    for (const event of events) {
      await sql`SAVEPOINT livehook_event`.execute(trx);
      try {
        outcomes.push(...(await writeAll(trx, [event])));
        await sql`RELEASE SAVEPOINT livehook_event`.execute(trx);
      } catch (err) {
        if (!isRefusedRow(err)) throw err;
        await sql`ROLLBACK TO SAVEPOINT livehook_event`.execute(trx);
        outcomes.push({ status: "refused", id: null, reason: `sqlstate ${(err as { code: string }).code}` });
      }
    }
    return outcomes;
  }

  return {
    kind: "postgres",
    pipelineDepth,
    writeBatch: async (events) => {
      if (events.length === 0) return [];
      try {
        return await writeDb.transaction().execute((trx) => writeAll(trx, events));
      } catch (err) {
        if (!isRefusedRow(err)) throw err;
        return writeDb.transaction().execute((trx) => writeIsolated(trx, events));
      }
    },
    recordRejections: async (rejections, keepPerVendor) => {
      if (rejections.length === 0) return;
      await writeDb.transaction().execute(async (trx) => {
        await trx
          .insertInto("rejections")
          .values(
            rejections.map((r) => ({
              vendor: r.vendor,
              received_at: r.receivedAt,
              reason: r.reason,
              status: r.status,
              headers: JSON.stringify(r.headers),
              raw_body: Buffer.from(r.rawBody.buffer, r.rawBody.byteOffset, r.rawBody.byteLength),
            })),
          )
          .execute();
        for (const vendor of new Set(rejections.map((r) => r.vendor))) {
          await sql`DELETE FROM rejections WHERE vendor = ${vendor} AND id <= (
            SELECT id FROM rejections WHERE vendor = ${vendor} ORDER BY id DESC LIMIT 1 OFFSET ${keepPerVendor})`.execute(
            trx,
          );
        }
      });
    },
    ...kyselyQueries(db),
    // A write probe: `SELECT 1` passes while a table is locked and every write waits. This takes, briefly and
    // then rolls back, the lock each insert takes; it conflicts only with table locks such as LOCK TABLE or DDL.
    ping: async () => {
      await db
        .transaction()
        .execute(async (trx) => {
          await sql`SET LOCAL lock_timeout = ${sql.lit(`${Math.min(PROBE_LOCK_WAIT_MS, storeWaitMs)}ms`)}`.execute(trx);
          await sql`LOCK TABLE events, event_keys IN ROW EXCLUSIVE MODE`.execute(trx);
        })
        .catch((err: unknown) => {
          // 55P03 lock_not_available: the server answers, but a write would wait.
          if ((err as { code?: unknown }).code === "55P03") throw new StoreBlocked("a write lock is held elsewhere");
          throw err;
        });
    },
    close: async () => {
      await writeDb.destroy();
      await db.destroy();
    },
  };
}

/** Drops a schema created for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`dropPostgresSchema: invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The same suite against the real PostgreSQL (127.0.0.1:5432 in CI). Never skipped: a missing server is a
 * failure. Each store gets its own schema, dropped afterwards, so parallel runs cannot collide.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, test } from "vitest";
import { GroupCommitter } from "../group-commit.js";
import { DEFAULT_PIPELINE_DEPTH, dropPostgresSchema, openPostgresStore } from "./postgres-store.js";
import { newEvent, signedAtT0, storeSuite } from "./store.suite.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schemaName = () => `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;

storeSuite("PostgreSQL", async () => {
  const schema = schemaName();
  return {
    store: await openPostgresStore({ url: DATABASE_URL, schema }),
    cleanup: () => dropPostgresSchema(DATABASE_URL, schema),
  };
});

test("two stores on one database racing on the same keys store each event once", async () => {
  const schema = schemaName();
  const a = await openPostgresStore({ url: DATABASE_URL, schema });
  const b = await openPostgresStore({ url: DATABASE_URL, schema });
  try {
    const keys = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    // Each store writes every key, in batches of different composition and order.
    const batchesA = [keys.slice(0, 20), keys.slice(20)].map((ks) => ks.map((k) => newEvent({ idemKeys: [k] })));
    const batchesB = [[...keys].reverse().slice(0, 25), [...keys].reverse().slice(25)].map((ks) =>
      ks.map((k) => newEvent({ idemKeys: [k] })),
    );
    const results = await Promise.all([
      ...batchesA.map((batch) => a.writeBatch(batch)),
      ...batchesB.map((batch) => b.writeBatch(batch)),
    ]);
    const stored = results.flat().filter((o) => o.status === "stored").length;
    expect(stored).toBe(40);
    expect(await a.countEvents()).toBe(40);
  } finally {
    await a.close();
    await b.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

test("two stores flagging forged variants and counting redeliveries on the same stored rows never deadlock", async () => {
  const schema = schemaName();
  const a = await openPostgresStore({ url: DATABASE_URL, schema });
  const b = await openPostgresStore({ url: DATABASE_URL, schema });
  try {
    // 20 stored events, each with its own idempotency key and signature key; ids in input order.
    const original = (i: number) => ({ idemKeys: [`orig-${i}`], ...signedAtT0(i.toString(16).padStart(32, "0")) });
    const stored = await a.writeBatch(Array.from({ length: 20 }, (_, i) => newEvent(original(i))));
    const idOf = stored.map((o) => o.id as number);
    // A batch flags the holders of one half (a new event under a stored signature key) and counts redeliveries on
    // the other half; the other store's batch does the reverse. Both update rows of both halves, which each would
    // lock in the opposite order if variants and redeliveries were locked separately.
    const variant = (i: number, round: number) =>
      newEvent({
        idemKeys: [`variant-${round}-${i}`],
        signatureKey: original(i).signatureKey,
        signatureGraceSeconds: 300,
      });
    const redelivery = (i: number) => newEvent(original(i));
    const low = Array.from({ length: 10 }, (_, i) => i);
    const high = low.map((i) => i + 10);
    const rounds = 8;
    const outcomes = await Promise.all(
      Array.from({ length: rounds }, (_, round) => [
        a.writeBatch([...high.map((i) => variant(i, round)), ...low.map(redelivery)]),
        b.writeBatch([...low.map((i) => variant(i, round)), ...high.map(redelivery)]),
      ]).flat(),
    );
    outcomes.forEach((batch, n) => {
      const redelivered = n % 2 === 0 ? low : high;
      expect(batch.slice(0, 10).every((o) => o.status === "stored")).toBe(true);
      expect(batch.slice(10)).toEqual(redelivered.map((i) => ({ status: "duplicate", id: idOf[i] })));
    });
    for (const i of [...low, ...high]) {
      const event = await a.getEvent(idOf[i] as number);
      expect(event?.duplicates).toBe(rounds);
      expect(event?.anomaly?.kind).toBe("forged_variant");
    }
  } finally {
    await a.close();
    await b.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

test("the group committer keeps several transactions in flight and still stores each event once", async () => {
  const schema = schemaName();
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  try {
    expect(store.pipelineDepth).toBe(DEFAULT_PIPELINE_DEPTH);
    expect(DEFAULT_PIPELINE_DEPTH).toBeGreaterThan(1);
    // Batches of 4 flush at once, so up to three transactions overlap; every key arrives twice, in different ones.
    const committer = new GroupCommitter(store, { maxBatch: 4 });
    const keys = Array.from({ length: 30 }, (_, i) => `pipelined-${i}`);
    const order = [...keys, ...[...keys].reverse()];
    const outcomes = await Promise.all(order.map((k) => committer.submit(newEvent({ idemKeys: [k] }))));
    const idOf = new Map<string, number>();
    order.forEach((k, i) => {
      const o = outcomes[i];
      if (o?.status === "stored") {
        expect(idOf.has(k)).toBe(false);
        idOf.set(k, o.id);
      }
    });
    expect(idOf.size).toBe(30);
    order.forEach((k, i) => {
      const o = outcomes[i];
      if (o?.status === "duplicate") expect(o.id).toBe(idOf.get(k));
    });
    expect(await store.countEvents()).toBe(30);
  } finally {
    await store.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

test("two stores counting completions concurrently lose no count, so a start after them all is new", async () => {
  const schema = schemaName();
  const a = await openPostgresStore({ url: DATABASE_URL, schema });
  const b = await openPostgresStore({ url: DATABASE_URL, schema });
  try {
    const scope = "race-job:HLS";
    const start = () => newEvent({ idemKeys: ["race-start:w0"], fileSequence: { scope, role: "start" } });
    expect((await a.writeBatch([start()]))[0]?.status).toBe("stored");
    // 30 distinct completions of one job from two instances at once, and file starts racing with them.
    const writes = Array.from({ length: 30 }, (_, i) =>
      (i % 2 === 0 ? a : b).writeBatch([
        newEvent({ idemKeys: [`race-c${i}`], fileSequence: { scope, role: "complete" } }),
      ]),
    );
    const racingStarts = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? b : a).writeBatch([start()]));
    const outcomes = (await Promise.all([...writes, ...racingStarts])).flat();
    expect(outcomes.slice(0, 30).every((o) => o.status === "stored")).toBe(true);
    // Each racing start read some count between 0 and 30 while holding the job's row, and each count admits one
    // start. Had two instances lost an update, the counter would end below 30 and no start would carry c30.
    await b.writeBatch([start()]);
    const after = await a.writeBatch([start()]);
    const stored = await a.listEvents({ limit: 100 });
    const startKeys = (await Promise.all(stored.map((e) => a.getEvent(e.id))))
      .map((e) => e?.idemKey ?? "")
      .filter((k) => k.startsWith("race-start"));
    expect(new Set(startKeys).size).toBe(startKeys.length);
    expect(startKeys).toContain("race-start:w0:c30");
    expect(after[0]?.status).toBe("duplicate");
  } finally {
    await a.close();
    await b.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

test("migrates its own schema even when another schema already has Kysely's migration tables", async () => {
  const first = schemaName();
  const second = schemaName();
  const a = await openPostgresStore({ url: DATABASE_URL, schema: first });
  try {
    const b = await openPostgresStore({ url: DATABASE_URL, schema: second });
    expect((await b.writeBatch([newEvent({ idemKeys: ["own-schema"] })]))[0]?.status).toBe("stored");
    expect(await a.countEvents()).toBe(0);
    await b.close();
  } finally {
    await a.close();
    await dropPostgresSchema(DATABASE_URL, first);
    await dropPostgresSchema(DATABASE_URL, second);
  }
});

test("a row PostgreSQL refuses is refused alone: its batch-mates are stored, and the next batch is unaffected", async () => {
  const schema = schemaName();
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  try {
    // Straight to the store, past the receiver's own clean-up of derived text: text columns refuse NUL.
    const outcomes = await store.writeBatch([
      newEvent({ idemKeys: ["mate-1"] }),
      newEvent({ idemKeys: ["poison"], sessionKey: "t\u0000" }),
      newEvent({ idemKeys: ["mate-1"] }),
      newEvent({ idemKeys: ["mate-2"], fileSequence: { scope: "job:HLS", role: "complete" } }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["stored", "refused", "duplicate", "stored"]);
    expect(outcomes[1]).toEqual({ status: "refused", id: null, reason: "sqlstate 22021" });
    expect(outcomes[2]?.id).toBe(outcomes[0]?.id);
    expect(await store.countEvents()).toBe(2);
    // The refused event's key was rolled back with it, so a clean retry of it is stored.
    expect((await store.writeBatch([newEvent({ idemKeys: ["poison"] })]))[0]?.status).toBe("stored");
    // The completion counted once despite the detour through savepoints.
    const start = newEvent({ idemKeys: ["st:w0"], fileSequence: { scope: "job:HLS", role: "start" } });
    const [s] = await store.writeBatch([start]);
    expect((await store.getEvent(s?.id ?? 0))?.idemKey).toBe("st:w0:c1");
  } finally {
    await store.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

test("receivers claiming the outbox at once never take the same event (FOR UPDATE SKIP LOCKED)", async () => {
  const schema = schemaName();
  const stores = [];
  for (let i = 0; i < 3; i++) stores.push(await openPostgresStore({ url: DATABASE_URL, schema }));
  try {
    const ids = (
      await (stores[0] as (typeof stores)[0]).writeBatch(
        Array.from({ length: 300 }, (_, i) => newEvent({ forward: true, idemKeys: [`claim-${i}`] })),
      )
    ).map((o) => o.id);
    const now = Date.parse("2026-03-01T00:00:00Z");
    // Each store claims in small batches until nothing is left, all three at the same time.
    const claimed = await Promise.all(
      stores.map(async (store) => {
        const mine: number[] = [];
        for (;;) {
          const tasks = await store.claimForwards(now, 30_000, 7);
          if (tasks.length === 0) return mine;
          mine.push(...tasks.map((t) => t.id));
        }
      }),
    );
    const all = claimed.flat();
    expect(all.length).toBe(300);
    expect(new Set(all)).toEqual(new Set(ids));
  } finally {
    for (const store of stores) await store.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

test("the write function leaves an event in the outbox's columns as the per-row insert did, and 0008 follows 0007 (0009 to 0011 after it)", async () => {
  const schema = schemaName();
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const [queued, plain] = await store.writeBatch([
      newEvent({ forward: true, idemKeys: ["outbox-columns-queued"], receivedAt: 1_700_000_000_123 }),
      newEvent({ forward: false, idemKeys: ["outbox-columns-plain"] }),
    ]);
    const { rows } = await client.query(
      `SELECT id::int AS id, forward_state, forward_next_at::bigint::text AS next_at, forward_attempts,
              forward_error, forward_done
         FROM "${schema}".events ORDER BY id`,
    );
    // What migration 0007's outbox expects of a new event (the columns the earlier insert path set, nothing more).
    expect(rows).toEqual([
      {
        id: queued?.id,
        forward_state: "pending",
        next_at: "1700000000123",
        forward_attempts: 0,
        forward_error: null,
        forward_done: null,
      },
      {
        id: plain?.id,
        forward_state: null,
        next_at: null,
        forward_attempts: 0,
        forward_error: null,
        forward_done: null,
      },
    ]);
    const [task] = await store.claimForwards(1_700_000_000_123, 1000, 10);
    expect(task).toMatchObject({ id: queued?.id, attempts: 0, done: [], idemKey: "outbox-columns-queued" });
    const migrations = await client.query(`SELECT name FROM "${schema}".kysely_migration ORDER BY name`);
    expect(migrations.rows.map((r: { name: string }) => r.name).slice(-5)).toEqual([
      "0007_forward_done",
      "0008_write_events_function",
      "0009_write_events_generic_plans",
      "0010_write_events_ids_first",
      "0011_notices_while_listened",
    ]);
    // 0009: the write function plans its statements once per connection (postgres-generic-plans.ts); 0010's
    // replacement keeps the setting.
    const config = await client.query(
      `SELECT p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proname = 'livehook_write_events'`,
      [schema],
    );
    expect(config.rows).toEqual([{ proconfig: ["plan_cache_mode=force_generic_plan"] }]);
  } finally {
    await client.end();
    await store.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

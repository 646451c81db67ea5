/**
 * Migration 0011: writes announce their ids only while a receiver listens, and a new listener misses nothing that
 * a write which did not notify commits (postgres-notices-wanted.ts). Against the real PostgreSQL, never skipped.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { dropPostgresSchema, eventsChannel, openPostgresStore } from "./postgres-store.js";
import { newEvent } from "./store.suite.js";
import type { CommitNotice, EventStore } from "./types.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `livehook_test_notices_${process.pid}_${randomBytes(4).toString("hex")}`;
const channel = eventsChannel(schema);
let store: EventStore;
/** A plain LISTEN on the channel, holding no listen slot: it hears exactly what the writes announce. */
const overhearer = new pg.Client({ connectionString: DATABASE_URL });
const overheard: string[] = [];
/** Another session, for transactions held open and for looking at pg_locks. */
const other = new pg.Client({ connectionString: DATABASE_URL });

beforeAll(async () => {
  store = await openPostgresStore({ url: DATABASE_URL, schema });
  await overhearer.connect();
  overhearer.on("notification", (msg) => {
    if (msg.channel === channel) overheard.push(msg.payload ?? "");
  });
  await overhearer.query(`LISTEN "${channel}"`);
  await other.connect();
  await other.query(`SET search_path = ${schema}`);
});

afterAll(async () => {
  await store.close();
  await overhearer.end();
  await other.end();
  await dropPostgresSchema(DATABASE_URL, schema);
});

const until = async (done: () => boolean | Promise<boolean>, what: string) => {
  const deadline = Date.now() + 5000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** Advisory locks on this channel's listen slots (1000-1063), one row per holder or waiter of each. */
const slotLocks = async () =>
  (
    await other.query<{ slot: number; mode: string; granted: boolean }>(
      `SELECT objid::int AS slot, mode, granted FROM pg_locks
       WHERE locktype = 'advisory' AND classid = hashtext($1)::oid AND objsubid = 2 ORDER BY objid, granted`,
      [channel],
    )
  ).rows;
const allSlotsShared = Array.from({ length: 64 }, (_, i) => ({ slot: 1000 + i, mode: "ShareLock", granted: true }));

const write = async (key: string) => {
  const [outcome] = await store.writeBatch([newEvent({ idemKeys: [key] })]);
  expect(outcome?.status).toBe("stored");
  return String(outcome?.id);
};

const watch = () => {
  const notices: CommitNotice[] = [];
  const unwatch = (store.watchCommits as NonNullable<EventStore["watchCommits"]>)((n) => notices.push(n));
  return { notices, unwatch };
};

test("a write announces its ids only while a receiver listens, and a watch starts with a resync", async () => {
  const quiet = await write("unheard-1");

  const first = watch();
  await until(() => first.notices.some((n) => n.kind === "resync"), "the resync");
  expect(await slotLocks()).toEqual(allSlotsShared);
  const heard = await write("heard-1");
  await until(() => first.notices.some((n) => n.kind === "committed"), "the notice");
  expect(first.notices).toEqual([{ kind: "resync" }, { kind: "committed", ids: [Number(heard)] }]);

  // Notifications arrive in commit order: the first anyone heard is the write made while the slots were held.
  await until(() => overheard.length > 0, "the overheard notice");
  expect(overheard).toEqual([heard]);
  expect(overheard).not.toContain(quiet);

  // The last watcher gone, the slots are released and writes are silent again.
  first.unwatch();
  await until(async () => (await slotLocks()).length === 0, "the slots to be released");
  await write("unheard-2");
  const second = watch();
  await until(() => second.notices.some((n) => n.kind === "resync"), "the second resync");
  const heardAgain = await write("heard-2");
  await until(() => overheard.length > 1, "the second overheard notice");
  expect(overheard).toEqual([heard, heardAgain]);
  second.unwatch();
  await until(async () => (await slotLocks()).length === 0, "the slots to be released again");
});

test("a new listener says resync only after every write that did not notify has committed", async () => {
  // A write transaction that looked (no listener yet: it took its slot) and has not committed.
  await other.query("BEGIN");
  const looked = await other.query<{ wanted: boolean; slot: number }>(
    "SELECT livehook_notices_wanted($1) AS wanted, 1000 + pg_backend_pid() % 64 AS slot",
    [channel],
  );
  expect(looked.rows[0]?.wanted).toBe(false);
  const slot = looked.rows[0]?.slot as number;

  const late = watch();
  // The listener holds the slots before that one and waits for that one.
  await until(
    async () => (await slotLocks()).some((l) => l.slot === slot && l.mode === "ShareLock" && !l.granted),
    "the listener to wait for the write's slot",
  );
  expect(late.notices).toEqual([]);
  expect((await slotLocks()).filter((l) => l.slot < slot && l.granted)).toHaveLength(slot - 1000);

  await other.query("COMMIT");
  await until(() => late.notices.length > 0, "the resync");
  expect(late.notices).toEqual([{ kind: "resync" }]);
  expect(await slotLocks()).toEqual(allSlotsShared);
  // Every write from now on announces its ids, whichever slot it tries.
  const now = await other.query<{ wanted: boolean }>("SELECT livehook_notices_wanted($1) AS wanted", [channel]);
  expect(now.rows[0]?.wanted).toBe(true);
  late.unwatch();
  await until(async () => (await slotLocks()).length === 0, "the slots to be released");
});

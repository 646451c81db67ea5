/**
 * PostgreSQL's work per stored event, without HTTP: the PostgreSQL store's writeBatch called directly with the
 * events the receiver would hand it (distinct signed Huawei Live completions, captured from processCallback), in
 * batches of --batch events, --depth batches in flight, about --duplicates of the events a redelivery of one sent
 * before. Each run writes into a fresh schema for --seconds after a one-second warm-up, and reports events/s and
 * the CPU per event of every postgres process (user + system time from /proc, so also the WAL writer and the
 * checkpointer), of this run's own backends alone, and of this Node process.
 *
 *   npx tsx bench/pg-write.bench.ts [--seconds 5] [--rounds 3] [--batch 17] [--depth 2] [--duplicates 0.05]
 *     [--stores src,/work/main/apps/receiver/dist/store/postgres-store.js]
 *
 * --stores: the modules whose openPostgresStore to run (`src` is this checkout's), alternating in each round, so
 * a change is judged against its base in the same minutes. Needs a PostgreSQL on the machine (DATABASE_URL).
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type * as PostgresStore from "../src/store/postgres-store.js";
import type { NewEvent } from "../src/store/types.js";
import { capturedEvents } from "./captured-rows.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    batch: { type: "string", default: "17" },
    depth: { type: "string", default: "2" },
    duplicates: { type: "string", default: "0.05" },
    stores: { type: "string", default: "src" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);
const DEPTH = Number(values.depth);
const DUPLICATES = Number(values.duplicates);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const APP_NAME = "livehook-pg-write-bench";
const CLOCK_TICKS = 100; // USER_HZ: /proc's times are in these.

const stores = values.stores.split(",").map((s) => s.trim());
const modules = new Map<string, typeof PostgresStore>();
for (const s of stores) {
  const path = s === "src" ? "../src/store/postgres-store.js" : resolve(s);
  modules.set(s, (await import(path)) as typeof PostgresStore);
}

/** CPU ticks of every process whose command line starts with "postgres:" (the server's children), by pid. */
function postgresTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, "latin1").startsWith("postgres:")) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

const cpuMs = (before: Map<number, number>, after: Map<number, number>, only?: Set<number>) => {
  let sum = 0;
  for (const [pid, t] of after) if (only === undefined || only.has(pid)) sum += t - (before.get(pid) ?? 0);
  return (sum * 1000) / CLOCK_TICKS;
};

/** A small seeded generator, so every store sees the same duplicates. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Result = { events: number; stored: number; pgMs: number; ownMs: number; nodeMs: number; seconds: number };

async function run(label: string, events: readonly NewEvent[]): Promise<Result> {
  const { openPostgresStore, dropPostgresSchema } = modules.get(label) as typeof PostgresStore;
  const schema = `livehook_pgbench_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = `${DATABASE_URL}${DATABASE_URL.includes("?") ? "&" : "?"}application_name=${APP_NAME}`;
  const store = await openPostgresStore({ url, schema, pipelineDepth: DEPTH });
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const next = random(42);
  let cursor = 0;
  let measuring = false;
  let written = 0;
  let stored = 0;
  let stop = false;
  const batch = (): NewEvent[] => {
    const out: NewEvent[] = [];
    for (let i = 0; i < BATCH; i++) {
      // A redelivery of an event sent earlier, else the next new one.
      const dup = cursor > 0 && next() < DUPLICATES;
      out.push(events[dup ? Math.floor(next() * cursor) : cursor++] as NewEvent);
    }
    return out;
  };
  const worker = async () => {
    while (!stop && cursor + BATCH <= events.length) {
      const outcomes = await store.writeBatch(batch());
      if (!measuring) continue;
      written += outcomes.length;
      stored += outcomes.filter((o) => o.status === "stored").length;
    }
  };
  const workers = Array.from({ length: DEPTH }, worker);
  await new Promise((r) => setTimeout(r, 1000));
  const own = new Set(
    (
      await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [APP_NAME])
    ).rows.map((r) => r.pid),
  );
  const pgBefore = postgresTicks();
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  const pgAfter = postgresTicks();
  stop = true;
  await Promise.all(workers);
  if (cursor + BATCH > events.length) console.log(`  (${label}: ran out of events; raise the capture)`);
  await admin.end();
  await store.close();
  await dropPostgresSchema(DATABASE_URL, schema);
  return {
    events: written,
    stored,
    pgMs: cpuMs(pgBefore, pgAfter),
    ownMs: cpuMs(pgBefore, pgAfter, own),
    nodeMs: (node.user + node.system) / 1000,
    seconds,
  };
}

// Enough for 15 000 events/s per run; every run writes the same events into its own schema.
const events = await capturedEvents(`pg-${process.pid}`, Math.ceil((SECONDS + 1.5) * 15_000));
const perEvent = (ms: number, n: number) => ((ms * 1000) / n).toFixed(0);
console.log(`batch ${BATCH}, ${DEPTH} in flight, ${DUPLICATES * 100}% redeliveries, ${SECONDS} s per run`);
console.log("round  store  events/s  stored/s  PG µs/event (all, own backends)  Node µs/event  load");
const totals = new Map(stores.map((s) => [s, [] as Result[]]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const label of round % 2 === 1 ? stores : [...stores].reverse()) {
    const r = await run(label, events);
    totals.get(label)?.push(r);
    console.log(
      `${round}  ${label}  ${(r.events / r.seconds).toFixed(0)}  ${(r.stored / r.seconds).toFixed(0)}  ` +
        `${perEvent(r.pgMs, r.events)}, ${perEvent(r.ownMs, r.events)}  ${perEvent(r.nodeMs, r.events)}  ` +
        `${loadavg()[0]?.toFixed(1)}`,
    );
  }
}
for (const [label, rs] of totals) {
  const sum = (pick: (r: Result) => number) => rs.reduce((a, r) => a + pick(r), 0);
  const n = sum((r) => r.events);
  const rate = (n / sum((r) => r.seconds)).toFixed(0);
  const [pgAll, pgOwn, node] = [sum((r) => r.pgMs), sum((r) => r.ownMs), sum((r) => r.nodeMs)];
  console.log(
    `all  ${label}  ${rate} events/s, PG ${perEvent(pgAll, n)} µs/event (own backends ${perEvent(pgOwn, n)}), ` +
      `Node ${perEvent(node, n)} µs/event`,
  );
}

/**
 * Receiver throughput and latency at 50 connections, against a bare node:http server in the same run.
 *
 *   npx tsx bench/receiver.bench.ts [--seconds 10] [--rounds 1] [--only …] [--builds dist,OTHER] [--max-steal 2] [--constant-times] [--generator wrk|node] [--write FILE]
 *
 * Every server runs in its own child process, on 127.0.0.1. The load comes from `wrk` (a C generator, Debian
 * package `wrk`) with bench/wrk-bodies.lua, which cycles through a file of distinct Huawei Live HMAC-SHA256 events
 * signed here with core's signer before any measurement; without wrk the bench falls back to the Node generator
 * (test/load.ts) and says so. Each receiver request is then verified, validated, deduplicated and durably stored
 * before its 200. Not a timed test: figures depend on the machine.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { type LoadResult, percentile, runLoad } from "../test/load.js";
import { spawnReceiver } from "../test/spawn-receiver.js";
import { BENCH_KEY as KEY, signedBenchEvent } from "./bench-events.js";
import { cpuTicks, stealPercent } from "./steal-time.js";
import { type CpuPerEvent, cpuPerEvent, threadCpuSeconds } from "./thread-cpu.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    /**
     * Rounds, each measuring the bare server, every receiver once, and the bare server again; the table gives each
     * server's median and the median of its per-round ratio to that round's bare mean, so drift on a shared
     * machine hits both sides.
     */
    rounds: { type: "string", default: "1" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    threads: { type: "string", default: "2" },
    generator: { type: "string" },
    /** Distinct signed bodies for the measured phase (the warm-up gets its own, a fifth as many). */
    pool: { type: "string", default: "300000" },
    /** Profile every receiver with node --cpu-prof; .cpuprofile files go to DIR/<variant>/. */
    "cpu-prof": { type: "string" },
    /**
     * Give every body the same start and end time (the worst case for the time-ordered key index: the keys of
     * one commit then land at random places). By default file i ends at run start + i/1000 s.
     */
    "constant-times": { type: "boolean", default: false },
    /**
     * Comma-separated subset of: bare, full-inline, normal-inline, full-worker, normal-worker, postgres,
     * postgres-x2, postgres-x3 (two or three receiver processes on one PostgreSQL schema, wrk only).
     */
    only: { type: "string" },
    /**
     * Comma-separated build directories (relative to apps/receiver, each holding a built main.js), to compare
     * changes in one run: every selected receiver runs once per build in each round, in alternating order, and
     * its rows are labelled with the directory. Default: dist.
     */
    builds: { type: "string", default: "dist" },
    /**
     * A round counts as quiet when the hypervisor stole less than this share (per cent) of the vCPUs' time in
     * every one of its runs; the bench then also gives each server's median share over the quiet rounds alone.
     */
    "max-steal": { type: "string", default: "2" },
    write: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const THREADS = Number(values.threads);
const POOL = Number(values.pool);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const WRK_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "wrk-bodies.lua");
const PATH = "/hooks/huawei-live";

/** Nearest-rank median: the middle round for an odd count, as in the tables of BENCHMARKS.md. */
const median = (xs: number[]) => percentile(xs, 50);

const hasWrk = spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
if (values.generator === "wrk" && !hasWrk)
  throw new Error("--generator wrk: wrk is not installed (apt-get install wrk)");
const generator = values.generator === "node" || !hasWrk ? "node" : "wrk";
if (!hasWrk && values.generator === undefined) {
  console.log("wrk not found (Debian: apt-get install -y wrk); falling back to the Node load generator (test/load.ts)");
}

const BARE_SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => { Buffer.concat(chunks); res.writeHead(200, { "content-type": "application/json" }); res.end('{"status":1}'); });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ msg: "livehook receiver listening", url: "http://127.0.0.1:" + server.address().port })));
`;

async function spawnBare(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", BARE_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve) => {
    child.stdout?.once("data", (d: Buffer) => resolve((JSON.parse(d.toString()) as { url: string }).url));
  });
  return { url, child };
}

const run = randomBytes(4).toString("hex");
/**
 * The bodies are signed once, before anything is measured, so the load generator spends no CPU on signing. As
 * delivered, 1000 completions are sent per second, each about when its file ends, and each is signed for its own
 * send second: `auth_timestamp` = that second + 300 s, as the vendor does (D6). With the receiver's 300 s of grace
 * after it, every body stays valid for 600 s from the start of the run. Every server gets a fresh database, so
 * the same bodies serve all.
 */
const RUN_START = Math.floor(Date.now() / 1000);
function signedBody(i: number): string {
  const sent = RUN_START + Math.floor(i / 1000);
  const end = values["constant-times"] ? Date.parse("2026-03-01T00:02:00Z") / 1000 : sent;
  return signedBenchEvent(run, i, end, sent);
}
const warmBodies = Array.from({ length: Math.ceil(POOL / 5) }, (_, i) => signedBody(POOL + i));
const mainBodies = Array.from({ length: POOL }, (_, i) => signedBody(i));

type Row = {
  round: number;
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  load1: number;
  /** CPU per answered event during the measured phase, when /proc tells (Linux). */
  cpu: { eventLoopUs: number; allThreadsUs: number } | undefined;
  /** Several receivers at once: each one's events/s and CPU per event it answered. */
  perProcess?: { rps: number; cpu: CpuPerEvent | undefined }[];
  /** Share of the machine's vCPU time stolen by the hypervisor during the measured phase (Linux). */
  steal: number | undefined;
};

type WrkResult = {
  requests: number;
  durationUs: number;
  non2xx: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
  wrapped: number;
};

/**
 * `share`: this wrk is one of `of` running at once (one per receiver), with its part of the connections and
 * threads and its own bodies.
 */
function runWrk(
  url: string,
  seconds: number,
  bodiesFile: string,
  share: { index: number; of: number } = { index: 0, of: 1 },
): Promise<WrkResult> {
  const threads = share.of === 1 ? THREADS : 1;
  const connections = Math.ceil(CONNECTIONS / share.of);
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "-s", WRK_SCRIPT, url, "--", bodiesFile];
  args.push(String(threads * share.of), PATH, String(threads * share.index));
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("WRK_RESULT "));
      if (code !== 0 || line === undefined) reject(new Error(`wrk exited ${code}:\n${out}`));
      else resolve(JSON.parse(line.slice("WRK_RESULT ".length)) as WrkResult);
    });
  });
}

type Files = { warm: string; main: string };

let round = 1;
async function measure(name: string, url: string, files: Files, pid: number | undefined): Promise<Row> {
  const load1 = loadavg()[0] ?? 0;
  let row: Row;
  let cpuBefore: Map<number, number> | undefined;
  let ticksBefore: ReturnType<typeof cpuTicks>;
  let steal: number | undefined;
  if (generator === "wrk") {
    await runWrk(url, WARMUP, files.warm);
    cpuBefore = pid === undefined ? undefined : threadCpuSeconds(pid);
    ticksBefore = cpuTicks();
    const r = await runWrk(url, SECONDS, files.main);
    steal = stealPercent(ticksBefore, cpuTicks());
    const failed = r.non2xx + r.connect + r.read + r.write + r.timeout;
    const ok = r.requests - r.non2xx;
    row = {
      round,
      name,
      rps: ok / (r.durationUs / 1e6),
      p50: r.p50Us / 1000,
      p99: r.p99Us / 1000,
      ok,
      failed,
      load1,
      cpu: undefined,
      steal,
    };
    if (r.wrapped > 0 && !name.startsWith("bare"))
      console.log(`  (${name}: body pool exhausted, later requests were duplicates; raise --pool)`);
  } else {
    let i = 0;
    const body = (pool: string[]) => () => ({
      path: PATH,
      headers: { "content-type": "application/json" },
      body: pool[i++ % pool.length] as string,
    });
    await runLoad({ url, connections: CONNECTIONS, durationMs: WARMUP * 1000, request: body(warmBodies) });
    i = 0;
    cpuBefore = pid === undefined ? undefined : threadCpuSeconds(pid);
    ticksBefore = cpuTicks();
    const r: LoadResult = await runLoad({
      url,
      connections: CONNECTIONS,
      durationMs: SECONDS * 1000,
      request: body(mainBodies),
    });
    steal = stealPercent(ticksBefore, cpuTicks());
    row = {
      round,
      name,
      rps: r.ok / (r.elapsedMs / 1000),
      p50: percentile(r.latenciesMs, 50),
      p99: percentile(r.latenciesMs, 99),
      ok: r.ok,
      failed: r.failed,
      load1,
      cpu: undefined,
      steal,
    };
  }
  if (pid !== undefined) row.cpu = cpuPerEvent(pid, cpuBefore, threadCpuSeconds(pid), row.ok);
  const cpuText =
    row.cpu === undefined
      ? ""
      : `   CPU/event ${row.cpu.eventLoopUs.toFixed(0)} µs event loop, ${row.cpu.allThreadsUs.toFixed(0)} µs all threads`;
  const stealText = row.steal === undefined ? "" : `   steal ${row.steal.toFixed(1)}%`;
  console.log(
    `${name.padEnd(60)} ${row.rps.toFixed(0).padStart(7)} ev/s   p50 ${row.p50.toFixed(2)} ms   p99 ${row.p99.toFixed(2)} ms   (${row.ok} ok, ${row.failed} failed, load ${load1.toFixed(2)})${cpuText}${stealText}`,
  );
  return row;
}

/**
 * Several receivers on one database, each loaded by its own wrk (its share of the connections, one thread, its
 * own bodies), all at once. events/s is the sum; p50 is the median of the receivers' and p99 the worst of them.
 */
async function measureMany(name: string, receivers: { url: string; pid: number }[], files: Files): Promise<Row> {
  const load1 = loadavg()[0] ?? 0;
  const of = receivers.length;
  await Promise.all(receivers.map((r, index) => runWrk(r.url, WARMUP, files.warm, { index, of })));
  const before = receivers.map((r) => threadCpuSeconds(r.pid));
  const ticksBefore = cpuTicks();
  const results = await Promise.all(receivers.map((r, index) => runWrk(r.url, SECONDS, files.main, { index, of })));
  const steal = stealPercent(ticksBefore, cpuTicks());
  const perProcess = results.map((r, i) => {
    const ok = r.requests - r.non2xx;
    const pid = (receivers[i] as { pid: number }).pid;
    return { ok, rps: ok / (r.durationUs / 1e6), cpu: cpuPerEvent(pid, before[i], threadCpuSeconds(pid), ok) };
  });
  const ok = perProcess.reduce((n, p) => n + p.ok, 0);
  const cpuTotal = (pick: (c: CpuPerEvent) => number) =>
    perProcess.reduce((us, p) => us + (p.cpu === undefined ? Number.NaN : pick(p.cpu) * p.ok), 0) / ok;
  const row: Row = {
    round,
    name,
    rps: perProcess.reduce((n, p) => n + p.rps, 0),
    p50: median(results.map((r) => r.p50Us / 1000)),
    p99: Math.max(...results.map((r) => r.p99Us / 1000)),
    ok,
    failed: results.reduce((n, r) => n + r.non2xx + r.connect + r.read + r.write + r.timeout, 0),
    load1,
    cpu: { eventLoopUs: cpuTotal((c) => c.eventLoopUs), allThreadsUs: cpuTotal((c) => c.allThreadsUs) },
    perProcess: perProcess.map(({ rps, cpu }) => ({ rps, cpu })),
    steal,
  };
  if (results.some((r) => r.wrapped > 0)) console.log(`  (${name}: body pool exhausted; raise --pool)`);
  const each = perProcess
    .map((p) => `${p.rps.toFixed(0)} ev/s ${p.cpu?.eventLoopUs.toFixed(0)}/${p.cpu?.allThreadsUs.toFixed(0)} µs`)
    .join(", ");
  console.log(
    `${name.padEnd(60)} ${row.rps.toFixed(0).padStart(7)} ev/s   p50 ${row.p50.toFixed(2)} ms   p99 ${row.p99.toFixed(2)} ms   (${ok} ok, ${row.failed} failed, load ${load1.toFixed(2)})   per process (CPU/event loop/all threads): ${each}   steal ${steal?.toFixed(1)}%`,
  );
  return row;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const only = values.only?.split(",").map((v) => v.trim());
const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const builds = values.builds.split(",").map((v) => v.trim());
for (const build of builds) {
  if (!existsSync(join(APP_DIR, build, "main.js"))) throw new Error(`--builds: ${build}/main.js does not exist`);
}
/** The builds in this round's order: alternating, so neither always runs first after the bare server. */
const buildsOf = (r: number) => (r % 2 === 1 ? builds : [...builds].reverse());
const buildArgs = (build: string): { main: string | undefined; label: string } =>
  build === "dist" && builds.length === 1
    ? { main: undefined, label: "" }
    : { main: join(APP_DIR, build, "main.js"), label: ` [${build}]` };
const selected = (id: string) => only === undefined || only.includes(id);
const profileArgs = (id: string): string[] =>
  values["cpu-prof"] === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${join(values["cpu-prof"], id)}`];

const rows: Row[] = [];
const BARE = "bare node:http (read body, 200)";
/**
 * The bare server runs at the start and at the end of every round, and each receiver's share is taken against
 * the mean of the two: on a shared machine the speed drifts within a round, and a single bare run before the
 * receivers made their shares swing by a third between rounds (fifth pass).
 */
async function measureBare(): Promise<void> {
  const bare = await spawnBare();
  rows.push(await measure(BARE, bare.url, files, bare.child.pid));
  await stop(bare.child);
}
const dir = mkdtempSync(join(tmpdir(), "livehook-bench-"));
const files: Files = { warm: join(dir, "warm.bodies"), main: join(dir, "main.bodies") };
writeFileSync(files.warm, `${warmBodies.join("\n")}\n`);
writeFileSync(files.main, `${mainBodies.join("\n")}\n`);
// Flushed before anything is measured: otherwise the kernel writes these ~250 MB back during the first round.
for (const file of [files.warm, files.main]) {
  const fd = openSync(file, "r");
  fsyncSync(fd);
  closeSync(fd);
}
console.log(
  `load generator: ${generator === "wrk" ? `wrk, ${THREADS} threads` : "Node (test/load.ts)"}, ${CONNECTIONS} connections, ${POOL} distinct signed bodies`,
);
try {
  for (; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
    await measureBare();

    const sqliteVariants = [
      ["FULL", "worker"],
      ["FULL", "inline"],
      ["NORMAL", "worker"],
      ["NORMAL", "inline"],
    ] as const;
    for (const [sync, writer] of sqliteVariants) {
      const id = `${sync.toLowerCase()}-${writer}`;
      if (!selected(id)) continue;
      for (const build of buildsOf(round)) {
        const { main, label } = buildArgs(build);
        const db = join(dir, `${id}-${round}.db`);
        const r = await spawnReceiver(
          ["--data", db],
          {
            LIVEHOOK_HUAWEI_LIVE_KEYS: KEY,
            LIVEHOOK_SQLITE_SYNCHRONOUS: sync,
            LIVEHOOK_SQLITE_WRITER: writer,
            LIVEHOOK_LOG_LEVEL: "warn",
          },
          30_000,
          profileArgs(id),
          main,
        );
        const isDefault = sync === "FULL" && writer === "worker";
        rows.push(
          await measure(
            `receiver, SQLite WAL, synchronous=${sync}, ${writer} writer${isDefault ? " (default)" : ""}${label}`,
            r.url,
            files,
            r.child.pid,
          ),
        );
        await stop(r.child);
        // Each run leaves a database of a few hundred MB. Left in place, their dirty pages are written back while
        // the next servers are measured and slow them down more with every round (third and fourth passes);
        // deleted, the kernel drops those pages instead.
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db}${suffix}`, { force: true });
      }
    }

    for (const build of selected("postgres") ? buildsOf(round) : []) {
      const { main, label } = buildArgs(build);
      const schema = `livehook_bench_${process.pid}`;
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
      const pgUrl = new URL(DATABASE_URL);
      pgUrl.searchParams.set("options", `-c search_path=${schema}`);
      const r = await spawnReceiver(
        [],
        { LIVEHOOK_HUAWEI_LIVE_KEYS: KEY, DATABASE_URL: pgUrl.toString(), LIVEHOOK_LOG_LEVEL: "warn" },
        30_000,
        profileArgs("postgres"),
        main,
      );
      rows.push(await measure(`receiver, PostgreSQL (local, default fsync)${label}`, r.url, files, r.child.pid));
      await stop(r.child);
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }

    for (const count of [2, 3]) {
      if (!selected(`postgres-x${count}`)) continue;
      if (generator !== "wrk") throw new Error(`--only postgres-x${count} needs wrk`);
      for (const build of buildsOf(round)) {
        const { main, label } = buildArgs(build);
        const schema = `livehook_bench_${process.pid}`;
        const admin = new pg.Client({ connectionString: DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
        const pgUrl = new URL(DATABASE_URL);
        pgUrl.searchParams.set("options", `-c search_path=${schema}`);
        const receivers = [];
        // One after another: the first migrates the schema, the others find it done.
        for (let i = 0; i < count; i++) {
          receivers.push(
            await spawnReceiver(
              [],
              { LIVEHOOK_HUAWEI_LIVE_KEYS: KEY, DATABASE_URL: pgUrl.toString(), LIVEHOOK_LOG_LEVEL: "warn" },
              30_000,
              profileArgs(`postgres-x${count}-${i}`),
              main,
            ),
          );
        }
        rows.push(
          await measureMany(
            `${count} receivers, one PostgreSQL${label}`,
            receivers.map((r) => ({ url: r.url, pid: r.child.pid as number })),
            files,
          ),
        );
        for (const r of receivers) await stop(r.child);
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    }
    await measureBare();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const bareOf = new Map<number, number>();
for (let r = 1; r <= ROUNDS; r++) {
  const runs = rows.filter((row) => row.name === BARE && row.round === r).map((row) => row.rps);
  bareOf.set(r, runs.reduce((a, b) => a + b, 0) / runs.length);
}
const names = [...new Set(rows.map((r) => r.name))];
const shareOfBare = (r: Row) => (r.rps / (bareOf.get(r.round) ?? Number.NaN)) * 100;
const steals = rows.flatMap((r) => (r.steal === undefined ? [] : [r.steal]));
const table = [
  `| Server | events/s | % of bare | p50 ms | p99 ms | failed | load (1 min) | CPU µs/event: event loop, all threads | steal % |${ROUNDS > 1 ? " % of bare per round |" : ""}`,
  `|---|---:|---:|---:|---:|---:|---:|---:|---:|${ROUNDS > 1 ? "---|" : ""}`,
  ...names.map((name) => {
    const of = rows.filter((r) => r.name === name);
    // The bare row's own column shows the drift within each round: its two runs, as a share of their mean.
    const ratios = of.map(shareOfBare);
    const perRound =
      ROUNDS <= 1
        ? ""
        : name === BARE
          ? ` ${Array.from({ length: ROUNDS }, (_, i) =>
              ratios
                .filter((_, j) => of[j]?.round === i + 1)
                .map((x) => x.toFixed(0))
                .join("/"),
            ).join(", ")} |`
          : ` ${ratios.map((x) => `${x.toFixed(0)}%`).join(", ")} |`;
    const cpus = of.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]));
    const cpu =
      cpus.length === 0
        ? ""
        : `${median(cpus.map((c) => c.eventLoopUs)).toFixed(0)}, ${median(cpus.map((c) => c.allThreadsUs)).toFixed(0)}`;
    const stolen = of.flatMap((r) => (r.steal === undefined ? [] : [r.steal]));
    const steal = stolen.length === 0 ? "" : median(stolen).toFixed(1);
    return `| ${name} | ${median(of.map((r) => r.rps)).toFixed(0)} | ${name === BARE ? 100 : median(ratios).toFixed(0)}% | ${median(of.map((r) => r.p50)).toFixed(2)} | ${median(of.map((r) => r.p99)).toFixed(2)} | ${of.reduce((n, r) => n + r.failed, 0)} | ${median(of.map((r) => r.load1)).toFixed(2)} | ${cpu} | ${steal} |${perRound}`;
  }),
].join("\n");
console.log(`\n${table}\n`);

/** Several receivers: each process's share of the events and what each event cost it (medians over rounds). */
const multi = names.filter((name) => rows.some((r) => r.name === name && r.perProcess !== undefined));
const perProcessTable =
  multi.length === 0
    ? ""
    : [
        "| Receivers | events/s, total | events/s, each process | CPU µs/event, each process: event loop, all threads |",
        "|---|---:|---|---|",
        ...multi.map((name) => {
          const of = rows.filter((r) => r.name === name);
          const count = of[0]?.perProcess?.length ?? 0;
          const each = Array.from({ length: count }, (_, i) => of.map((r) => r.perProcess?.[i]));
          const rps = each.map((ps) => median(ps.map((p) => p?.rps ?? Number.NaN)).toFixed(0)).join(", ");
          const cpu = each
            .map(
              (ps) =>
                `${median(ps.map((p) => p?.cpu?.eventLoopUs ?? Number.NaN)).toFixed(0)}/${median(ps.map((p) => p?.cpu?.allThreadsUs ?? Number.NaN)).toFixed(0)}`,
            )
            .join(", ");
          return `| ${name} | ${median(of.map((r) => r.rps)).toFixed(0)} | ${rps} | ${cpu} |`;
        }),
      ].join("\n");
if (perProcessTable !== "") console.log(`${perProcessTable}\n`);

/**
 * The same medians over the quiet rounds alone (every run of the round under --max-steal), beside the table's,
 * which keeps every round: a reader sees both, and how many rounds the hypervisor spoilt.
 */
const quietLines: string[] = [];
if (ROUNDS > 1 && steals.length === rows.length) {
  const maxSteal = Number(values["max-steal"]);
  const quiet = Array.from({ length: ROUNDS }, (_, i) => i + 1).filter((round) =>
    rows.filter((r) => r.round === round).every((r) => (r.steal ?? Number.POSITIVE_INFINITY) < maxSteal),
  );
  quietLines.push(
    `Quiet rounds (steal under ${maxSteal}% in every run): ${quiet.length} of ${ROUNDS}${quiet.length > 0 ? ` (${quiet.join(", ")})` : ""}`,
  );
  if (quiet.length > 0 && quiet.length < ROUNDS) {
    for (const name of names.filter((n) => n !== BARE)) {
      const ratios = rows.filter((r) => r.name === name && quiet.includes(r.round)).map(shareOfBare);
      quietLines.push(
        `  ${name}: ${median(ratios).toFixed(0)}% of bare (${ratios.map((x) => `${x.toFixed(0)}%`).join(", ")})`,
      );
    }
  }
  console.log(`${quietLines.join("\n")}\n`);
}
console.log(
  `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), Node ${process.version}, ${generator === "wrk" ? "wrk" : "Node generator"}, ${CONNECTIONS} connections, ${ROUNDS} round(s) of ${SECONDS} s after ${WARMUP} s warm-up (medians), load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
if (values.write)
  writeFileSync(
    values.write,
    `${[table, perProcessTable, quietLines.join("\n")].filter((t) => t !== "").join("\n\n")}\n`,
  );

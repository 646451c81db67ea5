/**
 * Receiver throughput and latency at 50 connections, against a bare node:http server in the same run.
 *
 *   npx tsx bench/receiver.bench.ts [--seconds 10] [--warmup 2] [--write BENCHMARKS.md]
 *
 * Every server runs in its own child process; this process only generates load (127.0.0.1, keep-alive) and
 * signs a unique Huawei Live HMAC-SHA256 event per request, so each receiver request is verified, validated,
 * deduplicated and durably stored before its 200. Not a timed test: figures depend on the machine.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { signHuaweiLiveCallbackBody } from "@livehook/core";
import pg from "pg";
import { type LoadResult, percentile, runLoad } from "../test/load.js";
import { spawnReceiver } from "../test/spawn-receiver.js";

const KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    write: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

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

let seq = 0;
const run = randomBytes(4).toString("hex");
/**
 * Bodies are signed before each measurement, so the load generator spends its CPU on HTTP only: on a 2-core
 * machine every microsecond it spends signing is taken from the server under test. Signed at build time, they
 * stay valid for the whole run (Huawei's grace is 300 s, D6).
 */
let pool: string[] = [];
const POOL_RATE = 25_000;
function buildPool(count: number): void {
  pool = Array.from({ length: count }, () => signedBody());
  seq = 0;
}
function event(): { path: string; headers: Record<string, string>; body: string } {
  const i = seq++;
  return { path: "/hooks/huawei-live", headers: { "content-type": "application/json" }, body: pool[i] ?? signedBody() };
}
let unique = 0;
function signedBody(): string {
  const i = unique++;
  return signHuaweiLiveCallbackBody(
    {
      project_id: "70b76xxxxxx34253880af501cdxxxxxx",
      task_id: `bench-${run}`,
      job_id: `job-${run}-${i}`,
      event_type: "RECORD_FILE_COMPLETE",
      publish_domain: "push.example.com",
      app: "live",
      stream: "mystream",
      record_format: "HLS",
      download_url: `https://obs.example.com/live/mystream-${i}.m3u8`,
      file_size: 3957964,
      record_duration: 120,
      start_time: "2026-03-01T00:00:00Z",
      end_time: "2026-03-01T00:02:00Z",
    },
    KEY,
    "HMACSHA256",
    Math.floor(Date.now() / 1000),
  );
}

type Row = { name: string; rps: number; p50: number; p99: number; ok: number; failed: number };

async function measure(name: string, url: string): Promise<Row> {
  buildPool((WARMUP + SECONDS) * POOL_RATE);
  await runLoad({ url, connections: CONNECTIONS, durationMs: WARMUP * 1000, request: event });
  const r: LoadResult = await runLoad({ url, connections: CONNECTIONS, durationMs: SECONDS * 1000, request: event });
  const row = {
    name,
    rps: r.ok / (r.elapsedMs / 1000),
    p50: percentile(r.latenciesMs, 50),
    p99: percentile(r.latenciesMs, 99),
    ok: r.ok,
    failed: r.failed,
  };
  console.log(
    `${name.padEnd(44)} ${row.rps.toFixed(0).padStart(7)} ev/s   p50 ${row.p50.toFixed(2)} ms   p99 ${row.p99.toFixed(2)} ms   (${r.ok} ok, ${r.failed} failed)`,
  );
  return row;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const rows: Row[] = [];
const dir = mkdtempSync(join(tmpdir(), "livehook-bench-"));
try {
  const bare = await spawnBare();
  rows.push(await measure("bare node:http (read body, 200)", bare.url));
  await stop(bare.child);

  const sqliteVariants = [
    ["FULL", "inline"],
    ["NORMAL", "inline"],
    ["FULL", "worker"],
  ] as const;
  for (const [sync, writer] of sqliteVariants) {
    const r = await spawnReceiver(["--data", join(dir, `${sync}-${writer}.db`)], {
      LIVEHOOK_HUAWEI_LIVE_KEYS: KEY,
      LIVEHOOK_SQLITE_SYNCHRONOUS: sync,
      LIVEHOOK_SQLITE_WRITER: writer,
      LIVEHOOK_LOG_LEVEL: "warn",
    });
    rows.push(await measure(`receiver, SQLite WAL, synchronous=${sync}, ${writer} writer`, r.url));
    await stop(r.child);
  }

  const schema = `livehook_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
  const pgUrl = new URL(DATABASE_URL);
  pgUrl.searchParams.set("options", `-c search_path=${schema}`);
  const r = await spawnReceiver([], {
    LIVEHOOK_HUAWEI_LIVE_KEYS: KEY,
    DATABASE_URL: pgUrl.toString(),
    LIVEHOOK_LOG_LEVEL: "warn",
  });
  rows.push(await measure("receiver, PostgreSQL (local, default fsync)", r.url));
  await stop(r.child);
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const bareRps = rows[0]?.rps ?? 1;
const table = [
  "| Server | events/s | % of bare | p50 ms | p99 ms |",
  "|---|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.rps.toFixed(0)} | ${((r.rps / bareRps) * 100).toFixed(0)}% | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
  ),
].join("\n");
console.log(`\n${table}\n`);
console.log(
  `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), Node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
if (values.write) writeFileSync(values.write, `${table}\n`);

/**
 * Deliveries per second of `livehook load` (the built CLI, as a user runs it) against a bare node:http sink in
 * another process, beside `wrk` (a C load generator) against the same sink in the same run, as a ratio. Rounds
 * alternate the two so that machine load weighs on both alike; the figures are medians. Also a fixed-rate run at
 * `--rate` to show the achieved rate and latency when the generator paces itself, the same undici pool with one
 * fixed body and no planning or signing (the floor of Node's HTTP client), and each side's CPU time per request
 * (the generators' from /usr/bin/time, including start-up; the sink's from its own counter), to show where time goes.
 *
 *   npx -y pnpm@10.34.8 --filter @livehook/cli build
 *   cd apps/cli && npx tsx bench/load.bench.ts [--seconds 5] [--rounds 3] [--connections 16] [--rate 10000]
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EventFeed } from "../src/load/event-feed.js";
import { signCallback } from "../src/outgoing-callback.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    rate: { type: "string", default: "10000" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const RATE = Number(values.rate);

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = join(HERE, "..", "dist", "main.js");
if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the CLI first`);
const hasWrk = spawnSync("wrk", ["--version"]).error === undefined;
const hasTime = existsSync("/usr/bin/time");

type Sink = { url: string; child: ChildProcess; cpu: () => Promise<{ cpuMs: number; requests: number }> };

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, [join(HERE, "load-sink.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`sink exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    cpu: async () => (await (await fetch(`${url}/cpu`)).json()) as { cpuMs: number; requests: number },
  };
}

type Run = { rate: number; cpuMsPerRequest: number | null; sinkCpuMsPerRequest: number; p99?: number };

function runChild(cmd: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ stdout, stderr, code }));
  });
}

/** `/usr/bin/time -f` prints user and system seconds of the command as its last stderr line. */
function timed(cmd: string, args: string[]): [string, string[]] {
  return hasTime ? ["/usr/bin/time", ["-f", "cpu %U %S", cmd, ...args]] : [cmd, args];
}
function cpuSecondsOf(stderr: string): number | null {
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  return m === null ? null : Number(m[1]) + Number(m[2]);
}

async function runLivehook(sink: Sink, extra: string[]): Promise<Run> {
  const before = await sink.cpu();
  const [cmd, args] = timed(process.execPath, [
    MAIN,
    "load",
    ...[
      "--receiver",
      `${sink.url}/hooks/{vendor}`,
      "--duration",
      String(SECONDS),
      "--connections",
      String(CONNECTIONS),
    ],
    ...extra,
    "--json",
  ]);
  const r = await runChild(cmd, args, { PATH: process.env.PATH, ...receiverKeyEnv(DEMO_KEYS) });
  if (r.code !== 0) throw new Error(`livehook load exited ${r.code}: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { achievedRate: number; attempts: number; latencyMs: { p99: number } };
  const after = await sink.cpu();
  const cpu = cpuSecondsOf(r.stderr);
  return {
    rate: report.achievedRate,
    cpuMsPerRequest: cpu === null ? null : (cpu * 1000) / report.attempts,
    sinkCpuMsPerRequest: (after.cpuMs - before.cpuMs) / (after.requests - before.requests),
    p99: report.latencyMs.p99,
  };
}

async function runWrk(sink: Sink, bodyFile: string): Promise<Run> {
  const before = await sink.cpu();
  const [cmd, args] = timed("wrk", [
    ...["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "-s", join(HERE, "wrk-post.lua")],
    `${sink.url}/hooks/huawei-live`,
    "--",
    bodyFile,
  ]);
  const r = await runChild(cmd, args, { PATH: process.env.PATH });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (r.code !== 0 || m === null) throw new Error(`wrk failed: ${r.stdout}${r.stderr}`);
  const after = await sink.cpu();
  const requests = after.requests - before.requests;
  const cpu = cpuSecondsOf(r.stderr);
  return {
    rate: Number(m[1]),
    cpuMsPerRequest: cpu === null ? null : (cpu * 1000) / requests,
    sinkCpuMsPerRequest: (after.cpuMs - before.cpuMs) / requests,
  };
}

/** The same undici pool and handler as `livehook load`, with one fixed body: what Node's HTTP client costs alone. */
async function runFloor(sink: Sink, bodyFile: string): Promise<Run> {
  const before = await sink.cpu();
  const [cmd, args] = timed(process.execPath, [
    join(HERE, "undici-floor.mjs"),
    `${sink.url}/hooks/huawei-live`,
    String(CONNECTIONS),
    String(SECONDS),
    bodyFile,
  ]);
  const r = await runChild(cmd, args, { PATH: process.env.PATH });
  if (r.code !== 0) throw new Error(`undici-floor failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { rate: number; requests: number };
  const after = await sink.cpu();
  const cpu = cpuSecondsOf(r.stderr);
  return {
    rate: report.rate,
    cpuMsPerRequest: cpu === null ? null : (cpu * 1000) / report.requests,
    sinkCpuMsPerRequest: (after.cpuMs - before.cpuMs) / (after.requests - before.requests),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};
const f = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? "n/a" : n.toFixed(digits));

// One realistic signed body for wrk (it sends the same bytes every time; the sink does not care).
const dir = mkdtempSync(join(tmpdir(), "livehook-load-bench-"));
const bodyFile = join(dir, "body.json");
const sample = new EventFeed(["huawei-live"], "bench", Date.now).next();
writeFileSync(
  bodyFile,
  signCallback("huawei-live", sample.payload, { key: DEMO_KEYS["huawei-live"], now: new Date(), url: "http://x/" })
    .body,
);

const loadStart = loadavg();
const sink = await startSink();
try {
  // Warm-up: the sink's JIT and the loopback connections.
  await runLivehook(sink, []);
  const ours: Run[] = [];
  const theirs: Run[] = [];
  const paced: Run[] = [];
  const floor: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(await runLivehook(sink, []));
    if (hasWrk) theirs.push(await runWrk(sink, bodyFile));
    floor.push(await runFloor(sink, bodyFile));
    paced.push(await runLivehook(sink, ["--rate", String(RATE)]));
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
  const loadEnd = loadavg();
  const ourRate = median(ours.map((r) => r.rate));
  const wrkRate = hasWrk ? median(theirs.map((r) => r.rate)) : null;
  const row = (name: string, runs: Run[], ratio: string, extra = "") =>
    `| ${name} | ${f(median(runs.map((r) => r.rate)))} | ${ratio} | ${f(median(runs.map((r) => r.cpuMsPerRequest ?? Number.NaN)) * 1000)} µs | ${f(median(runs.map((r) => r.sinkCpuMsPerRequest)) * 1000)} µs |${extra}`;
  console.log(
    `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), Node ${process.version}, ${CONNECTIONS} connections, ` +
      `${ROUNDS} rounds of ${SECONDS} s (medians), load average ${loadStart.map((l) => l.toFixed(1)).join(" ")} at the start, ` +
      `${loadEnd.map((l) => l.toFixed(1)).join(" ")} at the end\n`,
  );
  console.log("| Generator | Deliveries/s | vs wrk | Generator CPU per request | Sink CPU per request |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  console.log(
    row("`livehook load` (as fast as answered)", ours, wrkRate === null ? "n/a" : `${(ourRate / wrkRate).toFixed(2)}x`),
  );
  if (hasWrk) console.log(row("`wrk -t1` (same sink, one body)", theirs, "1.00x"));
  console.log(
    row(
      "bare undici Pool, one body (bench/undici-floor.mjs)",
      floor,
      wrkRate === null ? "n/a" : `${(median(floor.map((r) => r.rate)) / wrkRate).toFixed(2)}x`,
    ),
  );
  console.log(
    row(
      `\`livehook load --rate ${RATE}\``,
      paced,
      wrkRate === null ? "n/a" : `${(median(paced.map((r) => r.rate)) / wrkRate).toFixed(2)}x`,
    ),
  );
  console.log(`\nfixed-rate p99 (from the due time): ${f(median(paced.map((r) => r.p99 ?? 0)), 1)} ms`);
  if (!hasWrk) console.log("wrk not found (Debian: apt-get install -y wrk): no reference ratio");
} finally {
  sink.child.kill();
}

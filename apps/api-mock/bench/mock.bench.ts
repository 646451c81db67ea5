/**
 * Benchmark (a script, not a timed test): requests/s for list and create against Prism mocking huawei-live.json,
 * cold start to the first 200, and deliveries/s from the simulator to a bare node:http sink. Everything runs on
 * 127.0.0.1, every phase is bounded in time and count. Needs `pnpm build` first (runs dist/main.js).
 *
 *   npx tsx bench/mock.bench.ts [--seconds 5] [--connections 32] [--rounds 3] [--client wrk|node|both]
 *                               [--builds dist,OTHER]
 *
 * The load phases alternate between the mock and Prism, round after round (list, then create), so both see the same
 * moments of a shared machine; each round gives its own ratio and the summary is the median round.
 *
 * `--builds dist,OTHER` measures several builds of the mock in the same run (directories holding main.js, relative
 * to apps/api-mock, e.g. a copy of an older dist kept in node_modules/.dist-before, which git and Biome ignore):
 * each round runs every build's phase next to Prism's, in alternating order, and every figure is given per build.
 *
 * Load client: `wrk` (C, one thread, `bench/wrk-create.lua` for creates) when it is installed, so the servers get
 * the CPU on a 2-core machine; otherwise the Node raw-socket client (`bench/raw-client.ts`), and the output says so.
 * `--client both` runs every phase with each client, back to back.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { hammer, type Shot } from "./raw-client.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "32" },
    pipelining: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
    client: { type: "string" },
    builds: { type: "string", default: "dist" },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const PIPELINING = Number(values.pipelining);
const ROUNDS = Math.max(1, Number(values.rounds));
const HAVE_WRK = spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
type Client = "wrk" | "node";
const CLIENTS: Client[] =
  values.client === "both"
    ? ["wrk", "node"]
    : values.client === "node" || (values.client === undefined && !HAVE_WRK)
      ? ["node"]
      : ["wrk"];
if (CLIENTS.includes("wrk") && !HAVE_WRK) throw new Error("--client wrk: wrk is not installed (apt-get install wrk)");
const WRK_CREATE = fileURLToPath(new URL("./wrk-create.lua", import.meta.url));
const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const BUILDS = values.builds.split(",").map((b) => b.trim());
const mainOf = (build: string) => resolve(APP_DIR, build, "main.js");
for (const build of BUILDS) {
  if (!existsSync(mainOf(build))) throw new Error(`--builds: ${mainOf(build)} does not exist (build first)`);
}
/** The builds in a round's order: alternating, so no build always runs first. */
const buildsOf = (round: number) => (round % 2 === 1 ? [...BUILDS].reverse() : BUILDS);
const require = createRequire(import.meta.url);
const HUAWEI_LIVE_JSON = require.resolve("@livehook/core/openapi/huawei-live.json");
const PRISM = require.resolve("@stoplight/prism-cli/dist/index.js");
/**
 * List reads a project that holds the 10 seeded configs; creates go to another project. A list's `total` and order
 * cover every config of its project, so listing the project the create phases fill would measure a project of
 * hundreds of thousands of configs (each create phase stores tens of thousands) instead of the documented 10.
 */
const LIST_PROJECT = "0123456789abcdef0123456789abcdef";
const CREATE_PROJECT = "fedcba9876543210fedcba9876543210";
const LIST = `/v1/${LIST_PROJECT}/record/callbacks?offset=0&limit=10`;
const SEED = `/v1/${LIST_PROJECT}/record/callbacks`;
const CREATE = `/v1/${CREATE_PROJECT}/record/callbacks`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  // Drain output (Prism logs every request by default); a full pipe would stall the server.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(3000)]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** ms from spawn to the first 200 on `path`; polls every 2 ms for at most 30 s. */
async function coldStart(
  cmd: string,
  args: string[],
  port: number,
  path: string,
  headers: Record<string, string> = {},
) {
  const t0 = performance.now();
  const child = start(cmd, args);
  try {
    while (performance.now() - t0 < 30_000) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await sleep(2);
    }
    throw new Error(`${cmd} ${args.join(" ")} did not answer 200 within 30 s`);
  } finally {
    await stop(child);
  }
}

/** Closed-loop load through the raw-socket client, bounded by SECONDS and 2 million requests. */
function nodeLoad(port: number, make: (i: number) => Shot, expectStatus: number) {
  const headers = { "content-type": "application/json", "x-auth-token": "bench" };
  return hammer({
    port,
    connections: CONNECTIONS,
    seconds: SECONDS,
    maxRequests: 2_000_000,
    expectStatus,
    pipelining: PIPELINING,
    make: (i) => ({ ...make(i), headers }),
  });
}

/**
 * The same closed loop through wrk (one thread, CONNECTIONS connections, SECONDS). Counts only 2xx replies (wrk
 * reports the others); creates go through bench/wrk-create.lua with a distinct app per request.
 */
async function wrkLoad(port: number, kind: "list" | "create", prefix: string): Promise<{ rps: number; ok: number }> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--timeout", "5s", "-H", "x-auth-token: bench"];
  if (kind === "create") args.push("-s", WRK_CREATE);
  args.push(`http://127.0.0.1:${port}${kind === "list" ? LIST : CREATE}`);
  const child = spawn("wrk", args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, WRK_PREFIX: prefix },
  });
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), (SECONDS + 30) * 1000);
  await new Promise((r) => child.once("exit", r));
  clearTimeout(timer);
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(out);
  if (done?.[1] === undefined || done[2] === undefined) throw new Error(`wrk output not understood:\n${out}`);
  const unit = { us: 1e-6, ms: 1e-3, s: 1, m: 60 }[done[3] as "s"];
  const seconds = Number(done[2]) * unit;
  const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const ok = Number(done[1]) - bad;
  if (bad > 0 || /Socket errors/.test(out))
    console.log(`  wrk: ${bad} non-2xx; ${/Socket errors.*/.exec(out)?.[0] ?? ""}`);
  return { rps: ok / seconds, ok };
}

async function waitFor200(port: number, path: string) {
  for (let t = 0; t < 15_000; t += 20) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { "x-auth-token": "bench" } });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // starting
    }
    await sleep(20);
  }
  throw new Error("server did not start");
}

const createBody = (app: string) =>
  JSON.stringify({
    publish_domain: "publish.example.com",
    app,
    notify_callback_url: "https://mycallback.example.com/record_notify",
    notify_event_subscription: ["RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START"],
    sign_type: "HMACSHA256",
    key: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
  });

/** Starts a server and gives it a realistic state: 10 configs, so the mock's list has a full page. */
async function prepare(cmd: string, args: string[], port: number) {
  const child = start(cmd, args);
  await waitFor200(port, LIST);
  for (let k = 0; k < 10; k++) {
    await fetch(`http://127.0.0.1:${port}${SEED}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-auth-token": "bench" },
      body: createBody(`seed${k}`),
    }).then((r) => r.arrayBuffer());
  }
  return child;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

/** The mock's stored config count for the bench project (its list's `total`). */
async function storedConfigs(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/${CREATE_PROJECT}/record/callbacks?limit=1`);
  return ((await res.json()) as { total: number }).total;
}

type Round = {
  mockList: Record<string, number>;
  prismList: number;
  mockCreate: Record<string, number>;
  prismCreate: number;
};

/**
 * ROUNDS rounds of list then create: each build's phase, then Prism's, with each client in turn. Apps are unique
 * across rounds, builds and clients. After each wrk create phase on a mock, its stored count must have grown by the
 * 2xx replies wrk counted (plus at most one in-flight request per connection at the deadline).
 */
async function throughput(prismArgs: string[], prismPort: number) {
  const mocks: { build: string; port: number; child: ChildProcess }[] = [];
  for (const build of BUILDS) {
    const port = await freePort();
    mocks.push({ build, port, child: await prepare(process.execPath, [mainOf(build), "--port", String(port)], port) });
  }
  const prismChild = await prepare(process.execPath, prismArgs, prismPort);
  const rounds: Record<Client, Round[]> = { wrk: [], node: [] };
  const portOf = (build: string) => mocks.find((m) => m.build === build)?.port ?? 0;
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const client of CLIENTS) {
        const list = async (port: number) =>
          client === "wrk"
            ? (await wrkLoad(port, "list", "")).rps
            : (await nodeLoad(port, () => ({ method: "GET", path: LIST }), 200)).rps;
        const create = async (port: number, who: string, isMock: boolean) => {
          if (client === "node") {
            const make = (n: number): Shot => ({
              method: "POST",
              path: CREATE,
              body: createBody(`r${r}-${who}-n${n}`),
            });
            return (await nodeLoad(port, make, 201)).rps;
          }
          const before = isMock ? await storedConfigs(port) : 0;
          const res = await wrkLoad(port, "create", `r${r}-${who}-w`);
          if (isMock) {
            const grown = (await storedConfigs(port)) - before;
            if (grown < res.ok || grown > res.ok + CONNECTIONS)
              throw new Error(`mock ${who} stored ${grown} configs for ${res.ok} created replies`);
          }
          return res.rps;
        };
        const row: Round = { mockList: {}, prismList: 0, mockCreate: {}, prismCreate: 0 };
        for (const build of buildsOf(r)) row.mockList[build] = await list(portOf(build));
        row.prismList = await list(prismPort);
        for (const build of buildsOf(r)) row.mockCreate[build] = await create(portOf(build), build, true);
        row.prismCreate = await create(prismPort, "prism", false);
        rounds[client].push(row);
        const f = (n: number) => n.toFixed(0).padStart(7);
        for (const build of BUILDS) {
          const ml = row.mockList[build] ?? 0;
          const mc = row.mockCreate[build] ?? 0;
          console.log(
            `round ${r + 1} (${client.padEnd(4)}) ${build}: list mock ${f(ml)} prism ${f(row.prismList)} req/s (${(ml / row.prismList).toFixed(1)}x)   create mock ${f(mc)} prism ${f(row.prismCreate)} req/s (${(mc / row.prismCreate).toFixed(1)}x)   load ${loadavg()[0]?.toFixed(2)}`,
          );
        }
      }
    }
  } finally {
    for (const m of mocks) await stop(m.child);
    await stop(prismChild);
  }
  return CLIENTS.flatMap((client) =>
    BUILDS.map((build) => {
      const rs = rounds[client];
      const listRatios = rs.map((x) => (x.mockList[build] ?? 0) / x.prismList);
      const createRatios = rs.map((x) => (x.mockCreate[build] ?? 0) / x.prismCreate);
      return {
        client,
        build,
        list: median(listRatios),
        create: median(createRatios),
        minCreate: Math.min(...createRatios),
        mockList: median(rs.map((x) => x.mockList[build] ?? 0)),
        mockCreate: median(rs.map((x) => x.mockCreate[build] ?? 0)),
      };
    }),
  );
}

async function deliveries(build: string, sessions: number, segments: number) {
  let received = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => {
    done = r;
  });
  const expected = sessions * (2 * segments + 1);
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":1,"result":"success"}');
      if (++received === expected) done();
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const sinkPort = (sink.address() as AddressInfo).port;
  const port = await freePort();
  const child = start(process.execPath, [mainOf(build), "--port", String(port)]);
  try {
    await waitFor200(port, "/healthz");
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.arrayBuffer());
    await post(CREATE, {
      publish_domain: "push.example.com",
      app: "*",
      notify_callback_url: `http://127.0.0.1:${sinkPort}/hooks/huawei-live`,
      notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED"],
      key: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
    });
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: sessions }, (_, k) =>
        post("/_mock/sessions", {
          vendor: "huawei-live",
          domain: "push.example.com",
          app: "live",
          stream: `s${k}`,
          segments,
        }),
      ),
    );
    await Promise.race([all, sleep(60_000)]);
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `deliveries (${build}): ${received}/${expected} signed HMACSHA256 callbacks in ${seconds.toFixed(2)} s = ${(received / seconds).toFixed(0)} deliveries/s (${sessions} sessions × ${2 * segments + 1} events)`,
    );
    return received / seconds;
  } finally {
    await stop(child);
    sink.closeAllConnections();
    await new Promise<void>((r) => sink.close(() => r()));
  }
}

console.log(
  `node ${process.version}, ${SECONDS} s per load phase, ${CONNECTIONS} connections × ${PIPELINING} in flight, 127.0.0.1, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
console.log(
  HAVE_WRK
    ? `load client(s): ${CLIENTS.join(", ")}`
    : "load client: the Node raw-socket client (wrk is not installed; apt-get install wrk for the lighter one)",
);
if (CLIENTS.includes("wrk") && PIPELINING !== 1) console.log("(--pipelining applies to the Node client only)");

const mockPort = await freePort();
const colds: Record<string, number[]> = Object.fromEntries(BUILDS.map((b) => [b, []]));
for (let k = 0; k < 5; k++) {
  for (const build of buildsOf(k)) {
    colds[build]?.push(
      await coldStart(process.execPath, [mainOf(build), "--port", String(mockPort)], mockPort, "/healthz"),
    );
  }
}
for (const build of BUILDS) {
  const c = (colds[build] ?? []).sort((a, b) => a - b);
  console.log(
    `cold start to first 200 (mock ${build}): median ${c[2]?.toFixed(0)} ms, min ${c[0]?.toFixed(0)} ms, max ${c[4]?.toFixed(0)} ms`,
  );
}

const prismPort = await freePort();
const prismArgs = [PRISM, "mock", "-h", "127.0.0.1", "-p", String(prismPort), HUAWEI_LIVE_JSON];
const prismCold = await coldStart(process.execPath, prismArgs, prismPort, LIST, { "x-auth-token": "bench" });
console.log(`cold start to first 200 (prism): ${prismCold.toFixed(0)} ms`);

/** Transport ceiling: a bare node:http server answering a fixed JSON body, driven by the same client. */
async function ceiling() {
  const port = await freePort();
  const body = JSON.stringify({ total: 10, callback_config: [] }).padEnd(2900, " ");
  const code = `require("node:http").createServer((q,s)=>{q.resume();q.on("end",()=>{s.writeHead(200,{"content-type":"application/json"});s.end(${JSON.stringify(body)})})}).listen(${port},"127.0.0.1")`;
  const child = start(process.execPath, ["-e", code]);
  try {
    await waitFor200(port, LIST);
    const rps: Partial<Record<Client, number>> = {};
    for (const client of CLIENTS) {
      rps[client] =
        client === "wrk"
          ? (await wrkLoad(port, "list", "ceiling")).rps
          : (await nodeLoad(port, () => ({ method: "GET", path: LIST }), 200)).rps;
      console.log(
        `bare node:http (transport ceiling, fixed 2.9 kB body), ${client}: ${(rps[client] ?? 0).toFixed(0).padStart(7)} req/s`,
      );
    }
    return rps;
  } finally {
    await stop(child);
  }
}

const bare = await ceiling();
const results = await throughput(prismArgs, prismPort);
for (const x of results) {
  console.log(
    `ratio mock (${x.build})/prism with ${x.client}, median of ${ROUNDS} round(s): mock list ${x.mockList.toFixed(0)} req/s, create ${x.mockCreate.toFixed(0)} req/s; list ${x.list.toFixed(1)}x, create ${x.create.toFixed(1)}x (lowest create round ${x.minCreate.toFixed(1)}x); mock list at ${((100 * x.mockList) / (bare[x.client] ?? Number.NaN)).toFixed(0)} % of the bare node:http ceiling`,
  );
}

for (const build of BUILDS) await deliveries(build, 20, 50);

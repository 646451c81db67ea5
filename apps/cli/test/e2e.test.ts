/**
 * End to end, across processes: the real mock and receiver (built apps, run as children), configured through the
 * CLI, recording sessions for every vendor with drops, duplicates, out-of-order delivery and receiver 5xx, then
 * reconcile. Every event must end up stored exactly once and verified, with no gap left.
 */
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningApp, startApp } from "../src/app-process.js";
import { listeningPid } from "../src/busy-port.js";
import { runCli } from "../src/cli.js";
import { DEMO, DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EXIT } from "../src/errors.js";
import { run, testContext } from "./cli-harness.js";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy.js";
import { freePort } from "./ports.js";

const dir = mkdtempSync(join(tmpdir(), "livehook-e2e-"));
let mock: RunningApp;
let receiver: RunningApp;
let proxy: FlakyProxy;

// The children use the real clock, so the CLI does too (signatures and windows must agree).
const cli = (args: string[], extra: Parameters<typeof run>[1] = {}) => run(args, { ...extra, now: "real" });

beforeAll(async () => {
  const { ctx: live } = testContext({ now: "real" });
  const [mockPort, receiverPort] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([
    startApp(live, "mock", {
      args: ["--port", String(mockPort), "--log-level", "warn"],
      env: { PATH: process.env.PATH },
      output: { logFile: join(dir, "mock.log") },
      host: "127.0.0.1",
      port: mockPort,
    }),
    startApp(live, "receiver", {
      args: ["--port", String(receiverPort), "--data", join(dir, "receiver.db")],
      env: { PATH: process.env.PATH, LIVEHOOK_LOG_LEVEL: "warn", ...receiverKeyEnv(DEMO_KEYS) },
      output: { logFile: join(dir, "receiver.log") },
      host: "127.0.0.1",
      port: receiverPort,
    }),
  ]);
  // Keep whatever started, so afterAll stops it even when the other one failed.
  for (const r of started) {
    if (r.status === "fulfilled" && r.value.name === "mock") mock = r.value;
    if (r.status === "fulfilled" && r.value.name === "receiver") receiver = r.value;
  }
  for (const r of started) if (r.status === "rejected") throw r.reason;
  proxy = await startFlakyProxy(receiver.url, 5);
  // Retries 50 ms apart instead of 1 s: same policy shape, faster suite.
  const fast = { timeout_ms: 5000, retry_delays_ms: [50, 50, 50, 50, 50] };
  const res = await fetch(`${mock.url}/_mock/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      retry_profiles: {
        "huawei-live": { ...fast, success: "http_200", retry_4xx: true },
        "huawei-rtc": { ...fast, success: "http_200", retry_4xx: true },
        "aliyun-live": { ...fast, success: "any_2xx", retry_4xx: false },
      },
    }),
  });
  expect(res.status).toBe(200);
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all([mock?.stop(), receiver?.stop()]);
});

describe("end to end: mock → receiver through the CLI", () => {
  test("configure all three vendors through the CLI", async () => {
    const m = ["--mock", mock.url];
    const live = await cli([
      "huawei",
      "callbacks",
      "create",
      ...m,
      "--publish-domain",
      DEMO["huawei-live"].domain,
      "--app",
      "*",
      "--url",
      `${proxy.url}/hooks/huawei-live`,
      "--events",
      "RECORD_NEW_FILE_START,RECORD_FILE_COMPLETE,RECORD_OVER,RECORD_FAILED",
      "--key",
      DEMO_KEYS["huawei-live"],
    ]);
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    const rtc = await cli([
      "rtc",
      "callback",
      "set",
      ...m,
      "--app-id",
      DEMO["huawei-rtc"].app,
      "--url",
      `${proxy.url}/hooks/huawei-rtc`,
      "--auth-key",
      DEMO_KEYS["huawei-rtc"],
    ]);
    expect(rtc.code).toBe(0);
    const ali = await cli([
      "aliyun",
      "notify-config",
      "add",
      ...m,
      "--domain",
      DEMO["aliyun-live"].domain,
      "--url",
      `${proxy.url}/hooks/aliyun-live`,
      "--status-notify",
      "--auth-key",
      DEMO_KEYS["aliyun-live"],
    ]);
    expect(ali.code).toBe(0);
    const list = await cli(["huawei", "callbacks", "list", ...m, "--json"]);
    expect(JSON.parse(list.stdout).total).toBe(1);
  });

  type SimulateSummary = {
    sessions: number;
    deliveries: number;
    delivered: number;
    dropped: number;
    retried: number;
    failed: number;
  };
  const simulate = async (runId: string, vendors: readonly string[], faults: readonly string[]) => {
    const r = await cli([
      "simulate",
      "--mock",
      mock.url,
      ...vendors.flatMap((v) => ["--vendor", v]),
      "--count",
      "3",
      "--segments",
      "2",
      "--concurrency",
      "3",
      ...faults,
      "--run-id",
      runId,
      "--timeout",
      "120",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    return JSON.parse(r.stdout) as SimulateSummary;
  };

  test("simulate sessions with drops, duplicates, out-of-order delivery and 5xx", async () => {
    const all = await simulate(
      "e2e",
      ["huawei-live", "aliyun-live"],
      ["--drop-rate", "0.25", "--duplicate-rate", "0.3", "--out-of-order"],
    );
    expect(all.sessions).toBe(6);
    expect(all.failed).toBe(0);
    expect(all.delivered).toBeGreaterThan(0);
    // Drops are drawn per delivery (rate 0.25 over ~30 deliveries): at least one is all but certain.
    expect(all.dropped).toBeGreaterThan(0);
    // SparkRTC file starts carry only job-level fields, so a job's starts are byte-identical; the receiver tells them
    // apart by the completions stored between them (receiver README, Idempotency). A compressed session puts a job's
    // files milliseconds apart, so a dropped event (a start, or the completion between two starts) leaves two
    // starts no receiver can tell from a retry. Drops are therefore exercised on the other vendors; SparkRTC gets
    // duplicates, reordering and the proxy's 5xx (retried in order), which the receiver must resolve exactly.
    const rtc = await simulate("e2e-rtc", ["huawei-rtc"], ["--duplicate-rate", "0.3", "--out-of-order"]);
    expect(rtc.sessions).toBe(3);
    expect(rtc.failed).toBe(0);
    expect(rtc.delivered).toBeGreaterThan(0);
    expect(proxy.failed).toBeGreaterThan(0);
  }, 300_000);

  test("simulate on a domain without a callback config says so", async () => {
    const r = await cli([
      "simulate",
      "--mock",
      mock.url,
      "--vendor",
      "huawei-live",
      "--count",
      "1",
      "--domain",
      "nothing.example.com",
    ]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain(
      "no deliveries: no callback config on the mock matched huawei-live domain nothing.example.com, app live",
    );
  });

  test("reconcile --redeliver leaves no gap, and a second reconcile agrees", async () => {
    const args = ["reconcile", "--mock", mock.url, "--receiver", receiver.url, "--timeout", "60"];
    const first = await cli([...args, "--redeliver", "--rounds", "5", "--json"]);
    const report = JSON.parse(first.stdout) as {
      expected: number;
      stored: number;
      missing: unknown[];
      duplicated: unknown[];
    };
    expect(report.missing).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(first.code).toBe(EXIT.ok);
    expect(report.stored).toBe(report.expected);

    const second = await cli(args);
    expect(second.code).toBe(EXIT.ok);
    expect(second.stdout).toContain("no gap");
  }, 180_000);

  test("every stored event is verified", async () => {
    const res = await fetch(`${receiver.url}/api/events?limit=500`);
    const { events } = (await res.json()) as {
      events: { verdict: string; valid: boolean; stream: string | null; anomaly: unknown }[];
    };
    const ours = events.filter((e) => e.stream?.startsWith("sim-e2e-"));
    expect(ours.length).toBeGreaterThan(0);
    for (const e of ours) {
      expect(["verified", "verified_fields", "verified_signature_only"]).toContain(e.verdict);
      // Genuine events only: the simulator's file starts share signatures (accelerated time puts several in one
      // second), but only events with a download_url are checked for forged variants.
      expect(e.anomaly).toBeNull();
    }
  });

  test("tail prints stored events and stops after --count", async () => {
    const r = await cli(["tail", "--receiver", receiver.url, "--history", "3", "--count", "3", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(3);
  });

  test.each(["huawei-live", "huawei-rtc", "aliyun-live"])(
    "trigger and doctor against the real receiver: %s",
    async (vendor) => {
      const env = {
        LIVEHOOK_HUAWEI_LIVE_KEY: DEMO_KEYS["huawei-live"],
        LIVEHOOK_HUAWEI_RTC_KEY: DEMO_KEYS["huawei-rtc"],
        LIVEHOOK_ALIYUN_LIVE_KEY: DEMO_KEYS["aliyun-live"],
      };
      const event = vendor === "aliyun-live" ? "file_created" : "RECORD_FILE_COMPLETE";
      const t = await cli(["trigger", vendor, event, "--receiver", receiver.url, "--replay"], { env });
      expect(t.stderr).toBe("");
      expect(t.code).toBe(0);
      const d = await cli(["doctor", "--receiver", receiver.url, "--vendor", vendor, "--json"], { env });
      const probes = (JSON.parse(d.stdout) as { probes: { probe: string; pass: boolean; actual: string }[] }).probes;
      expect(probes.filter((p) => !p.pass)).toEqual([]);
      expect(d.code).toBe(0);
    },
  );

  test("tail filters by vendor", async () => {
    const r = await cli([
      "tail",
      "--receiver",
      receiver.url,
      "--vendor",
      "huawei-rtc",
      "--history",
      "100",
      "--count",
      "2",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { vendor: string });
    expect(lines).toHaveLength(2);
    for (const e of lines) expect(e.vendor).toBe("huawei-rtc");
  });
});

describe("the main job", () => {
  test("livehook start --once runs everything and stores every demo event exactly once", async () => {
    const r = await cli([
      "start",
      "--once",
      "--mock-port",
      String(await freePort()),
      "--receiver-port",
      String(await freePort()),
      "--data-dir",
      join(dir, "start"),
      "--timeout",
      "120",
    ]);
    expect(r.stderr).toContain("demo events stored exactly once");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("inspector");
    expect(r.stdout).toContain("RECORD_FILE_COMPLETE");
    // The banner names the variables the receiver reads (plural), with the demo keys it was given.
    expect(r.stdout).toContain(`LIVEHOOK_HUAWEI_LIVE_KEYS=${DEMO_KEYS["huawei-live"]} `);
    expect(r.stdout).toContain(`LIVEHOOK_HUAWEI_RTC_KEYS=${DEMO_KEYS["huawei-rtc"]} `);
    expect(r.stdout).toContain(`LIVEHOOK_ALIYUN_LIVE_KEYS=${DEMO_KEYS["aliyun-live"]}\n`);
    expect(r.stdout).not.toMatch(/LIVEHOOK_\w+_KEY=/);
  }, 180_000);

  test("livehook start --persist runs again on the same state", async () => {
    const args = async () => [
      "start",
      "--once",
      "--persist",
      "--mock-port",
      String(await freePort()),
      "--receiver-port",
      String(await freePort()),
      "--data-dir",
      join(dir, "persist"),
      "--timeout",
      "120",
    ];
    const first = await cli(await args());
    expect(first.code).toBe(0);
    // The configs already exist on the persisted mock: they are updated, not created twice.
    const second = await cli(await args());
    expect(second.stderr).toContain("demo events stored exactly once");
    expect(second.code).toBe(0);
  }, 240_000);

  test("Ctrl-C while start is still setting up the demo is a clean stop", async () => {
    const [mockPort, receiverPort] = [await freePort(), await freePort()];
    const stop = new AbortController();
    const { ctx, out } = testContext({ now: "real", signal: stop.signal });
    const args = ["start", "--mock-port", String(mockPort), "--receiver-port", String(receiverPort)];
    const running = runCli([...args, "--data-dir", join(dir, "start-early-ctrl-c")], ctx);
    for (let i = 0; i < 1200 && !out().includes("livehook is running"); i++) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    expect(await running).toBe(0);
    for (const port of [mockPort, receiverPort]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
  }, 120_000);

  test("livehook start runs until Ctrl-C, says when the demo is over and what to try, then stops both apps", async () => {
    const [mockPort, receiverPort] = [await freePort(), await freePort()];
    const stop = new AbortController();
    const { ctx, out } = testContext({ now: "real", signal: stop.signal });
    const args = ["start", "--mock-port", String(mockPort), "--receiver-port", String(receiverPort)];
    const running = runCli([...args, "--segment-seconds", "1", "--data-dir", join(dir, "start-ctrl-c")], ctx);
    // Bounded wait for the end of the realtime demo: files a second apart, the end events about 30 s later.
    for (let i = 0; i < 1800 && !out().includes("Ctrl-C stops"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out()).toContain("livehook is running");
    expect(out()).toContain("RECORD_NEW_FILE_START");
    expect(out()).toContain("RECORD_OVER");
    // Every callback of the three recordings was delivered and shown before the end is announced.
    expect(out()).toMatch(/the demo recordings are over: 3 recordings, (\d+) callbacks delivered, \1 events stored\n/);
    expect(out()).toContain(`livehook reconcile --redeliver --mock http://127.0.0.1:${mockPort}`);
    stop.abort();
    expect(await running).toBe(0);
    for (const port of [mockPort, receiverPort]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
  }, 180_000);

  test("a child that dies ends start at once with exit 1, naming it (no hang until Ctrl-C)", async () => {
    const [mockPort, receiverPort] = [await freePort(), await freePort()];
    const { ctx, out, err } = testContext({ now: "real" });
    const args = ["start", "--mock-port", String(mockPort), "--receiver-port", String(receiverPort)];
    const running = runCli([...args, "--data-dir", join(dir, "start-child-dies")], ctx);
    // Once the demo runs, so the mock dies while start waits, not while it sets up: Alibaba's recording is created
    // last, so its first event means every session exists.
    for (let i = 0; i < 1200 && !out().includes("record_started"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const mockPid = listeningPid(mockPort);
    expect(mockPid).toBeDefined();
    process.kill(mockPid as number, "SIGKILL");
    expect(await running).toBe(EXIT.failure);
    expect(err()).toContain(`error: the mock exited with SIGKILL; see ${join(dir, "start-child-dies", "logs")}\n`);
    await expect(fetch(`http://127.0.0.1:${receiverPort}/healthz`)).rejects.toThrow();
  }, 120_000);

  test("a port in use is one clear line", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const receiverPort = await freePort();
      const r = await cli([
        "start",
        "--mock-port",
        String(port),
        "--receiver-port",
        String(receiverPort),
        "--data-dir",
        join(dir, "busy"),
      ]);
      expect(r.code).toBe(EXIT.failure);
      // The first and only line: the ports are checked before anything starts.
      expect(r.stderr).toBe(`error: port ${port} is in use (pid ${process.pid}); pass --mock-port or stop it\n`);
      expect(r.stdout).toBe("");
      await expect(fetch(`http://127.0.0.1:${receiverPort}/healthz`)).rejects.toThrow();
    } finally {
      blocker.close();
    }
  }, 60_000);

  test("start next to a running mock and receiver leaves them alone: one line, exit 1", async () => {
    const list = async () => (await cli(["huawei", "callbacks", "list", "--mock", mock.url, "--json"])).stdout;
    const sessions = async () =>
      ((await (await fetch(`${mock.url}/_mock/sessions`)).json()) as { total: number }).total;
    const [configsBefore, sessionsBefore] = [await list(), await sessions()];
    const mockPort = new URL(mock.url).port;
    const receiverPort = new URL(receiver.url).port;
    const both = await cli(["start", "--mock-port", mockPort, "--receiver-port", receiverPort]);
    expect(both.code).toBe(EXIT.failure);
    expect(both.stderr).toBe(
      `error: port ${mockPort} is in use (pid ${mock.child.pid}); pass --mock-port or stop it\n`,
    );
    expect(both.stdout).toBe("");

    const freeMockPort = await freePort();
    const onlyReceiver = await cli(["start", "--mock-port", String(freeMockPort), "--receiver-port", receiverPort]);
    expect(onlyReceiver.code).toBe(EXIT.failure);
    expect(onlyReceiver.stderr).toBe(
      `error: port ${receiverPort} is in use (pid ${receiver.child.pid}); pass --receiver-port or stop it\n`,
    );
    // No mock was started for it, and the user's mock got no config change and no demo session.
    await expect(fetch(`http://127.0.0.1:${freeMockPort}/healthz`)).rejects.toThrow();
    expect(await list()).toBe(configsBefore);
    expect(await sessions()).toBe(sessionsBefore);
  }, 60_000);

  test("livehook receive and livehook mock on a busy port: one line, exit 1, never ready", async () => {
    const receive = await cli(["receive", "--port", new URL(receiver.url).port]);
    expect(receive.code).toBe(EXIT.failure);
    expect(receive.stderr).toBe(
      `error: port ${new URL(receiver.url).port} is in use (pid ${receiver.child.pid}); pass --port or stop it\n`,
    );
    const mockRun = await cli(["mock", "--port", new URL(mock.url).port]);
    expect(mockRun.code).toBe(EXIT.failure);
    expect(mockRun.stderr).toBe(
      `error: port ${new URL(mock.url).port} is in use (pid ${mock.child.pid}); pass --port or stop it\n`,
    );
  });

  test("livehook receive passes --publish on to the receiver, which checks the URL at start", async () => {
    const bad = await cli(["receive", "--port", String(await freePort()), "--publish", "kafka://127.0.0.1:9092"]);
    expect(bad.code).toBe(EXIT.failure);
    expect(bad.stdout + bad.stderr).toContain("must start with nats://, amqp:// or amqps://");
  });

  test("ready means the started process said it listens: another process on the port never answers for it", async () => {
    // Past the port check (a port taken between the check and the start): the child's own line decides.
    const { ctx } = testContext({ now: "real" });
    const started = startApp(ctx, "mock", {
      args: ["--port", new URL(mock.url).port],
      env: { PATH: process.env.PATH },
      output: "inherit",
      host: "127.0.0.1",
      port: Number(new URL(mock.url).port),
      portFlag: "--mock-port",
    });
    await expect(started).rejects.toThrow(
      `port ${new URL(mock.url).port} is in use (pid ${mock.child.pid}); pass --mock-port or stop it`,
    );
  });

  test("livehook mock runs until interrupted", async () => {
    const port = await freePort();
    const stop = new AbortController();
    const { ctx, err } = testContext({ now: "real", signal: stop.signal });
    const running = runCli(["mock", "--port", String(port), "--log-level", "warn"], ctx);
    // Bounded wait for the command to report the mock ready (once the mock printed its listening line).
    for (let i = 0; i < 600 && !err().includes("ready at"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(err()).toContain(`mock ready at http://127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    stop.abort();
    expect(await running).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);
});

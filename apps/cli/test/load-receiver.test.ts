/**
 * `livehook load` against the real receiver (its built app, as a child process): every event is verified and
 * stored once, duplicates are recognised as such, and retries re-signed after a 503 are accepted.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningApp, startApp } from "../src/app-process.js";
import { DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EXIT } from "../src/errors.js";
import { listAllEvents } from "../src/receiver-client.js";
import { run, testContext } from "./cli-harness.js";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy.js";
import { freePort } from "./ports.js";

const dir = mkdtempSync(join(tmpdir(), "livehook-load-"));
const env = receiverKeyEnv(DEMO_KEYS);
let receiver: RunningApp;
let proxy: FlakyProxy;

const { ctx } = testContext({ now: "real" });
const load = (args: string[]) => run(["load", ...args, "--json"], { env, now: "real" });
const stored = async () => (await listAllEvents(ctx, receiver.url, {})).length;

beforeAll(async () => {
  const port = await freePort();
  receiver = await startApp(ctx, "receiver", {
    args: ["--port", String(port), "--data", join(dir, "receiver.db")],
    env: { PATH: process.env.PATH, LIVEHOOK_LOG_LEVEL: "warn", ...env },
    output: { logFile: join(dir, "receiver.log") },
    host: "127.0.0.1",
    port,
  });
  proxy = await startFlakyProxy(receiver.url, 5);
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await receiver?.stop();
});

describe("livehook load → the receiver", () => {
  test("every event of all three vendors is verified and stored once", async () => {
    const r = await load(["--receiver", receiver.url, "--count", "300"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(EXIT.ok);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ sent: 300, events: 300, delivered: 300, failed: 0 });
    expect(report.statuses).toEqual([{ status: 200, reason: null, count: 300 }]);
    const events = await listAllEvents(ctx, receiver.url, {});
    expect(events).toHaveLength(300);
    expect(new Set(events.map((e) => e.vendor))).toEqual(new Set(["huawei-live", "huawei-rtc", "aliyun-live"]));
    expect(events.every((e) => e.verdict.startsWith("verified") && e.valid)).toBe(true);
  });

  test("duplicates are answered as duplicates and not stored again", async () => {
    const before = await stored();
    const r = await load(["--receiver", receiver.url, "--count", "200", "--duplicates", "0.25"]);
    expect(r.code).toBe(EXIT.ok);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ events: 150, duplicates: 50, delivered: 200 });
    expect(report.statuses).toEqual([
      { status: 200, reason: null, count: 150 },
      { status: 200, reason: "duplicate", count: 50 },
    ]);
    expect((await stored()) - before).toBe(150);
  });

  test("a delivery answered 503 is retried, re-signed, and stored once", async () => {
    const before = await stored();
    // One connection: the proxy fails every 5th request it sees, so with four connections plus the retry five
    // requests take turns and a retry can land on the failing turn again and again (it did: 4 503s in a row).
    const r = await load([
      ...["--receiver", `${proxy.url}/hooks/{vendor}`, "--count", "100", "--connections", "1"],
      ...["--retries", "3", "--retry-delay", "0"],
    ]);
    expect(r.code).toBe(EXIT.ok);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ sent: 100, delivered: 100, failed: 0 });
    expect(report.retries).toBeGreaterThan(0);
    expect(report.statuses).toContainEqual({ status: 503, reason: "injected", count: report.retries });
    expect((await stored()) - before).toBe(100);
  });
});

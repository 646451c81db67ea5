/**
 * `simulate` names what went wrong (issue 18 item 3): sessions no callback config matched, and each failed
 * delivery's status and the receiver's reason, summarized by reason and listed with --verbose. Real mock and
 * receiver processes, as in e2e.test.ts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningApp, startApp } from "../src/app-process.js";
import { DEMO, DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EXIT } from "../src/errors.js";
import { run, testContext } from "./cli-harness.js";
import { freePort } from "./ports.js";

const dir = mkdtempSync(join(tmpdir(), "livehook-simulate-"));
let mock: RunningApp;
let receiver: RunningApp;
const cli = (args: string[]) => run(args, { now: "real" });

beforeAll(async () => {
  const { ctx } = testContext({ now: "real" });
  const [mockPort, receiverPort] = [await freePort(), await freePort()];
  [mock, receiver] = await Promise.all([
    startApp(ctx, "mock", {
      args: ["--port", String(mockPort), "--log-level", "warn"],
      env: { PATH: process.env.PATH },
      output: { logFile: join(dir, "mock.log") },
      host: "127.0.0.1",
      port: mockPort,
    }),
    startApp(ctx, "receiver", {
      args: ["--port", String(receiverPort), "--data", join(dir, "receiver.db")],
      env: { PATH: process.env.PATH, LIVEHOOK_LOG_LEVEL: "warn", ...receiverKeyEnv(DEMO_KEYS) },
      output: { logFile: join(dir, "receiver.log") },
      host: "127.0.0.1",
      port: receiverPort,
    }),
  ]);
  const fast = { timeout_ms: 5000, retry_delays_ms: [20, 20], success: "http_200", retry_4xx: true };
  const res = await fetch(`${mock.url}/_mock/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ retry_profiles: { "huawei-live": fast } }),
  });
  expect(res.status).toBe(200);
  const created = await cli([
    "huawei",
    "callbacks",
    "create",
    "--mock",
    mock.url,
    "--publish-domain",
    DEMO["huawei-live"].domain,
    "--app",
    "*",
    "--url",
    `${receiver.url}/hooks/huawei-live`,
    "--key",
    DEMO_KEYS["huawei-live"],
  ]);
  expect(created.code, created.stderr).toBe(EXIT.ok);
}, 90_000);

afterAll(async () => {
  await Promise.all([mock?.stop(), receiver?.stop()]);
});

describe("simulate says what failed", () => {
  const simulate = (...extra: string[]) =>
    cli(["simulate", "--mock", mock.url, "--count", "2", "--segments", "1", "--timeout", "60", ...extra]);

  test("each failed delivery's status and the receiver's reason: a summary, and every line with --verbose", async () => {
    const json = await simulate("--vendor", "huawei", "--wrong-signature-rate", "1", "--run-id", "bad", "--json");
    expect(json.code).toBe(EXIT.failure);
    const report = JSON.parse(json.stdout) as {
      failed: number;
      failureReasons: { reason: string; count: number }[];
      failures: { status: number; reason: string; vendor: string }[];
    };
    expect(report.failed).toBeGreaterThan(0);
    expect(report.failureReasons).toEqual([{ reason: "401 bad_signature", count: report.failed }]);
    expect(report.failures).toHaveLength(report.failed);
    expect(json.stderr).toBe(`error: ${report.failed} deliveries failed\n`);

    const text = await simulate("--vendor", "huawei-live", "--wrong-signature-rate", "1", "--run-id", "bad-text");
    expect(text.stdout).toMatch(/failed by reason .*\n +\d+× 401 bad_signature\n/);
    expect(text.stdout).toContain("(--verbose lists every failed delivery)");
    const verbose = await simulate("--vendor", "huawei-live", "--wrong-signature-rate", "1", "--verbose");
    // Off a terminal the table is tab-separated: one row per failed delivery, under its header.
    const table = verbose.stdout.slice(verbose.stdout.indexOf("DELIVERY\t")).trim().split("\n");
    expect(table[0]).toBe("DELIVERY\tVENDOR\tEVENT\tSTREAM\tATTEMPTS\tSTATUS\tREASON");
    const failed = Number(/failed {5}(\d+)/.exec(verbose.stdout)?.[1]);
    expect(table.slice(1)).toHaveLength(failed);
    for (const row of table.slice(1))
      expect(row).toMatch(/^\S+\thuawei-live\tRECORD_\w+\tsim-\S+\t3\t401\tbad_signature$/);
  }, 120_000);

  test("sessions that no callback config matched are named, by vendor, domain and app", async () => {
    const r = await simulate("--vendor", "aliyun", "--vendor", "huawei-live", "--domain", "nothing.example.com");
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toMatch(
      /no config {4}aliyun-live domain nothing\.example\.com, app live: no callback config \(2 sessions: \S+, \S+\)/,
    );
    expect(r.stdout).toMatch(/no config {4}huawei-live domain nothing\.example\.com, app live: no callback config/);
    expect(r.stderr).toMatch(
      /^error: no deliveries: no callback config on the mock matched aliyun-live domain nothing\.example\.com, app live: no callback config \(2 sessions: .*\); huawei-live .*\(`livehook start` sets up the demo configs\)\n$/,
    );
  });
});

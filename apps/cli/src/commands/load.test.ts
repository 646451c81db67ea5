/**
 * `livehook load` against an in-process node:http sink: argument checks, the `--json` document, fixed-rate
 * scheduling (counted, never timed) and latency measured from the due time when the sink stalls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { DEMO_KEYS, receiverKeyEnv } from "../demo-setup.js";
import { EXIT } from "../errors.js";

const KEY_ENV = receiverKeyEnv(DEMO_KEYS);

type Sink = { url: string; arrivals: { at: number; path: string; body: string }[]; close: () => Promise<void> };
let sinks: Sink[] = [];

async function startSink(
  answer: (n: number, req: IncomingMessage, res: ServerResponse) => void = (_n, _req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'),
): Promise<Sink> {
  const arrivals: Sink["arrivals"] = [];
  const server: Server = createServer(async (req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    arrivals.push({ at, path: req.url ?? "", body: Buffer.concat(chunks).toString() });
    answer(arrivals.length, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const sink: Sink = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  sinks.push(sink);
  return sink;
}

afterEach(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  sinks = [];
});

const load = (args: string[], env: Record<string, string> = KEY_ENV) => run(["load", ...args], { env, now: "real" });

describe("livehook load: arguments", () => {
  test.each([
    [["--receiver", "not a url", "--vendor", "huawei-live"], "--receiver: not a URL"],
    [["--receiver", "ftp://h/hooks/huawei-live"], "expected an http or https URL"],
    [["--receiver", "http://127.0.0.1:1/somewhere"], "which vendor?"],
    [["--receiver", "http://127.0.0.1:1/x", "--vendor", "huawei-live", "--vendor", "huawei-rtc"], "{vendor}"],
    [["--receiver", "http://127.0.0.1:1/hooks/{vendor}", "--key", "k"], "--key applies to one vendor"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--rate", "0"], "--rate: expected a number above 0"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--rate", "fast"], "--rate"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--count", "1.5"], "--count: expected an integer"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--duration", "-1"], "--duration"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--connections", "0"], "--connections"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--duplicates", "1"], "--duplicates: expected a share"],
    [["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc", "--retries", "-1"], "--retries"],
  ])("%j is a usage error", async (args, message) => {
    const r = await load(args);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(message);
  });

  test("an unknown vendor is refused, naming the vendors; the short names are accepted", async () => {
    const r = await load(["--vendor", "tencent"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("huawei-live, huawei-rtc, aliyun-live");
    const sink = await startSink();
    const ok = await load(["--receiver", `${sink.url}/hooks/{vendor}`, "--vendor", "rtc", "--count", "3", "--json"]);
    expect(JSON.parse(ok.stdout).vendors).toEqual(["huawei-rtc"]);
  });

  test("a receiver without a path gets its /hooks/<vendor> for every vendor", async () => {
    const sink = await startSink();
    const r = await load(["--receiver", sink.url, "--count", "6", "--json"]);
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout).urls).toEqual([`${sink.url}/hooks/{vendor}`]);
    expect(new Set(sink.arrivals.map((a) => a.path)).size).toBe(3);
  });

  test("no key for a vendor says which variable to set", async () => {
    const r = await load(["--receiver", "http://127.0.0.1:1/hooks/huawei-rtc"], {});
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("LIVEHOOK_HUAWEI_RTC_KEY");
  });

  test("a URL nobody listens on is exit 3", async () => {
    const sink = await startSink();
    const url = sink.url;
    await sink.close();
    sinks = [];
    const r = await load(["--receiver", `${url}/hooks/huawei-live`, "--count", "3", "--connections", "1"]);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toContain("cannot reach");
  });
});

describe("livehook load: sending", () => {
  test("--json: counts by status and reason, percentiles, one path per vendor", async () => {
    const sink = await startSink((n, _req, res) => {
      if (n % 5 === 0) res.writeHead(503, { "content-type": "application/json" }).end('{"error":"store_unavailable"}');
      else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    const r = await load(["--receiver", `${sink.url}/hooks/{vendor}`, "--count", "60", "--connections", "1", "--json"]);
    expect(r.code).toBe(EXIT.failure);
    const report = JSON.parse(r.stdout);
    expect(report).toEqual({
      urls: [`${sink.url}/hooks/{vendor}`],
      vendors: ["huawei-live", "huawei-rtc", "aliyun-live"],
      rate: null,
      connections: 1,
      latencyFrom: "send",
      sent: 60,
      events: 60,
      duplicates: 0,
      retries: 0,
      attempts: 60,
      delivered: 48,
      failed: 12,
      elapsedSeconds: expect.any(Number),
      achievedRate: expect.any(Number),
      statuses: [
        { status: 200, reason: null, count: 48 },
        { status: 503, reason: "store_unavailable", count: 12 },
      ],
      latencyMs: { p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) },
    });
    const l = report.latencyMs;
    expect(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max).toBe(true);
    expect(new Set(sink.arrivals.map((a) => a.path))).toEqual(
      new Set(["/hooks/huawei-live", "/hooks/huawei-rtc", "/hooks/aliyun-live"]),
    );
    expect(new Set(sink.arrivals.map((a) => a.body)).size).toBe(60);
    expect(r.stderr).toContain("12 of 60 deliveries failed");
  });

  test("--retries resends a failed delivery, re-signed, until it succeeds", async () => {
    const sink = await startSink((n, _req, res) => {
      if (n % 4 === 0) res.writeHead(503, { "content-type": "application/json" }).end('{"error":"store_unavailable"}');
      else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    const r = await load([
      ...["--receiver", `${sink.url}/hooks/huawei-live`, "--count", "30", "--connections", "1"],
      ...["--retries", "3", "--retry-delay", "0", "--json"],
    ]);
    expect(r.code).toBe(EXIT.ok);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ sent: 30, delivered: 30, failed: 0 });
    expect(report.retries).toBeGreaterThanOrEqual(7);
    expect(report.attempts).toBe(30 + report.retries);
    expect(sink.arrivals).toHaveLength(report.attempts);
  });

  test("text output names rate, statuses and latency percentiles", async () => {
    const sink = await startSink();
    const r = await load(["--receiver", `${sink.url}/hooks/aliyun-live`, "--count", "20"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/rate +[\d.]+\/s achieved \(as fast as answered, 16 connections\)/);
    expect(r.stdout).toContain("status\treason\tcount\n200\t\t20\n");
    expect(r.stdout).toMatch(/latency +p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \(from each send\)/);
  });

  test("--rate: never ahead of schedule, and --duration sends exactly rate × duration requests", async () => {
    const sink = await startSink();
    const before = performance.now();
    const r = await load([
      "--receiver",
      `${sink.url}/hooks/huawei-rtc`,
      "--rate",
      "400",
      "--duration",
      "0.3",
      "--json",
    ]);
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 120, attempts: 120, rate: 400, latencyFrom: "due" });
    const arrivals = sink.arrivals.map((a) => a.at - before).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(120);
    // Request k is due 2.5k ms after the start (which comes after `before`): none may arrive sooner.
    const early = arrivals.filter((at, k) => at < k * 2.5);
    expect(early).toEqual([]);
  });

  test("--rate: a stall counts against every request due during it (coordinated omission)", async () => {
    const sink = await startSink((n, _req, res) => {
      const reply = () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      if (n === 5) setTimeout(reply, 400);
      else reply();
    });
    const r = await load([
      ...["--receiver", `${sink.url}/hooks/huawei-live`, "--rate", "100", "--count", "50"],
      ...["--connections", "1", "--json"],
    ]);
    const report = JSON.parse(r.stdout);
    expect(report.sent).toBe(50);
    // Requests 6 to 44 fall due during the 400 ms stall: measured from the send they would look instant, measured
    // from their due time most of them waited, so the median is far above the sink's own speed.
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(400);
    expect(report.latencyMs.p50).toBeGreaterThan(50);
  });

  test("--duplicates resends exactly that share of already sent events", async () => {
    const sink = await startSink();
    const r = await load([
      ...["--receiver", `${sink.url}/hooks/huawei-rtc`, "--count", "100", "--duplicates", "0.2"],
      ...["--connections", "1", "--json"],
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 100, events: 80, duplicates: 20 });
    const bodies = sink.arrivals.map((a) => a.body);
    expect(new Set(bodies).size).toBe(80);
  });
});

test("shell completion offers load, its options and the vendor choices", async () => {
  const r = await run(["completion", "bash"]);
  expect(r.stdout).toMatch(/'load'\) subcommands=""; flags="[^"]*--rate[^"]*--duplicates/);
  expect(r.stdout).toContain(`'load|--vendor') echo "huawei-live huawei-rtc aliyun-live"`);
});

/**
 * `livehook tail` across a receiver restart, with real processes: the receiver is killed while tail follows it,
 * then started again on the same port and database. Tail must say it lost the connection, retry, and show every
 * event and every rejected delivery exactly once, those stored while it was away included (issue 18 item 3).
 * And `--history`: the latest events and rejected deliveries first, in the order they arrived, then the stream.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { type RunningApp, startApp } from "../src/app-process.js";
import { runCli } from "../src/cli.js";
import { DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EXIT } from "../src/errors.js";
import { run, testContext } from "./cli-harness.js";
import { freePort } from "./ports.js";

const dir = mkdtempSync(join(tmpdir(), "livehook-tail-"));
let receiver: RunningApp | undefined;
afterAll(async () => {
  await receiver?.stop();
});

const env = {
  LIVEHOOK_HUAWEI_LIVE_KEY: DEMO_KEYS["huawei-live"],
  LIVEHOOK_HUAWEI_RTC_KEY: DEMO_KEYS["huawei-rtc"],
  LIVEHOOK_ALIYUN_LIVE_KEY: DEMO_KEYS["aliyun-live"],
};

async function startReceiver(port: number, db = "receiver.db"): Promise<RunningApp> {
  const { ctx } = testContext({ now: "real" });
  return startApp(ctx, "receiver", {
    args: ["--port", String(port), "--data", join(dir, db)],
    env: { PATH: process.env.PATH, LIVEHOOK_LOG_LEVEL: "warn", ...receiverKeyEnv(DEMO_KEYS) },
    output: { logFile: join(dir, "receiver.log") },
    host: "127.0.0.1",
    port,
  });
}

/** Bounded wait (about a minute) for a condition on tail's output. */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tail never showed ${what}`);
}

test("tail shows rejections, says when the receiver is gone, and resumes without missing or repeating anything", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  receiver = await startReceiver(port);
  const trigger = async (seed: string, ...damage: string[]) => {
    const r = await run(["trigger", "aliyun-live", "file_created", "--receiver", url, "--seed", seed, ...damage], {
      env,
      now: "real",
    });
    expect(r.code, r.stderr).toBe(EXIT.ok);
  };

  const stop = new AbortController();
  const { ctx, out, err } = testContext({ now: "real", signal: stop.signal, env });
  const tail = runCli(["tail", "--receiver", url, "--json"], ctx);
  type Line = { kind?: string; id: number; status?: number; reason?: string };
  const lines = () =>
    out()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Line);
  const events = () => lines().filter((l) => l.kind === undefined);
  const rejections = () => lines().filter((l) => l.kind === "rejection");

  // Before the restart: an event and a rejected delivery, each with what the receiver said.
  await trigger("one");
  await until("the first event", () => events().length === 1);
  await trigger("one-rejected", "--unsigned");
  await until("the first rejection", () => rejections().length === 1);
  expect(rejections()[0]).toMatchObject({ status: 401, reason: expect.any(String) });

  // The receiver dies: tail says so and keeps retrying.
  receiver.child.kill("SIGKILL");
  await receiver.exited;
  await until("the lost connection", () => err().includes(`lost the connection to ${url}`));

  // Back on the same data; what arrives before tail reconnects must still be shown, once.
  receiver = await startReceiver(port);
  await trigger("two");
  await trigger("two-rejected", "--wrong-key");
  await until("the reconnection", () => err().includes(`reconnected to ${url}`));
  await trigger("three");
  await until("every event and rejection", () => events().length >= 3 && rejections().length >= 2);
  stop.abort();
  expect(await tail).toBe(EXIT.ok);

  const stored = (await (await fetch(`${url}/api/events?limit=500`)).json()) as { events: { id: number }[] };
  const storedRejections = (await (await fetch(`${url}/api/rejections`)).json()) as {
    rejections: { id: number }[];
  };
  expect(events().map((e) => e.id)).toEqual(stored.events.map((e) => e.id).sort((a, b) => a - b));
  expect(rejections().map((r) => r.id)).toEqual(storedRejections.rejections.map((r) => r.id).sort((a, b) => a - b));
  expect(err()).toMatch(/lost the connection to \S+ \(.+\); retry 1 in 0\.25 s \(Ctrl-C to stop\)\n/);
}, 120_000);

test("--history shows the latest events and rejected deliveries in the order they came, then follows without repeats", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const own = await startReceiver(port, "history.db");
  try {
    const trigger = async (seed: string, ...damage: string[]) => {
      const r = await run(["trigger", "aliyun-live", "file_created", "--receiver", url, "--seed", seed, ...damage], {
        env,
        now: "real",
      });
      expect(r.code, r.stderr).toBe(EXIT.ok);
    };
    await trigger("h1");
    await trigger("h1-rejected", "--unsigned");
    await trigger("h2");
    await trigger("h2-rejected", "--wrong-key");
    await trigger("h3");

    const stop = new AbortController();
    const { ctx, out } = testContext({ now: "real", signal: stop.signal, env });
    const tail = runCli(["tail", "--receiver", url, "--history", "4", "--json"], ctx);
    type Line = { kind?: string; id: number; reason?: string };
    const lines = () =>
      out()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Line);
    await until("the history", () => lines().length >= 4);
    // Recorded after the history was read: shown by the stream, once.
    await trigger("h4-rejected", "--unsigned");
    await trigger("h4");
    await until("what came after", () => lines().length >= 6);
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    expect(await tail).toBe(EXIT.ok);

    const events = (await (await fetch(`${url}/api/events?limit=500`)).json()) as { events: { id: number }[] };
    const rejections = (await (await fetch(`${url}/api/rejections`)).json()) as { rejections: { id: number }[] };
    const [e1, e2, e3, e4] = events.events.map((e) => e.id).sort((a, b) => a - b);
    const [r1, r2, r3] = rejections.rejections.map((r) => r.id).sort((a, b) => a - b);
    expect(lines().map((l) => `${l.kind ?? "event"} ${l.id}`)).toEqual([
      `rejection ${r1}`,
      `event ${e2}`,
      `rejection ${r2}`,
      `event ${e3}`,
      `rejection ${r3}`,
      `event ${e4}`,
    ]);
    expect(e1).toBeDefined();
    // The history's rejections have the stream's shape: no headers or body.
    expect(Object.keys(lines()[0] ?? {}).sort()).toEqual(["id", "kind", "reason", "receivedAt", "status", "vendor"]);
  } finally {
    await own.stop();
  }
}, 120_000);

/**
 * Forward to your app, end to end through the CLI and the built receiver: `receive --forward-to` prints the
 * signing secret (the same after a restart) and one line per forward; the receiver's README example app verifies
 * every forward with the `standardwebhooks` package; `events resend` relays a stored event again; `start
 * --forward-to` does the same around the demo.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signHuaweiLiveCallbackBody } from "@livehook/core";
import { afterEach, expect, test } from "vitest";
import { runCli } from "../src/cli.js";
import { DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EXIT } from "../src/errors.js";
import { type RunResult, run, testContext } from "./cli-harness.js";
import { freePort } from "./ports.js";

const EXAMPLE_APP = new URL("../../receiver/examples/verify-forward.mjs", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "livehook-forward-"));
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill();
      await once(child, "exit");
    }
  }
});

/** The README's example app with this secret; resolves with its URL and the lines it printed. */
async function exampleApp(secret: string): Promise<{ url: string; lines: string[] }> {
  const child = spawn(process.execPath, [EXAMPLE_APP], {
    env: { PATH: process.env.PATH, LIVEHOOK_FORWARD_SECRET: secret, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const lines: string[] = [];
  const port = await new Promise<string>((resolve) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      const found = lines.map((l) => /listening on (\d+)/.exec(l)?.[1]).find(Boolean);
      if (found !== undefined) resolve(found);
    });
  });
  return { url: `http://127.0.0.1:${port}/webhooks`, lines };
}

/** `livehook receive` in-process until `stop()`; its output so far is readable meanwhile. */
function receive(args: string[]) {
  const stop = new AbortController();
  const { ctx, out, err } = testContext({
    now: "real",
    signal: stop.signal,
    env: { PATH: process.env.PATH, ...receiverKeyEnv(DEMO_KEYS) },
  });
  const done = runCli(["receive", ...args], ctx);
  return {
    out,
    err,
    stop: async (): Promise<number> => {
      stop.abort();
      return done;
    },
  };
}

const secretOf = (stderr: string) => /signing secret +(whsec_\S+)/.exec(stderr)?.[1];

test("receive --forward-to: the secret at start, stable across restarts; a line per forward; events resend", async () => {
  const port = String(await freePort());
  const data = join(dir, "receive.db");
  const first = receive(["--port", port, "--data", data, "--forward-to", "huawei-live=http://127.0.0.1:9/unused"]);
  await expect.poll(() => secretOf(first.err()), { timeout: 30_000 }).toBeDefined();
  const secret = secretOf(first.err()) ?? "";
  expect(first.err()).toContain("forwarding to    http://127.0.0.1:9/unused (huawei-live)");
  expect(first.err()).toContain(`kept in ${data}.forward-secret`);
  expect(await first.stop()).toBe(EXIT.ok);

  // The user's app learns the secret, the receiver restarts forwarding there: the same secret.
  const app = await exampleApp(secret);
  const second = receive(["--port", port, "--data", data, "--forward-to", app.url]);
  await expect.poll(() => secretOf(second.err()), { timeout: 30_000 }).toBe(secret);
  try {
    const body = signHuaweiLiveCallbackBody(
      {
        event_type: "RECORD_FILE_COMPLETE",
        publish_domain: "push.example.com",
        app: "live",
        stream: "forwarded-stream",
        job_id: "forwarded-job",
        download_url: "https://obs.example.com/live/forwarded.m3u8",
      },
      DEMO_KEYS["huawei-live"],
      "HMACSHA256",
      Math.floor(Date.now() / 1000) + 60,
    );
    const delivered = await fetch(`http://127.0.0.1:${port}/hooks/huawei-live`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(delivered.status).toBe(200);
    const id = delivered.headers.get("x-livehook-event-id");
    const forwardLine = new RegExp(`→ huawei-live +RECORD_FILE_COMPLETE +${app.url} 204 in \\d+ ms #${id}`);
    await expect.poll(() => second.out(), { timeout: 20_000 }).toMatch(forwardLine);
    // The receiver's own JSON line for it is not shown as well.
    expect(second.out()).not.toContain('"msg":"forwarded"');
    await expect.poll(() => app.lines.filter((l) => l.includes("forwarded-stream")).length).toBe(1);
    expect(app.lines.find((l) => l.includes("forwarded-stream"))).toMatch(/^huawei-live RECORD_FILE_COMPLETE \{/);

    const resent: RunResult = await run(["events", "resend", `#${id}`, "--receiver", `http://127.0.0.1:${port}`], {
      now: "real",
    });
    expect(resent.stdout).toMatch(new RegExp(`^event #${id} → ${app.url}: 204 in \\d+ ms\\n$`));
    expect(resent.code).toBe(EXIT.ok);
    await expect.poll(() => app.lines.filter((l) => l.includes("forwarded-stream")).length).toBe(2);
    await expect.poll(() => second.out()).toMatch(/204 in \d+ ms \(resend\)/);

    const missing = await run(["events", "resend", "999999", "--receiver", `http://127.0.0.1:${port}`], {
      now: "real",
    });
    expect(missing.code).toBe(EXIT.failure);
    expect(missing.stderr).toContain(`event #999999 is not stored at http://127.0.0.1:${port}`);
  } finally {
    expect(await second.stop()).toBe(EXIT.ok);
  }
}, 90_000);

test("events resend with no forwarding target says so and exits 1", async () => {
  const port = String(await freePort());
  const plain = receive(["--port", port, "--data", join(dir, "plain.db")]);
  await expect.poll(() => plain.err(), { timeout: 30_000 }).toContain("receiver ready");
  try {
    const body = signHuaweiLiveCallbackBody(
      { event_type: "RECORD_OVER", publish_domain: "push.example.com", app: "live", stream: "s" },
      DEMO_KEYS["huawei-live"],
      "HMACSHA256",
      Math.floor(Date.now() / 1000) + 60,
    );
    const res = await fetch(`http://127.0.0.1:${port}/hooks/huawei-live`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const id = res.headers.get("x-livehook-event-id");
    const r = await run(["events", "resend", String(id), "--receiver", `http://127.0.0.1:${port}`], { now: "real" });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain(
      `event #${id}: no forwarding target for huawei-live: start the receiver with --forward-to`,
    );
  } finally {
    await plain.stop();
  }
}, 60_000);

test("start --forward-to: the banner names the target and the secret, and demo events reach the app", async () => {
  const dataDir = join(dir, "start");
  const secret = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
  // The secret of an earlier run, kept beside the database: the app already knows it.
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, "receiver.db.forward-secret"), `${secret}\n`, { mode: 0o600 });
  const app = await exampleApp(secret);
  const r = await run(
    [
      "start",
      "--once",
      "--mock-port",
      String(await freePort()),
      "--receiver-port",
      String(await freePort()),
      "--data-dir",
      dataDir,
      "--forward-to",
      app.url,
    ],
    { now: "real", env: { PATH: process.env.PATH } },
  );
  expect(r.stderr).toContain("demo events stored exactly once");
  expect(r.code).toBe(EXIT.ok);
  expect(r.stdout).toContain(`forwarding to    ${app.url} (huawei-live, huawei-rtc, aliyun-live)`);
  expect(r.stdout).toContain(`signing secret   ${secret}`);
  expect(r.stdout).toMatch(/→ (huawei-live|huawei-rtc|aliyun-live) .* 204 in \d+ ms #\d+/);
  await expect
    .poll(() => app.lines.filter((l) => /^(huawei-live|huawei-rtc|aliyun-live) /.test(l)).length)
    .toBeGreaterThan(0);
}, 180_000);

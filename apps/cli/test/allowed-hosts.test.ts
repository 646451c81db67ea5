/**
 * `livehook receive` and `livehook mock` pass `--allowed-hosts` through: the name a reverse proxy or a tunnel uses
 * is answered, any other name is still refused (the DNS-rebinding check of each app).
 */
import { request } from "node:http";
import { expect, test } from "vitest";
import { runCli } from "../src/cli.js";
import { DEMO_KEYS, receiverKeyEnv } from "../src/demo-setup.js";
import { EXIT } from "../src/errors.js";
import { testContext } from "./cli-harness.js";
import { freePort } from "./ports.js";

/** A GET with this Host header (fetch cannot set one); resolves with the status. */
function statusFor(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

test.each([
  ["receive", "/api/events", ["--data", ":memory:"]],
  ["mock", "/v1/0123456789abcdef0123456789abcdef/record/callbacks", []],
])("%s --allowed-hosts: the listed name is answered, another is refused", async (command, path, extra) => {
  const port = await freePort();
  const stop = new AbortController();
  const { ctx, err } = testContext({
    now: "real",
    signal: stop.signal,
    env: { PATH: process.env.PATH, ...receiverKeyEnv(DEMO_KEYS) },
  });
  const done = runCli([command, "--port", String(port), ...extra, "--allowed-hosts", "hooks.example.com"], ctx);
  try {
    await expect.poll(() => err(), { timeout: 30_000 }).toContain("ready at");
    expect(await statusFor(port, path, `hooks.example.com:${port}`)).toBe(200);
    expect(await statusFor(port, path, `127.0.0.1:${port}`)).toBe(200);
    expect(await statusFor(port, path, "evil.example")).toBe(403);
  } finally {
    stop.abort();
    expect(await done).toBe(EXIT.ok);
  }
});

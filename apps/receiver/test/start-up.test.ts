/**
 * The built receiver as a user starts it: what it says about its keys, and a busy port as one line and exit 1 (no
 * "listening" line, no stack trace), --help and a mistyped flag. Real processes and a real socket, because all of
 * them are about the process.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt, MAIN, spawnReceiver } from "./spawn-receiver.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "livehook-start-up-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("start-up", () => {
  test("per vendor, whether it has keys and how many; a near-miss variable is named", async () => {
    const r = await spawnReceiver(["--data", join(dir, "keys.db")], {
      LIVEHOOK_ALIYUN_LIVE_KEYS: "SECRETaliyunA,SECRETaliyunB",
      // The name `start` used to print: the receiver does not read it.
      LIVEHOOK_HUAWEI_LIVE_KEY: "SECREThuaweiLiveKey0123456789abcdef",
    });
    r.child.kill("SIGTERM");
    await r.exited;
    const lines = r.logs
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; vendor?: string; keyCount?: number });
    const byVendor = Object.fromEntries(lines.filter((l) => l.vendor).map((l) => [l.vendor, l.keyCount]));
    expect(byVendor).toEqual({ "huawei-live": 0, "huawei-rtc": 0, "aliyun-live": 2 });
    expect(lines.map((l) => l.msg)).toContain(
      "LIVEHOOK_HUAWEI_LIVE_KEY is not read; did you mean LIVEHOOK_HUAWEI_LIVE_KEYS?",
    );
    expect(r.logs.join("")).not.toContain("SECRET");
  });

  test("a busy port is one line and exit 1, before any listening line", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const failure = await spawnReceiver(["--port", String(port), "--data", join(dir, "busy.db")], {}).then(
        () => undefined,
        (err: Error) => err.message,
      );
      // spawnReceiver's error is "receiver exited with <code> before listening:\n" and everything the process printed.
      expect(failure).toBe(
        `receiver exited with 1 before listening:\nlivehook-receiver: port ${port} is in use; pass --port or stop it\n`,
      );
    } finally {
      blocker.close();
    }
  });

  test("--help prints the usage and exits 0 without opening a store; a mistyped flag points at it", () => {
    ensureBuilt();
    const help = spawnSync(process.execPath, [MAIN, "--help"], { cwd: dir, encoding: "utf8", env: {} });
    expect(help.status).toBe(0);
    expect(help.stderr).toBe("");
    expect(help.stdout).toMatch(/^Usage: livehook-receiver \[options\]\n/);
    expect(help.stdout).toContain("LIVEHOOK_HUAWEI_LIVE_KEYS");
    expect(existsSync(join(dir, ".livehook"))).toBe(false);

    const typo = spawnSync(process.execPath, [MAIN, "--databse-url", "postgres://x"], {
      cwd: dir,
      encoding: "utf8",
      env: {},
    });
    expect(typo.status).toBe(1);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain("Unknown option '--databse-url'");
    expect(typo.stderr).toContain("(--help lists the options)");
    expect(existsSync(join(dir, ".livehook"))).toBe(false);
  });
});

/** The real entry point, as a user runs it: exit codes, one-line errors, no stack traces, a closed pipe. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function livehook(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    input: input ?? "",
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("dist/main.js", () => {
  test("is built (turbo runs the build before the tests)", () => {
    expect(existsSync(bin)).toBe(true);
  });

  test("--version and --help exit 0", () => {
    expect(livehook(["--version"]).code).toBe(0);
    const help = livehook(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: livehook");
  });

  test("a usage error is exit 2, one line and no stack", () => {
    const r = livehook(["verify", "huawei-live", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option '--bogus'\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a rejected signature is exit 1", () => {
    const body = JSON.stringify({ event_type: "RECORD_OVER", auth_timestamp: 1, auth_sign: "00".repeat(32) });
    const r = livehook(["verify", "huawei-live", "--key", "k", "--now", "1"], body);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: signature rejected: bad_signature\n");
  });

  test("an unreachable mock is exit 3", () => {
    const r = livehook(["aliyun", "notify-config", "get", "--domain", "d.example.com", "--mock", "http://127.0.0.1:9"]);
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});

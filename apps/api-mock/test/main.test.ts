/**
 * The entry point as a real process (via tsx): usage errors and a busy port exit 1, it listens, SIGTERM stops it
 * cleanly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { MIGRATIONS, Store } from "../src/state/store.js";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function waitFor(pred: () => boolean, child: ChildProcess, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("main", () => {
  test("a bad option exits 1 with the usage; --auth on without credentials too", async () => {
    const bad = run(["--port", "nope"]);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("Usage: livehook-mock");
    const noCreds = run(["--auth", "on"], { LIVEHOOK_MOCK_AK: "", LIVEHOOK_MOCK_SK: "" });
    expect(await noCreds.exited).toBe(1);
    expect(noCreds.output()).toContain("LIVEHOOK_MOCK_AK");
  });

  test("a --data file from a newer mock exits 1 and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-mock-main-"));
    try {
      const file = join(dir, "mock.db");
      new Store(file).close();
      const db = new Database(file);
      db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
      db.close();
      const p = run(["--port", "0", "--data", file]);
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain(`${file} was written by a newer @livehook/api-mock`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a busy port is one line and exit 1: no stack trace, no listening line", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const p = run(["--port", String(port)]);
      expect(await p.exited).toBe(1);
      expect(p.output()).toBe(`livehook-mock: port ${port} is in use; pass --port or stop it\n`);
    } finally {
      blocker.close();
    }
  });

  test("the listening line is printed whatever the log level (parents wait for it)", async () => {
    const p = run(["--port", "0", "--log-level", "silent"]);
    await waitFor(() => p.output().includes("livehook api-mock listening"), p.child);
    expect(JSON.parse(p.output().trim()) as { port: number }).toMatchObject({ port: expect.any(Number) });
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });

  test("listens on 127.0.0.1, answers /healthz, stops on SIGTERM", async () => {
    const p = run(["--port", "0", "--log-level", "info"]);
    await waitFor(() => p.output().includes("listening"), p.child);
    const port = Number(/"port":(\d+)/.exec(p.output())?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(p.output()).toContain('"address":"127.0.0.1"');
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await res.json()).toEqual({ status: "ok" });
    // Over a real socket the body is read from the IncomingMessage: the size cap and an empty GET both hold.
    const big = await fetch(`http://127.0.0.1:${port}/v1/p/record/callbacks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect([big.status, ((await big.json()) as { error_code: string }).error_code]).toEqual([400, "LIVE.100011001"]);
    const created = await fetch(`http://127.0.0.1:${port}/v1/p/record/callbacks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ publish_domain: "push.example.com", app: "live" }),
    });
    expect(created.status).toBe(201);
    const list = await fetch(`http://127.0.0.1:${port}/v1/p/record/callbacks`);
    expect(((await list.json()) as { total: number }).total).toBe(1);
    // DNS rebinding guard: a page whose name was re-resolved to 127.0.0.1 still sends its own Host.
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      request({ port, host: "127.0.0.1", path: "/_mock/deliveries", headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on("error", reject)
        .end();
    });
    expect(rebound).toBe(403);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });
});

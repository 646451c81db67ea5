/**
 * The deploy folder the Dockerfile's runtime stage copies (`pnpm deploy --prod`) runs the receiver on its own: only
 * `node` on PATH, no workspace above it, no dev dependencies inside it. No container engine runs on our machines,
 * so this is the part of the image that can be tested here; test/dockerfile.test.ts checks the rest.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { signHuaweiLiveCallbackBody } from "@livehook/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type DeployedProcess,
  deployApp,
  installedPackages,
  nodeModulesAbove,
  REPO_ROOT,
  startDeployed,
  storeEntryName,
} from "./deploy-folder.js";
import { healthcheckCommand, parseDockerfile } from "./dockerfile.js";
import { huaweiLiveEvent, KEYS } from "./helpers.js";
import { ensureBuilt } from "./spawn-receiver.js";

// Dev dependencies of the receiver and of core: none of them may reach the image.
const DEV_ONLY = [
  "vitest",
  "vite",
  "tsx",
  "typescript",
  "esbuild",
  "playwright-core",
  "fast-check",
  "@biomejs/biome",
  "@types/node",
  "@types/pg",
  "@types/better-sqlite3",
  "openapi-typescript",
  "publint",
  "@arethetypeswrong/cli",
];
const ADMIN_TOKEN = "deploy-test-admin-token-0123456789";

/** Runs the Dockerfile's HEALTHCHECK command as the container would, against a receiver on `port`. */
function runImageHealthcheck(port: number): number | null {
  const dockerfile = readFileSync(join(REPO_ROOT, "apps", "receiver", "Dockerfile"), "utf8");
  const check = parseDockerfile(dockerfile)
    .stages.at(-1)
    ?.instructions.find((i) => i.keyword === "HEALTHCHECK");
  const [program, ...args] = healthcheckCommand(check?.args ?? "") ?? [];
  if (program !== "node") throw new Error(`HEALTHCHECK should run node, not ${program}`);
  return spawnSync(process.execPath, args, {
    env: { PATH: dirname(process.execPath), LIVEHOOK_PORT: String(port) },
    timeout: 10_000,
  }).status;
}

describe("pnpm deploy --prod folder of the receiver", () => {
  const work = mkdtempSync(join(tmpdir(), "livehook-deploy-"));
  const deployDir = join(work, "receiver");
  const runDir = join(work, "run");
  const dataFile = join(runDir, "data", "receiver.db");
  let receiver: DeployedProcess | undefined;
  let url = "";

  beforeAll(async () => {
    ensureBuilt();
    const started = Date.now();
    await deployApp("@livehook/receiver", deployDir);
    // Visible in the test output, so a slow deploy on a loaded machine is noticed before it hits the timeout.
    process.stdout.write(`pnpm deploy of the receiver took ${Date.now() - started} ms\n`);
  }, 270_000);

  afterAll(async () => {
    if (receiver !== undefined && receiver.child.exitCode === null) {
      receiver.child.kill("SIGKILL");
      await receiver.exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  test("holds the built receiver and core, and no sources, tests or dev dependencies", () => {
    // `files` in package.json decides: the build output and the README, nothing a developer works on.
    const top = readdirSync(deployDir);
    expect(top).toEqual(expect.arrayContaining(["README.md", "dist", "node_modules", "package.json"]));
    for (const devOnly of ["src", "test", "bench", "scripts", "tsconfig.json", "vitest.config.ts", "BENCHMARKS.md"]) {
      expect(top).not.toContain(devOnly);
    }
    expect(statSync(join(deployDir, "dist", "main.js")).isFile()).toBe(true);
    expect(statSync(join(deployDir, "dist", "store", "sqlite-worker.js")).isFile()).toBe(true);

    const core = join(deployDir, "node_modules", "@livehook", "core");
    expect(statSync(join(core, "dist", "index.js")).isFile()).toBe(true);
    // A copy, not a link back into the workspace: the folder must survive being copied into an image.
    const coreTop = readdirSync(core);
    expect(coreTop).toEqual(expect.arrayContaining(["dist", "openapi", "package.json", "test-vectors"]));
    for (const devOnly of ["src", "scripts", "bench", "node_modules", "tsconfig.json"])
      expect(coreTop).not.toContain(devOnly);
    expect(readdirSync(join(core, "dist")).some((f) => f.includes(".test."))).toBe(false);

    const names = installedPackages(deployDir).map(storeEntryName);
    expect(names).toEqual(expect.arrayContaining(["better-sqlite3", "hono", "kysely", "pg", "pino", "zod"]));
    expect(names.filter((n) => DEV_ONLY.includes(n) || n.startsWith("@types/"))).toEqual([]);
    expect(readdirSync(join(deployDir, "node_modules")).filter((n) => !n.startsWith("."))).not.toContain("vitest");

    // pnpm 10 runs install scripts only for onlyBuiltDependencies: better-sqlite3's addon must have been built.
    const addon = join(deployDir, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
    expect(statSync(addon).size).toBeGreaterThan(100_000);
  });

  test("starts with only node on PATH, outside the repository, and answers /healthz and /readyz", async () => {
    // Node resolves packages upwards from dist/main.js: with a node_modules above, a missing package could hide.
    expect(nodeModulesAbove(deployDir)).toEqual([]);
    receiver = await startDeployed({
      deployDir,
      cwd: work,
      env: {
        PATH: dirname(process.execPath),
        LIVEHOOK_PORT: "0",
        LIVEHOOK_DATA: dataFile,
        LIVEHOOK_HUAWEI_LIVE_KEYS: KEYS.huaweiLive,
        LIVEHOOK_ADMIN_TOKEN: ADMIN_TOKEN,
      },
      waitFor: "livehook receiver listening",
    });
    url = String(receiver.listening.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.listening.store).toBe(dataFile);
    expect(statSync(dataFile).isFile()).toBe(true);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", store: "sqlite" });
    expect(runImageHealthcheck(Number(receiver.listening.port))).toBe(0);
  });

  test("stores a signed event and serves it back through the query API under the admin token", async () => {
    const body = huaweiLiveEvent({ job_id: "deploy-folder-job" });
    const res = await fetch(`${url}/hooks/huawei-live`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // The receiver runs on the real clock in its own process, so the event is signed with the current time.
      body: signHuaweiLiveCallbackBody(body, KEYS.huaweiLive, "HMACSHA256", Math.floor(Date.now() / 1000)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 1, result: "success" });
    expect(res.headers.get("x-livehook-duplicate")).toBe("0");
    const id = Number(res.headers.get("x-livehook-event-id"));

    expect((await fetch(`${url}/api/events`)).status).toBe(401);
    const list = await fetch(`${url}/api/events?vendor=huawei-live`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(list.status).toBe(200);
    const { events } = (await list.json()) as { events: Record<string, unknown>[] };
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id,
      vendor: "huawei-live",
      eventType: "RECORD_FILE_COMPLETE",
      // HMACSHA256 signs seven named fields of a Huawei Live body, not the whole body (README, migration 0005).
      authenticated: { scope: "fields" },
      bodyAuthenticated: false,
      valid: true,
    });
  });

  test("SIGTERM drains and exits 0, leaving the SQLite file behind", async () => {
    const running = receiver;
    if (running === undefined) throw new Error("the receiver did not start");
    running.child.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.output.join("")).not.toContain(KEYS.huaweiLive);
    expect(readFileSync(dataFile).subarray(0, 15).toString()).toBe("SQLite format 3");
    // The image's HEALTHCHECK fails once nothing listens, so an orchestrator notices a dead receiver.
    expect(runImageHealthcheck(Number(running.listening.port))).toBe(1);
  });
});

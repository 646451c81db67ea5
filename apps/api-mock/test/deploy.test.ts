/**
 * The mock's `pnpm deploy --prod` folder (what apps/api-mock/Dockerfile copies into its runtime stage) runs on its
 * own: only `node` on PATH, started from outside the repository, no dev dependencies inside. Apps never import each
 * other, so this file keeps its own copy of the few lines the receiver's deploy test shares with it.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// Dev dependencies of the mock (SDKs and prism drive its tests) and of core.
const DEV_ONLY = [
  "vitest",
  "tsx",
  "typescript",
  "fast-check",
  "yaml",
  "@biomejs/biome",
  "@alicloud/pop-core",
  "@alicloud/openapi-client",
  "@huaweicloud/huaweicloud-sdk-core",
  "@stoplight/prism-cli",
  "openapi-typescript",
  "publint",
];

/** `@scope+name@1.2.3_peer@4` (a pnpm virtual store entry) -> `@scope/name`. */
const storeEntryName = (entry: string): string =>
  entry.slice(0, entry.indexOf("@", entry.startsWith("@") ? 1 : 0)).replace("+", "/");

describe("pnpm deploy --prod folder of the mock", () => {
  const work = mkdtempSync(join(tmpdir(), "livehook-mock-deploy-"));
  const deployDir = join(work, "api-mock");

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, "apps", "api-mock", "dist", "main.js"))) {
      throw new Error("apps/api-mock/dist is missing: build first (turbo's test task depends on build)");
    }
    // --config.inject-workspace-packages: see docs/deploy.md ("Why the flag").
    await promisify(execFile)(
      "npx",
      [
        "-y",
        "pnpm@10.34.8",
        "--config.inject-workspace-packages=true",
        "--filter=@livehook/api-mock",
        "deploy",
        "--prod",
        deployDir,
      ],
      { cwd: REPO_ROOT, env: process.env, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
    );
  }, 270_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("holds dist, core's dist and the production dependencies only", () => {
    const top = readdirSync(deployDir);
    expect(top).toEqual(expect.arrayContaining(["dist", "node_modules", "package.json"]));
    for (const devOnly of ["src", "test", "bench", "tsconfig.json", "vitest.config.ts"])
      expect(top).not.toContain(devOnly);
    expect(statSync(join(deployDir, "node_modules", "@livehook", "core", "dist", "index.js")).isFile()).toBe(true);
    const names = readdirSync(join(deployDir, "node_modules", ".pnpm"))
      .filter((e) => e !== "node_modules" && e !== "lock.yaml")
      .map(storeEntryName);
    expect(names).toEqual(expect.arrayContaining(["better-sqlite3", "hono", "pino", "zod"]));
    expect(names.filter((n) => DEV_ONLY.includes(n) || n.startsWith("@types/"))).toEqual([]);
  });

  test("starts with only node on PATH, answers /healthz, keeps a config in its SQLite file, exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [join(deployDir, "dist", "main.js")], {
      cwd: work,
      env: { PATH: dirname(process.execPath), PORT: "0", LIVEHOOK_MOCK_DATA: join(work, "mock.db") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mock did not start:\n${output}`)), 30_000);
      child.stdout?.on("data", (d: Buffer) => {
        output += d.toString();
        const m = /"port":(\d+).*"msg":"livehook api-mock listening"/.exec(output);
        if (m?.[1] === undefined) return;
        clearTimeout(timer);
        resolve(Number(m[1]));
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`mock exited ${code} before listening:\n${output}`));
      });
    });
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });

    const created = await fetch(`${base}/v1/deploy-test/record/callbacks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        publish_domain: "push.example.com",
        app: "live",
        notify_callback_url: "http://127.0.0.1:9/x",
      }),
    });
    expect(created.status).toBe(201);
    const listed = (await (await fetch(`${base}/v1/deploy-test/record/callbacks`)).json()) as { total: number };
    expect(listed.total).toBe(1);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(statSync(join(work, "mock.db")).size).toBeGreaterThan(0);
  });
});

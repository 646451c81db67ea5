/**
 * Starts the built receiver (dist/main.js) as a child process, as the CLI does, and waits for its
 * "listening" log line. Used by the cross-process tests, scripts/kill9.ts and the benchmark.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The built `livehook-receiver` command. */
export const MAIN = join(APP_DIR, "dist", "main.js");

/**
 * Builds dist/ when it is missing or older than a source (a local `vitest run` after an edit must not test stale
 * output: the SQLite worker and every spawned receiver run from dist/). Under CI turbo has built it before any test
 * runs, and rebuilding here would rewrite dist/ while other packages' tests start receivers from it (they then load
 * half-written modules), so a stale build there is an error instead.
 */
export function ensureBuilt(): void {
  const stale = staleOutputs();
  if (stale.length === 0) return;
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    throw new Error(`apps/receiver/dist is missing or older than its sources: ${stale.slice(0, 5).join(", ")}`);
  }
  execFileSync(
    process.execPath,
    [join(APP_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: APP_DIR,
      stdio: "inherit",
    },
  );
}

/** Test-only sources tsconfig.build.json excludes: they have no output. */
const NOT_BUILT = [".test.ts", ".test-d.ts", ".suite.ts"];

/** The outputs tsconfig.build.json would write that are missing or older than their source. */
export function staleOutputs(): string[] {
  const src = join(APP_DIR, "src");
  const stale: string[] = [];
  for (const file of readdirSync(src, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts") || NOT_BUILT.some((suffix) => file.endsWith(suffix))) continue;
    const out = join(APP_DIR, "dist", file.replace(/\.ts$/, ".js"));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(src, file)).mtimeMs) stale.push(out);
  }
  return stale;
}

export type RunningReceiver = {
  url: string;
  child: ChildProcess;
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export async function spawnReceiver(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  /** Flags for node itself, e.g. --cpu-prof (which NODE_OPTIONS does not accept). */
  nodeArgs: readonly string[] = [],
  /** Another build's entry point, for the bench's --builds comparison; the default builds dist/ when missing. */
  main?: string,
): Promise<RunningReceiver> {
  if (main === undefined) ensureBuilt();
  const child = spawn(process.execPath, [...nodeArgs, main ?? MAIN, "--port", "0", ...args], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? "", LIVEHOOK_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not start:\n${logs.join("")}`)), timeoutMs);
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      logs.push(chunk.toString());
      buffer += chunk.toString();
      for (const line of buffer.split("\n")) {
        if (!line.includes("livehook receiver listening")) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
      buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
    });
    child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`receiver exited with ${code} before listening:\n${logs.join("")}`));
    });
  });
  return { url, child, logs, exited };
}

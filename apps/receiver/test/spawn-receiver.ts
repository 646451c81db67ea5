/**
 * Starts the built receiver (dist/main.js) as a child process, as the CLI does, and waits for its
 * "listening" log line. Used by the cross-process tests, scripts/kill9.ts and the benchmark.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(APP_DIR, "dist", "main.js");

/** Builds dist/ when a test runs before `pnpm build` (turbo builds first in CI). */
export function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  execFileSync(
    process.execPath,
    [join(APP_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: APP_DIR,
      stdio: "inherit",
    },
  );
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

/**
 * Builds a `pnpm deploy --prod` folder of a workspace app and starts it the way a server (or the Dockerfile's
 * runtime stage) does: `node dist/main.js` from a working directory outside the repository, with only the
 * environment it is given. Used by test/deploy.test.ts; docs/deploy.md describes the same commands.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, parse } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const PNPM = ["-y", "pnpm@10.34.8"] as const;

/**
 * pnpm 10 deploys only from a workspace with injected workspace packages; setting it for this one command keeps the
 * workspace's own install symlinked (so a rebuilt core is seen at once, cache hits included) while the deploy
 * gets a real copy of @livehook/core with its dist, resolved from the shared lockfile.
 */
export const DEPLOY_ARGS = (filter: string, out: string): string[] => [
  ...PNPM,
  "--config.inject-workspace-packages=true",
  `--filter=${filter}`,
  "deploy",
  "--prod",
  out,
];

/** Runs `pnpm deploy --prod` through npx (which the test process's PATH has) and resolves when it is done. */
export async function deployApp(filter: string, out: string): Promise<void> {
  await promisify(execFile)("npx", DEPLOY_ARGS(filter, out), {
    cwd: REPO_ROOT,
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
    // Normally ~10 s: the store already holds every package and better-sqlite3's built addon. On a Node.js line the
    // store has not built it for yet, pnpm compiles it here, which takes minutes on 2 cores.
    timeout: 240_000,
  });
}

/** Every package folder in a deploy folder's pnpm virtual store, as `name@version` (scoped names keep the scope). */
export function installedPackages(deployDir: string): string[] {
  const store = join(deployDir, "node_modules", ".pnpm");
  return readdirSync(store).filter((entry) => entry !== "node_modules" && entry !== "lock.yaml");
}

/** The package name part of a virtual store entry (`@scope+name@1.2.3_peer@4` -> `@scope/name`). */
export const storeEntryName = (entry: string): string => {
  const scoped = entry.startsWith("@");
  const at = entry.indexOf("@", scoped ? 1 : 0);
  return entry.slice(0, at).replace("+", "/");
};

/** node_modules folders above `dir`: if any existed, node could resolve a package the deploy folder lacks. */
export function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) found.push(join(d, "node_modules"));
    if (d === parse(d).root) return found;
  }
}

export type DeployedProcess = {
  child: ChildProcess;
  /** The first log line that contains the wait string, parsed. */
  listening: Record<string, unknown>;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Starts `node <deployDir>/dist/main.js` with exactly `env` (PATH included by the caller) and waits for the JSON log
 * line containing `waitFor`.
 */
export async function startDeployed(opts: {
  deployDir: string;
  cwd: string;
  env: Record<string, string>;
  args?: readonly string[];
  waitFor: string;
  timeoutMs?: number;
}): Promise<DeployedProcess> {
  const child = spawn(process.execPath, [join(opts.deployDir, "dist", "main.js"), ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${opts.waitFor}" line:\n${output.join("")}`)),
      opts.timeoutMs ?? 30_000,
    );
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.includes(opts.waitFor)) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before "${opts.waitFor}":\n${output.join("")}`));
    });
  });
  return { child, listening, output, exited };
}

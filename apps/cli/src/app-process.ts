/**
 * Runs the mock and the receiver as child processes. The CLI never imports their code: it resolves each app's
 * `bin` from its package.json and runs it with this Node, so `livehook` works from the workspace and installed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type { CliContext } from "./context.js";
import { CliError, EXIT } from "./errors.js";

export type AppName = "mock" | "receiver";

const APPS: Record<AppName, { pkg: string; bin: string }> = {
  mock: { pkg: "@livehook/api-mock", bin: "livehook-mock" },
  receiver: { pkg: "@livehook/receiver", bin: "livehook-receiver" },
};

export function resolveAppBin(app: AppName): string {
  const { pkg, bin } = APPS[app];
  const require = createRequire(import.meta.url);
  let pkgJsonPath: string;
  try {
    pkgJsonPath = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new CliError(`${pkg} is not installed next to livehook`, EXIT.failure);
  }
  const manifest = JSON.parse(readFileSync(pkgJsonPath, "utf8")) as { bin?: string | Record<string, string> };
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[bin];
  if (rel === undefined) throw new CliError(`${pkg} has no "${bin}" bin`, EXIT.failure);
  const path = resolve(dirname(pkgJsonPath), rel);
  if (!existsSync(path)) {
    throw new CliError(`${pkg} is not built (${path} is missing): run \`npx -y pnpm@10.34.8 build\``, EXIT.failure);
  }
  return path;
}

export type RunningApp = {
  name: AppName;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop: (graceMs?: number) => Promise<void>;
};

export type StartAppOptions = {
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Where the app's stdout/stderr go: the terminal, or a log file. */
  output: "inherit" | { logFile: string };
  host: string;
  port: number;
  /** Bounded wait for /healthz. */
  readyTimeoutMs?: number;
};

const READY_POLL_MS = 100;

export async function startApp(ctx: CliContext, name: AppName, o: StartAppOptions): Promise<RunningApp> {
  const bin = resolveAppBin(name);
  let tail = "";
  const child = spawn(process.execPath, [bin, ...o.args], {
    env: { ...o.env } as NodeJS.ProcessEnv,
    stdio: o.output === "inherit" ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
  });
  if (o.output !== "inherit") {
    mkdirSync(dirname(o.output.logFile), { recursive: true });
    const log = createWriteStream(o.output.logFile, { flags: "a" });
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      // The end of the output explains an early exit (a port in use, a bad option).
      tail = (tail + chunk.toString("utf8")).slice(-2000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", () => log.end());
  }
  const exited = new Promise<number | string>((resolveExit) => {
    child.on("exit", (code, signal) => resolveExit(code ?? signal ?? "unknown"));
    child.on("error", () => resolveExit("spawn_failed"));
  });
  const url = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`;
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const app: RunningApp = { name, url, child, exited, stop };

  let ended: number | string | undefined;
  void exited.then((code) => {
    ended = code;
  });
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (ended !== undefined) {
      const why = /EADDRINUSE/.test(tail)
        ? `port ${o.port} is already in use`
        : `exited with ${ended}${lastLine(tail)}`;
      throw new CliError(`the ${name} did not start: ${why}`, EXIT.failure);
    }
    if (ctx.signal.aborted) {
      await stop();
      throw new CliError(`interrupted while starting the ${name}`, EXIT.interrupted);
    }
    try {
      const res = await ctx.fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return app;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  await stop();
  throw new CliError(
    `the ${name} did not answer ${url}/healthz within ${Math.round((o.readyTimeoutMs ?? 30_000) / 1000)} s`,
    EXIT.failure,
  );
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim();
  if (!line) return "";
  // pino lines are JSON: show their message.
  try {
    const parsed = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return `: ${parsed.err?.message ?? parsed.msg ?? line}`;
  } catch {
    return `: ${line.slice(0, 300)}`;
  }
}

/** Resolves when the signal fires. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((r) => signal.addEventListener("abort", () => r(), { once: true }));
}

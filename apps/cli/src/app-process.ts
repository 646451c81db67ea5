/**
 * Runs the mock and the receiver as child processes. The CLI never imports their code: it resolves each app's
 * `bin` from its package.json and runs it with this Node, so `livehook` works from the workspace and installed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { BusyPortError } from "./busy-port.js";
import type { CliContext } from "./context.js";
import { CliError, EXIT } from "./errors.js";

export type AppName = "mock" | "receiver";

const APPS: Record<AppName, { pkg: string; bin: string }> = {
  mock: { pkg: "@livehook/api-mock", bin: "livehook-mock" },
  receiver: { pkg: "@livehook/receiver", bin: "livehook-receiver" },
};

export function resolveAppBin(app: AppName): string {
  const { pkg, bin } = APPS[app];
  // Node's own lookup folders, searched by hand: a package's `exports` need not expose its package.json.
  const lookup = createRequire(import.meta.url).resolve.paths(pkg) ?? [];
  const pkgJsonPath = lookup.map((dir) => join(dir, pkg, "package.json")).find((path) => existsSync(path));
  if (pkgJsonPath === undefined) throw new CliError(`${pkg} is not installed next to livehook`, EXIT.failure);
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
  /** The app's listening line, parsed: what it says about itself (the receiver: its forwarding). */
  listening: Record<string, unknown>;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop: (graceMs?: number) => Promise<void>;
};

export type StartAppOptions = {
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Where the app's stdout/stderr go: this command's own output, or a log file. */
  output: "inherit" | { logFile: string };
  host: string;
  port: number;
  /** The option that picks another port, named when the port is taken (default `--port`). */
  portFlag?: string;
  /** Bounded wait for the app's listening line. */
  readyTimeoutMs?: number;
  /**
   * Called with each line of the app's stdout; a line it answers `true` for is handled (shown by the caller its
   * own way) and not passed on to this command's output (a log file still gets every line).
   */
  onLine?: (line: string) => boolean;
};

/**
 * The line (a pino message) each app prints once its server is listening, with the port it bound. Readiness is
 * this line on the stdout of the process we started: a URL can be answered by anyone already on the port.
 */
export const LISTENING_MESSAGE: Record<AppName, string> = {
  mock: "livehook api-mock listening",
  receiver: "livehook receiver listening",
};

/** The port of an app's listening line, or undefined when the line is something else. */
export function listeningPort(name: AppName, line: string): number | undefined {
  const port = listeningLine(name, line)?.port;
  return typeof port === "number" ? port : undefined;
}

/** An app's listening line, parsed, or undefined when the line is something else. */
export function listeningLine(name: AppName, line: string): Record<string, unknown> | undefined {
  if (!line.includes(LISTENING_MESSAGE[name])) return undefined;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return parsed.msg === LISTENING_MESSAGE[name] && typeof parsed.port === "number" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Both apps end with this line (and exit 1) when their port is taken; older builds die with EADDRINUSE. */
const BUSY_PORT = /\bport \d+ is in use\b|EADDRINUSE/;

export async function startApp(ctx: CliContext, name: AppName, o: StartAppOptions): Promise<RunningApp> {
  const bin = resolveAppBin(name);
  let tail = "";
  const child = spawn(process.execPath, [bin, ...o.args], {
    env: { ...o.env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Inherited output is held back until the app is listening: a failed start is then the CLI's one line only.
  let held: { stream: "out" | "err"; text: string }[] | undefined = [];
  const emit = (stream: "out" | "err", text: string) => {
    if (held !== undefined) held.push({ stream, text });
    else if (stream === "out") ctx.writeOut(text);
    else ctx.writeErr(text);
  };
  const releaseHeld = () => {
    const pending = held ?? [];
    held = undefined;
    for (const chunk of pending) emit(chunk.stream, chunk.text);
  };
  const log = o.output === "inherit" ? undefined : openLog(o.output.logFile);
  // With `onLine`, stdout is passed on by whole lines, so that a handled line can be left out.
  let partial = "";
  const passOn = (stream: "out" | "err", text: string) => {
    const onLine = o.onLine;
    if (stream === "err" || onLine === undefined) return text;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    return lines
      .filter((line) => !onLine(line))
      .map((line) => `${line}\n`)
      .join("");
  };
  const keep = (stream: "out" | "err") => (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    const shown = passOn(stream, text);
    if (log !== undefined) log.write(chunk);
    else if (shown !== "") emit(stream, shown);
    // The end of the output explains an early exit (a port in use, a bad option).
    tail = (tail + text).slice(-2000);
  };
  child.stdout.on("data", keep("out"));
  child.stderr.on("data", keep("err"));
  child.on("close", () => log?.end());

  const exited = new Promise<number | string>((resolveExit) => {
    child.on("exit", (code, signal) => resolveExit(code ?? signal ?? "unknown"));
    child.on("error", () => resolveExit("spawn_failed"));
  });
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  // The end of the output must be in `tail` before an early exit is explained: "close" comes after the last byte.
  const closed = new Promise<number | string>((resolveClose) => {
    child.on("close", (code, signal) => resolveClose(code ?? signal ?? "unknown"));
    child.on("error", () => resolveClose("spawn_failed"));
  });
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  const outcome = await new Promise<
    { port: number; line: Record<string, unknown> } | { exit: number | string } | "timeout" | "aborted"
  >((resolveOutcome) => {
    let pending = "";
    const onLine = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const parsed = listeningLine(name, line);
        if (parsed !== undefined) settle({ port: parsed.port as number, line: parsed });
      }
    };
    const onAbort = () => settle("aborted");
    const timer = setTimeout(() => settle("timeout"), timeoutMs);
    function settle(
      value: { port: number; line: Record<string, unknown> } | { exit: number | string } | "timeout" | "aborted",
    ) {
      clearTimeout(timer);
      child.stdout.off("data", onLine);
      ctx.signal.removeEventListener("abort", onAbort);
      resolveOutcome(value);
    }
    child.stdout.on("data", onLine);
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    if (ctx.signal.aborted) settle("aborted");
    void closed.then((code) => settle({ exit: code }));
  });
  if (typeof outcome === "object" && "port" in outcome) {
    releaseHeld();
    const url = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${outcome.port}`;
    return { name, url, listening: outcome.line, child, exited, stop };
  }
  if (outcome === "aborted") {
    await stop();
    throw new CliError(`interrupted while starting the ${name}`, EXIT.interrupted);
  }
  if (outcome === "timeout") {
    await stop();
    throw new CliError(
      `the ${name} did not report listening within ${Math.round(timeoutMs / 1000)} s${lastLine(tail)}`,
      EXIT.failure,
    );
  }
  if (BUSY_PORT.test(tail)) throw new BusyPortError(o.port, o.portFlag ?? "--port");
  // Anything else the app said (a bad option, its usage) is the explanation: show it as it was printed.
  releaseHeld();
  throw new CliError(`the ${name} did not start: exited with ${outcome.exit}${lastLine(tail)}`, EXIT.failure);
}

function openLog(file: string): WriteStream {
  mkdirSync(dirname(file), { recursive: true });
  return createWriteStream(file, { flags: "a" });
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

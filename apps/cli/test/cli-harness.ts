/** Runs `livehook` command lines in-process with captured output, a fixed clock and an injectable stdin. */
import { runCli } from "../src/cli.js";
import type { CliContext } from "../src/context.js";

export type RunResult = { code: number; stdout: string; stderr: string };

export type HarnessOptions = {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  /** A fixed instant; `"real"` for tests against child processes, which use the real clock. */
  now?: Date | "real";
  isTTY?: boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  cwd?: string;
  /** How hints spell the command (default `livehook`). */
  self?: string;
};

export function testContext(opts: HarnessOptions = {}): { ctx: CliContext; out: () => string; err: () => string } {
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    writeOut: (t) => {
      stdout += t;
    },
    writeErr: (t) => {
      stderr += t;
    },
    isTTY: opts.isTTY ?? false,
    stdinIsTTY: opts.stdin === undefined,
    readStdin: async () => Buffer.from(opts.stdin ?? ""),
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    now: () => (opts.now === "real" ? new Date() : (opts.now ?? new Date("2026-03-01T00:00:00Z"))),
    fetch: opts.fetch ?? globalThis.fetch,
    signal: opts.signal ?? new AbortController().signal,
    random: () => 0.5,
    self: opts.self ?? "livehook",
  };
  return { ctx, out: () => stdout, err: () => stderr };
}

export async function run(argv: string[], opts: HarnessOptions = {}): Promise<RunResult> {
  const { ctx, out, err } = testContext(opts);
  const code = await runCli(argv, ctx);
  return { code, stdout: out(), stderr: err() };
}

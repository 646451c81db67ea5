#!/usr/bin/env node
/**
 * The entry point, and the only module that ends the process (STYLE habit 25). It builds the real context and
 * turns Ctrl-C into an abort signal, so long-running commands stop their children and exit cleanly.
 */
import { runCli } from "./cli.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./errors.js";
import { selfCommand } from "./self-command.js";

const interrupt = new AbortController();
let interrupts = 0;
const onSignal = () => {
  interrupts += 1;
  // A second Ctrl-C means "now": skip the clean shutdown.
  if (interrupts > 1) process.exit(EXIT.interrupted);
  interrupt.abort();
};
process.on("SIGINT", onSignal);
// `livehook … | head` closes stdout early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(EXIT.ok);
  throw err;
});
process.on("SIGTERM", onSignal);

const ctx: CliContext = {
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  fetch: globalThis.fetch,
  signal: interrupt.signal,
  random: Math.random,
  self: selfCommand(),
};

const code = await runCli(process.argv.slice(2), ctx);
process.exitCode = code;
// Pending sockets or timers of an interrupted command must not keep the process alive.
if (interrupt.signal.aborted) process.exit(process.exitCode);

/**
 * Builds the commander program from the commands' declarations and runs it. It never exits: it returns the exit
 * code, so tests run whole command lines in-process and `main.ts` stays the only place that ends the process.
 * Each declaration loads its implementation only when it runs, so `livehook --help` imports none of them.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { aliyunCommand } from "./commands/aliyun-notify.command.js";
import { completionCommand } from "./commands/completion.command.js";
import { doctorCommand } from "./commands/doctor.command.js";
import { eventsCommand } from "./commands/events.command.js";
import { huaweiCommand } from "./commands/huawei-callbacks.command.js";
import { loadCommand } from "./commands/load.command.js";
import { reconcileCommand } from "./commands/reconcile.command.js";
import { rtcCommand } from "./commands/rtc-callback.command.js";
import { mockCommand, receiveCommand } from "./commands/run-app.command.js";
import { signCommand } from "./commands/sign.command.js";
import { simulateCommand } from "./commands/simulate.command.js";
import { startCommand } from "./commands/start.command.js";
import { tailCommand } from "./commands/tail.command.js";
import { triggerCommand } from "./commands/trigger.command.js";
import { verifyCommand } from "./commands/verify.command.js";
import type { CliContext } from "./context.js";
import { debugWanted } from "./env.js";
import { CliError, EXIT } from "./errors.js";
import { printError } from "./output.js";

function readVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "0.0.0";
}

/** `addCommand`, unlike `command()`, does not pass the program's settings down (exit override, output, help). */
function inheritSettings(parent: CommandUnknownOpts, cmd: CommandUnknownOpts): void {
  cmd.copyInheritedSettings(parent);
  for (const sub of cmd.commands) inheritSettings(cmd, sub);
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("livehook")
    .description("Develop, receive and manage the recording callbacks of Huawei Cloud Live, SparkRTC and Alibaba Live")
    .version(readVersion(), "-V, --version")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: ctx.writeOut,
      writeErr: ctx.writeErr,
      outputError: (str, write) => write(str),
    });
  const commands = [
    startCommand(ctx),
    mockCommand(ctx),
    receiveCommand(ctx),
    tailCommand(ctx),
    eventsCommand(ctx),
    simulateCommand(ctx),
    loadCommand(ctx),
    reconcileCommand(ctx),
    triggerCommand(ctx),
    doctorCommand(ctx),
    signCommand(ctx),
    verifyCommand(ctx),
    huaweiCommand(ctx),
    rtcCommand(ctx),
    aliyunCommand(ctx),
    completionCommand(ctx),
  ];
  for (const cmd of commands) {
    inheritSettings(program, cmd);
    program.addCommand(cmd);
  }
  program.addHelpText(
    "after",
    `
Exit codes: 0 ok, 1 check failed (mismatch, doctor finding, gap), 2 usage error, 3 unreachable, 4 vendor error,
130 interrupted. Set LIVEHOOK_DEBUG=1 to see stack traces of unexpected errors.`,
  );
  return program;
}

/** Runs one command line (without `node` and the script path) and returns the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (err) {
    return exitCodeOf(err, ctx);
  }
}

function exitCodeOf(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // Help and version end through here with exit code 0; commander has already printed its one-line error.
    if (err.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    printError(ctx, err.message);
    return err.exitCode;
  }
  if (ctx.signal.aborted) return EXIT.interrupted;
  const message = err instanceof Error ? err.message : String(err);
  printError(ctx, `unexpected: ${message}`);
  if (debugWanted(ctx) && err instanceof Error && err.stack) ctx.writeErr(`${err.stack}\n`);
  return EXIT.failure;
}

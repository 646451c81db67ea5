/**
 * Builds the commander program from the command tree and runs it. It never exits: it returns the exit code, so tests
 * run whole command lines in-process and `main.ts` stays the only place that ends the process.
 */
import { readFileSync } from "node:fs";
import { Argument, Command, CommanderError, Option } from "commander";
import type { CommandSpec } from "./command-spec.js";
import { commandTree } from "./commands.js";
import type { CliContext } from "./context.js";
import { debugWanted } from "./env.js";
import { CliError, EXIT } from "./errors.js";
import { printError } from "./output.js";

function readVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "0.0.0";
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function addCommand(parent: Command, spec: CommandSpec, ctx: CliContext): void {
  const cmd = parent.command(spec.name).description(spec.description);
  for (const a of spec.arguments ?? []) {
    const arg = new Argument(a.syntax, a.description);
    if (a.choices) arg.choices(a.choices);
    cmd.addArgument(arg);
  }
  for (const o of spec.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.choices) opt.choices(o.choices);
    if (o.repeatable) opt.argParser(collect);
    if (o.default !== undefined) opt.default(o.default);
    cmd.addOption(opt);
  }
  if (spec.helpAfter) cmd.addHelpText("after", `\n${spec.helpAfter}`);
  for (const sub of spec.subcommands ?? []) addCommand(cmd, sub, ctx);
  const load = spec.load;
  if (load) {
    cmd.action(async (...params: unknown[]) => {
      // Commander passes the positional arguments, then the options object, then the command.
      const command = params[params.length - 1] as Command;
      const args = params.slice(0, -2) as (string | string[] | undefined)[];
      const run = await load();
      await run({ args, opts: command.opts() }, ctx);
    });
  }
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
  for (const spec of commandTree) addCommand(program, spec, ctx);
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

/**
 * Commands are data (STYLE habit 25): a tree of names, arguments and options that `cli.ts` turns into commander
 * commands. Each leaf names a loader, so a command's implementation (and core, zod, the HTTP code…) is imported only
 * when that command runs; `livehook --help` loads none of it.
 */
import type { CliContext } from "./context.js";

export type OptionSpec = {
  /** Commander flags, e.g. `--key <key>` or `--json`. */
  flags: string;
  description: string;
  default?: string | boolean;
  choices?: readonly string[];
  /** The option may be given several times; its value is then a string array. */
  repeatable?: boolean;
};

export type CommandInput = {
  /** Positional arguments in declaration order (a variadic one is the last, as an array). */
  args: readonly (string | readonly string[] | undefined)[];
  opts: Readonly<Record<string, unknown>>;
};

export type CommandRun = (input: CommandInput, ctx: CliContext) => Promise<void>;

export type CommandSpec = {
  name: string;
  description: string;
  /** Commander argument syntax: `<vendor>`, `[file]`, `[ids...]`. */
  arguments?: readonly { syntax: string; description: string; choices?: readonly string[] }[];
  options?: readonly OptionSpec[];
  subcommands?: readonly CommandSpec[];
  /** Extra help text printed after the options (examples, env vars). */
  helpAfter?: string;
  load?: () => Promise<CommandRun>;
};

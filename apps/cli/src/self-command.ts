/**
 * The command line that runs livehook where the user is, for the commands the banner, hints and help texts print.
 * Inside the livehook checkout no `livehook` bin is on the PATH: the root script runs it, through pnpm when the
 * user has one (`pnpm livehook …`) and otherwise through the pnpm the checkout pins as a dev dependency
 * (`npx pnpm livehook …`). Anywhere else `npx livehook …` finds a local or global install and otherwise fetches
 * the `livehook` package, so the printed line works in any directory.
 */
import { existsSync } from "node:fs";
import { delimiter, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const INSTALLED_COMMAND = "npx livehook";
export const WORKSPACE_COMMAND = "pnpm livehook";
export const WORKSPACE_COMMAND_WITHOUT_PNPM = "npx pnpm livehook";

export type SelfCommandOptions = {
  /** This package's folder; the checkout is the one it sits in as `apps/cli`, never an installed copy. */
  cliDir?: string;
  /** The user's PATH. pnpm's own `node_modules/.bin` folders do not count: they exist only while pnpm runs. */
  path?: string;
};

export function selfCommand(o: SelfCommandOptions = {}): string {
  const cliDir = o.cliDir ?? fileURLToPath(new URL("..", import.meta.url));
  const installed = cliDir.split(sep).includes("node_modules");
  if (installed || !existsSync(join(cliDir, "..", "..", "pnpm-workspace.yaml"))) return INSTALLED_COMMAND;
  const userDirs = (o.path ?? process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !dir.split(sep).includes("node_modules"));
  return userDirs.some((dir) => existsSync(join(dir, "pnpm"))) ? WORKSPACE_COMMAND : WORKSPACE_COMMAND_WITHOUT_PNPM;
}

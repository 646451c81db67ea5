/** `livehook completion`: its declaration. The script is generated from the command tree when the command runs. */
import { Argument, Command } from "@commander-js/extra-typings";
import type { CliContext } from "../context.js";

export const COMPLETION_SHELLS = ["bash", "zsh"] as const;

export function completionCommand(ctx: CliContext) {
  return new Command("completion")
    .description("print a shell completion script for bash or zsh")
    .addArgument(new Argument("<shell>", COMPLETION_SHELLS.join(" or ")).choices(COMPLETION_SHELLS))
    .addHelpText(
      "after",
      `
Completes the \`livehook\` command, so it needs livehook on your PATH (\`npm install --global livehook\`).
bash: source <(livehook completion bash)   in ~/.bashrc
zsh:  source <(livehook completion zsh)    in ~/.zshrc, after compinit
      (or save it as _livehook in a directory of $fpath)`,
    )
    .action(async (shell, _opts, command) => {
      const { completionScript } = await import("./completion.js");
      // The script describes the whole program this command belongs to, so it follows every command and option.
      ctx.writeOut(completionScript(shell, command.parent ?? command));
    });
}

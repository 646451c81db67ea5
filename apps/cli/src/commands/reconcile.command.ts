/** `livehook reconcile`: its declaration. The implementation is imported only when the command runs. */
import { Command } from "@commander-js/extra-typings";
import { jsonOption, mockUrlOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { deprecatedAlias, receiverOption, timeoutOption, vendorOption } from "../vocabulary.js";

export function reconcileCommand(ctx: CliContext) {
  const cmd = new Command("reconcile")
    .description("compare what the mock delivered with what a receiver stored; --redeliver fills the gaps")
    .addOption(mockUrlOption())
    .addOption(receiverOption())
    .addOption(vendorOption("only this vendor"))
    .option("--session <id>", "only this mock session")
    .option("--since <time>", "only deliveries created since (ISO date or Unix seconds)")
    .option("--redeliver", "ask the mock to redeliver every missing event, then check again")
    .option("--rounds <n>", "redelivery rounds at most (default 3)")
    .addOption(timeoutOption("how long to wait for pending deliveries to settle (default 60)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExit code 0 when every event sent is stored exactly once, 1 when something is missing or duplicated.",
    )
    .action(async (opts) => {
      const { runReconcile } = await import("./reconcile.js");
      await runReconcile(opts, ctx);
    });
  return deprecatedAlias(cmd, ctx, "--wait <seconds>", "--timeout");
}

export type ReconcileOptions = OptionsOf<ReturnType<typeof reconcileCommand>>;

/** `livehook reconcile`: its declaration. The implementation is imported only when the command runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { jsonOption, mockUrlOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { VENDORS } from "../vendors.js";

export function reconcileCommand(ctx: CliContext) {
  return new Command("reconcile")
    .description("compare what the mock delivered with what a receiver stored; --redeliver fills the gaps")
    .addOption(mockUrlOption())
    .option("--receiver <url>", "the receiver's URL (default: LIVEHOOK_RECEIVER_URL or http://127.0.0.1:4020)")
    .addOption(new Option("--vendor <vendor>", "only this vendor").choices(VENDORS))
    .option("--session <id>", "only this mock session")
    .option("--since <time>", "only deliveries created since (ISO date or Unix seconds)")
    .option("--redeliver", "ask the mock to redeliver every missing event, then check again")
    .option("--rounds <n>", "redelivery rounds at most (default 3)")
    .option("--wait <seconds>", "wait for pending deliveries to settle (default 60)")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExit code 0 when every event sent is stored exactly once, 1 when something is missing or duplicated.",
    )
    .action(async (opts) => {
      const { runReconcile } = await import("./reconcile.js");
      await runReconcile(opts, ctx);
    });
}

export type ReconcileOptions = OptionsOf<ReturnType<typeof reconcileCommand>>;

/** `livehook tail`: its declaration. The implementation is imported only when the command runs. */
import { Command } from "@commander-js/extra-typings";
import type { OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { deprecatedAlias, receiverOption, vendorOption } from "../vocabulary.js";

export function tailCommand(ctx: CliContext) {
  const cmd = new Command("tail")
    .description("follow a receiver's stored events and rejected deliveries; a lost connection is retried")
    .addOption(receiverOption())
    .addOption(vendorOption("only this vendor"))
    .option("--event-type <type>", "only this event type")
    .option("--domain <domain>", "only this domain")
    .option("--app <app>", "only this app")
    .option("--stream <stream>", "only this stream")
    .option("--history <n>", "first print the last n events and rejected deliveries (default 0)")
    .option("--count <n>", "stop after n events")
    .option("--json", 'one JSON object per line (rejected deliveries have "kind":"rejection")')
    .addHelpText(
      "after",
      `
Rejected deliveries (status and reason) show in their own colour; --event-type, --domain, --app and --stream
show events only. When the connection drops, tail says so, retries (250 ms doubling to 5 s) and resumes after the
last event and rejection it showed, so nothing is missed or shown twice.
Set LIVEHOOK_ADMIN_TOKEN when the receiver is protected by one.`,
    )
    .action(async (opts) => {
      const { runTail } = await import("./tail.js");
      await runTail(opts, ctx);
    });
  return deprecatedAlias(cmd, ctx, "--url <url>", "--receiver");
}

export type TailOptions = OptionsOf<ReturnType<typeof tailCommand>>;

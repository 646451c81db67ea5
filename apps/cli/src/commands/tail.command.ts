/** `livehook tail`: its declaration. The implementation is imported only when the command runs. */
import { Command, Option } from "@commander-js/extra-typings";
import type { OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { VENDORS } from "../vendors.js";

export function tailCommand(ctx: CliContext) {
  return new Command("tail")
    .description("follow a receiver's stored events")
    .option("--url <url>", "the receiver (default: LIVEHOOK_RECEIVER_URL or http://127.0.0.1:4020)")
    .addOption(new Option("--vendor <vendor>", "only this vendor").choices(VENDORS))
    .option("--event-type <type>", "only this event type")
    .option("--domain <domain>", "only this domain")
    .option("--app <app>", "only this app")
    .option("--stream <stream>", "only this stream")
    .option("--history <n>", "first print the last n events (default 0)")
    .option("--count <n>", "stop after n events")
    .option("--json", "one JSON object per line")
    .addHelpText("after", "\nSet LIVEHOOK_ADMIN_TOKEN when the receiver is protected by one.")
    .action(async (opts) => {
      const { runTail } = await import("./tail.js");
      await runTail(opts, ctx);
    });
}

export type TailOptions = OptionsOf<ReturnType<typeof tailCommand>>;

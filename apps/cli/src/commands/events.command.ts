/** `livehook events`: the receiver's stored events. The implementation is imported only when a command runs. */
import { Command } from "@commander-js/extra-typings";
import { jsonOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { receiverOption } from "../vocabulary.js";

export function eventsCommand(ctx: CliContext) {
  const events = new Command("events").description("the receiver's stored events");
  events.addCommand(eventsResendCommand(ctx));
  return events;
}

function eventsResendCommand(ctx: CliContext) {
  return new Command("resend")
    .description("relay a stored event to the receiver's forwarding target again (its --forward-to)")
    .argument("<id>", "the event's id (`#12` in tail, start and the inspector)")
    .addOption(receiverOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Exit code 0 when the app answered 2xx, 1 when it answered anything else or could not be reached, 3 when the
receiver cannot be reached. Set LIVEHOOK_ADMIN_TOKEN when the receiver is protected by one.`,
    )
    .action(async (id, opts) => {
      const { runEventsResend } = await import("./events.js");
      await runEventsResend(id, opts, ctx);
    });
}

export type EventsResendOptions = OptionsOf<ReturnType<typeof eventsResendCommand>>;

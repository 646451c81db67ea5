import type { CliContext } from "../context.js";
import { receiverUrl } from "../env.js";
import { CheckFailed } from "../errors.js";
import { createOutput } from "../output.js";
import { parseInteger } from "../parse-values.js";
import { resendEvent } from "../receiver-client.js";
import type { EventsResendOptions } from "./events.command.js";

/** `livehook events resend <id>`: the receiver relays the event now and says how the app answered. */
export async function runEventsResend(id: string, opts: EventsResendOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const eventId = parseInteger(id.replace(/^#/, ""), "<id>", 1, Number.MAX_SAFE_INTEGER);
  const result = await resendEvent(ctx, receiverUrl(ctx, opts.receiver), eventId);
  if (opts.json) out.json(result);
  if (result.status === null) {
    throw new CheckFailed(`event #${eventId}: ${result.target} could not be reached (${result.reason})`);
  }
  if (!opts.json) {
    const answer = result.delivered ? out.color.ok(String(result.status)) : out.color.bad(String(result.status));
    out.line(`event #${eventId} → ${result.target}: ${answer} in ${result.ms} ms`);
  }
  if (!result.delivered) throw new CheckFailed(`event #${eventId}: the app answered ${result.status}`);
}

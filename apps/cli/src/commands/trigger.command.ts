/** `livehook trigger`: its declaration. The implementation (and core) is imported only when the command runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { DEFAULT_URLS } from "../env.js";
import { HUAWEI_LIVE_SIGN_TYPES } from "../vendors.js";
import { deprecatedAlias, receiverOption, vendorArgument } from "../vocabulary.js";

export function triggerCommand(ctx: CliContext) {
  const cmd = new Command("trigger")
    .description("send one realistic, correctly signed sample event to a URL (or a damaged one)")
    .addArgument(vendorArgument("<vendor>", "callback scheme"))
    .argument(
      "<event>",
      "the vendor's event name, any case: RECORD_NEW_FILE_START, RECORD_FILE_COMPLETE, RECORD_OVER, RECORD_FAILED, " +
        "CLOUD_RECORD_SERVER_OVER, file_created, record_started, record_paused, record_resumed, record_error…",
    )
    .addOption(
      receiverOption(
        `the receiver (default: LIVEHOOK_RECEIVER_URL or ${DEFAULT_URLS.receiver}; the event goes to its /hooks/<vendor>), or a full callback URL`,
      ),
    )
    .addOption(keyOption())
    .option("--tamper", "change a signed field after signing (expect 401)")
    .option("--expire", "sign with a timestamp an hour old (expect 401)")
    .option("--wrong-key", "sign with another key (expect 401)")
    .option("--unsigned", "send no signature (expect 401)")
    .option("--replay", "send the same bytes twice (expect 200 both times, stored once)")
    .addOption(new Option("--sign-type <type>", "huawei-live algorithm").choices(HUAWEI_LIVE_SIGN_TYPES))
    .option("--domain <domain>", "publish/stream domain in the event")
    .option("--app <app>", "app name (SparkRTC: app id) in the event")
    .option("--stream <stream>", "stream name in the event")
    .option("--seed <seed>", "derive the event ids from this seed (same seed, same event)")
    .option(
      "--body <file>",
      "send this JSON body instead of a sample event ('-' for stdin; <event> then only labels the output)",
    )
    .option("--dry-run", "print the request instead of sending it")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Says whether the receiver did what a correct one does: "✓ accepted" / "✓ rejected as expected", or
"✗ accepted a tampered event" (and the like). Exit code 0 when it did (200, or 4xx for a damaged event), 1
otherwise, 3 when the URL cannot be reached.
${KEY_ENV_HELP}`,
    )
    .action(async (vendor, event, opts) => {
      const { runTrigger } = await import("./trigger.js");
      await runTrigger(vendor, event, opts, ctx);
    });
  return deprecatedAlias(cmd, ctx, "--to <url>", "--receiver");
}

export type TriggerOptions = OptionsOf<ReturnType<typeof triggerCommand>>;

/** `livehook trigger`: its declaration. The implementation (and core) is imported only when the command runs. */
import { Argument, Command, Option } from "@commander-js/extra-typings";
import { jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { VENDORS } from "../vendors.js";

export function triggerCommand(ctx: CliContext) {
  return new Command("trigger")
    .description("send one realistic, correctly signed sample event to a URL (or a damaged one)")
    .addArgument(new Argument("<vendor>", VENDORS.join(", ")).choices(VENDORS))
    .argument(
      "<event>",
      "the vendor's event name, any case: RECORD_NEW_FILE_START, RECORD_FILE_COMPLETE, RECORD_OVER, RECORD_FAILED, " +
        "CLOUD_RECORD_SERVER_OVER, file_created, record_started, record_paused, record_resumed, record_error…",
    )
    .option("--to <url>", "the receiver URL, e.g. http://127.0.0.1:4020/hooks/huawei-live")
    .addOption(keyOption())
    .option("--tamper", "change a signed field after signing (expect 401)")
    .option("--expire", "sign with a timestamp an hour old (expect 401)")
    .option("--wrong-key", "sign with another key (expect 401)")
    .option("--unsigned", "send no signature (expect 401)")
    .option("--replay", "send the same bytes twice (expect 200 both times, stored once)")
    .addOption(new Option("--sign-type <type>", "huawei-live algorithm").choices(["HMACSHA256", "MD5"]))
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
Exit code 0 when the receiver answered as a correct one should (200, or 4xx for a damaged event), 1 otherwise,
3 when the URL cannot be reached.
${KEY_ENV_HELP}`,
    )
    .action(async (vendor, event, opts) => {
      const { runTrigger } = await import("./trigger.js");
      await runTrigger(vendor, event, opts, ctx);
    });
}

export type TriggerOptions = OptionsOf<ReturnType<typeof triggerCommand>>;

/** `livehook doctor`: its declaration. The implementation (and core) is imported only when the command runs. */
import { Command } from "@commander-js/extra-typings";
import { jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { DEFAULT_URLS } from "../env.js";
import { deprecatedAlias, receiverOption, vendorOption } from "../vocabulary.js";

export function doctorCommand(ctx: CliContext) {
  const cmd = new Command("doctor")
    .description("probe a receiver with good, replayed, tampered, wrong-key, expired, unsigned and oversized events")
    .addOption(
      receiverOption(
        `the receiver (default: LIVEHOOK_RECEIVER_URL or ${DEFAULT_URLS.receiver}), or its callback URL, e.g. ${DEFAULT_URLS.receiver}/hooks/huawei-rtc`,
      ),
    )
    .addOption(vendorOption("callback scheme (default: from a /hooks/<vendor> URL path)"))
    .addOption(keyOption())
    .option("--max-body <bytes>", "the receiver's body limit; the oversized probe exceeds it (default 1 MiB)")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Exit code 0 when every probe got the expected answer, 1 otherwise, 3 when the URL cannot be reached.
${KEY_ENV_HELP}`,
    )
    .action(async (opts) => {
      const { runDoctor } = await import("./doctor.js");
      await runDoctor(opts, ctx);
    });
  return deprecatedAlias(cmd, ctx, "--url <url>", "--receiver");
}

export type DoctorOptions = OptionsOf<ReturnType<typeof doctorCommand>>;

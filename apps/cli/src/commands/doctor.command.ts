/** `livehook doctor`: its declaration. The implementation (and core) is imported only when the command runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { VENDORS } from "../vendors.js";

export function doctorCommand(ctx: CliContext) {
  return new Command("doctor")
    .description("probe a receiver with good, replayed, tampered, wrong-key, expired, unsigned and oversized events")
    .option("--url <url>", "the receiver's callback URL, e.g. http://127.0.0.1:4020/hooks/huawei-rtc")
    .addOption(new Option("--vendor <vendor>", "callback scheme (default: from the URL path)").choices(VENDORS))
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
}

export type DoctorOptions = OptionsOf<ReturnType<typeof doctorCommand>>;

/** `livehook sign`: its declaration. The implementation (and core) is imported only when the command runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf, schemeArgument } from "../command-options.js";
import type { CliContext } from "../context.js";
import { HUAWEI_LIVE_SIGN_TYPES } from "../vendors.js";

export function signCommand(ctx: CliContext) {
  return new Command("sign")
    .description("sign a callback body as the vendor would and print the signed body or headers")
    .addArgument(schemeArgument())
    .argument("[file]", "body file; '-' or omitted reads stdin")
    .addOption(keyOption())
    .addOption(
      new Option("--sign-type <type>", "huawei-live algorithm").choices(HUAWEI_LIVE_SIGN_TYPES).default("HMACSHA256"),
    )
    .option("--timestamp <t>", "Unix seconds or ISO date (default: now; huawei-live: now + 300 s)")
    .option("--rand <n>", "huawei-rtc X-Rtc-Rand (default: random)")
    .option("--url <url>", "aliyun-live: the callback URL (its hostname is signed)")
    .option("--host <host>", "aliyun-live: the signed host, instead of --url")
    .option("--signature-only", "huawei-live: print auth_sign only")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Examples:
  ${ctx.self} sign huawei-live body.json --key $KEY
  cat body.json | ${ctx.self} sign huawei-rtc --key $KEY
  ${ctx.self} sign aliyun-live --url https://hooks.example.com/aliyun --key $KEY

${KEY_ENV_HELP}`,
    )
    .action(async (scheme, file, opts) => {
      const { runSign } = await import("./sign.js");
      await runSign(scheme, file, opts, ctx);
    });
}

export type SignOptions = OptionsOf<ReturnType<typeof signCommand>>;

/** `livehook verify`: its declaration. The implementation (and core) is imported only when the command runs. */
import { Command } from "@commander-js/extra-typings";
import { collect, jsonOption, KEY_ENV_HELP, keyOption, type OptionsOf, schemeArgument } from "../command-options.js";
import type { CliContext } from "../context.js";

export function verifyCommand(ctx: CliContext) {
  return new Command("verify")
    .description(
      "check a received callback's signature; --explain shows the signed string and names the usual mistakes",
    )
    .addArgument(schemeArgument())
    .argument("[file]", "body file; '-' or omitted reads stdin (not read for aliyun-live)")
    .addOption(keyOption())
    .option("-H, --header <header>", 'a received header, "Name: value"; repeatable', collect)
    .option("--signature <sig>", "X-Rtc-Signature / ALI-LIVE-SIGNATURE value")
    .option("--timestamp <ts>", "X-Rtc-Timestamp / ALI-LIVE-TIMESTAMP value")
    .option("--rand <rand>", "X-Rtc-Rand value")
    .option("--url <url>", "aliyun-live: the configured callback URL")
    .option("--host <host>", "aliyun-live: the configured callback host")
    .option("--now <time>", "check the time window against this instant (Unix seconds or ISO)")
    .option("--tolerance <seconds>", "time window in seconds (default 300)")
    .option("--allow-md5", "huawei-live: accept MD5 signatures (they do not cover the body)")
    .option("--explain", "print the exact signed string and, on a mismatch, the mistake that matches")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Examples:
  ${ctx.self} verify huawei-live received.json --key $KEY --explain
  ${ctx.self} verify huawei-rtc body.json -H "X-Rtc-Rand: 123" -H "X-Rtc-Timestamp: 1700000000" -H "X-Rtc-Signature: ab…"
  ${ctx.self} verify aliyun-live --url https://hooks.example.com/aliyun --timestamp 1700000000 --signature 6c47…

Exit code 0 when the signature is accepted, 1 when it is rejected.
${KEY_ENV_HELP}`,
    )
    .action(async (scheme, file, opts) => {
      const { runVerify } = await import("./verify.js");
      await runVerify(scheme, file, opts, ctx);
    });
}

export type VerifyOptions = OptionsOf<ReturnType<typeof verifyCommand>>;

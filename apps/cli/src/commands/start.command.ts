/** `livehook start`: its declaration. The implementation is imported only when the command runs. */
import { Command } from "@commander-js/extra-typings";
import { collect, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { DEFAULT_PORTS } from "../env.js";
import { timeoutOption } from "../vocabulary.js";

export function startCommand(ctx: CliContext) {
  return new Command("start")
    .description("the main job: run the mock and the receiver, wire them together, run demo recordings, tail events")
    .option("--mock-port <port>", `mock port (default ${DEFAULT_PORTS.mock})`)
    .option("--receiver-port <port>", `receiver port (default ${DEFAULT_PORTS.receiver})`)
    .option("--data-dir <dir>", "receiver database and logs (default ./.livehook)")
    .option("--persist", "keep the mock's state in <data-dir>/mock.db too")
    .option("--sessions <n>", "demo recordings per vendor (default 1; 0 for none)")
    .option("--segment-seconds <s>", "length of each demo file, in real time (default 5)")
    .option("--once", "stop once the demo events are stored (exit 1 if they are not)")
    .addOption(timeoutOption("with --once: how long to wait (default 60)"))
    .option(
      "--forward-to <[vendor=]url>",
      "relay each verified event to your app (Standard Webhooks signature); vendor=url for one vendor; repeatable",
      collect,
    )
    .addHelpText(
      "after",
      `
Ctrl-C stops both apps cleanly. The demo callback keys come from LIVEHOOK_HUAWEI_LIVE_KEYS,
LIVEHOOK_HUAWEI_RTC_KEYS and LIVEHOOK_ALIYUN_LIVE_KEYS (the receiver accepts every key of a comma-separated list,
the mock signs with the first; the singular names work too), or built-in development keys. Both ports must be free: start never uses an app it did not start.`,
    )
    .action(async (opts) => {
      const { runStart } = await import("./start.js");
      await runStart(opts, ctx);
    });
}

export type StartOptions = OptionsOf<ReturnType<typeof startCommand>>;

/** `livehook mock` and `livehook receive`: their declarations. The process handling is imported when one runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { collect, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";

export function mockCommand(ctx: CliContext) {
  return new Command("mock")
    .description("run the vendor mock (management APIs, recording simulator, signed deliveries)")
    .option("--port <port>", "listen port (default 4010)")
    .option("--host <addr>", "listen address (default 127.0.0.1)")
    .option("--data <file>", "SQLite file for its state (default: in memory)")
    .addOption(
      new Option("--auth <on|off>", "verify request signatures against LIVEHOOK_MOCK_AK/SK").choices(["on", "off"]),
    )
    .option("--domain <name>", "a known domain (repeatable); with none, any valid domain is accepted", collect)
    .option("--log-level <level>", "pino level (default info)")
    .action(async (opts) => {
      const { runMock } = await import("./run-app.js");
      await runMock(opts, ctx);
    });
}

export type MockOptions = OptionsOf<ReturnType<typeof mockCommand>>;

export function receiveCommand(ctx: CliContext) {
  return new Command("receive")
    .description("run the receiver (verify, store exactly once, query API, inspector)")
    .option("--port <port>", "listen port (default 4020)")
    .option("--host <addr>", "listen address (default 127.0.0.1)")
    .option("--data <file>", "SQLite file (default ./.livehook/receiver.db)")
    .option("--database-url <url>", "PostgreSQL instead of SQLite")
    .option("--config <file>", "livehook.config.json")
    .addHelpText(
      "after",
      "\nKeys: LIVEHOOK_HUAWEI_LIVE_KEYS, LIVEHOOK_HUAWEI_RTC_KEYS, LIVEHOOK_ALIYUN_LIVE_KEYS (see the receiver's README).",
    )
    .action(async (opts) => {
      const { runReceive } = await import("./run-app.js");
      await runReceive(opts, ctx);
    });
}

export type ReceiveOptions = OptionsOf<ReturnType<typeof receiveCommand>>;

/** `livehook mock` and `livehook receive`: their declarations. The process handling is imported when one runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { collect, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { DEFAULT_PORTS } from "../env.js";

export function mockCommand(ctx: CliContext) {
  return new Command("mock")
    .description("run the vendor mock (management APIs, recording simulator, signed deliveries)")
    .option("--port <port>", `listen port (default ${DEFAULT_PORTS.mock})`)
    .option("--host <addr>", "listen address (default 127.0.0.1)")
    .option("--data <file>", "SQLite file for its state (default: in memory)")
    .addOption(
      new Option("--auth <on|off>", "verify request signatures against LIVEHOOK_MOCK_AK/SK").choices(["on", "off"]),
    )
    .option("--domain <name>", "a known domain (repeatable); with none, any valid domain is accepted", collect)
    .option(
      "--allowed-hosts <names>",
      "host names it answers besides the listening address, comma-separated (a reverse proxy's or tunnel's name)",
    )
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
    .option("--port <port>", `listen port (default ${DEFAULT_PORTS.receiver})`)
    .option("--host <addr>", "listen address (default 127.0.0.1)")
    .option("--data <file>", "SQLite file (default ./.livehook/receiver.db)")
    .option("--database-url <url>", "PostgreSQL instead of SQLite")
    .option("--config <file>", "livehook.config.json")
    .option(
      "--allowed-hosts <names>",
      "host names it answers besides the listening address, comma-separated (a reverse proxy's or tunnel's name)",
    )
    .option(
      "--publish <[vendor=]url>",
      "publish accepted events to nats://… (JetStream) or amqp://… (RabbitMQ); repeatable",
      collect,
    )
    .option(
      "--forward-to <[vendor=]url>",
      "relay each verified event to your app (Standard Webhooks signature); vendor=url for one vendor; repeatable",
      collect,
    )
    .addHelpText(
      "after",
      `
Keys: LIVEHOOK_HUAWEI_LIVE_KEYS, LIVEHOOK_HUAWEI_RTC_KEYS, LIVEHOOK_ALIYUN_LIVE_KEYS (see the receiver's README).
Forwarding: the signing secret (whsec_…) is printed at start and kept beside the database; with PostgreSQL, set
LIVEHOOK_FORWARD_SECRET.`,
    )
    .action(async (opts) => {
      const { runReceive } = await import("./run-app.js");
      await runReceive(opts, ctx);
    });
}

export type ReceiveOptions = OptionsOf<ReturnType<typeof receiveCommand>>;

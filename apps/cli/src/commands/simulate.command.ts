/** `livehook simulate`: its declaration. The implementation is imported only when the command runs. */
import { Command, Option } from "@commander-js/extra-typings";
import { jsonOption, mockUrlOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { timeoutOption, vendorsOption } from "../vocabulary.js";

export function simulateCommand(ctx: CliContext) {
  return new Command("simulate")
    .description("run recording sessions on the mock, with faults, and summarize the deliveries")
    .addOption(mockUrlOption())
    .addOption(vendorsOption("only this vendor (repeatable; default all three)"))
    .option("--count <n>", "sessions per vendor (default 3)")
    .option("--concurrency <n>", "sessions in flight at once (default 4)")
    .option("--segments <n>", "files per session (default 2)")
    .addOption(new Option("--outcome <outcome>", "how recordings end").choices(["success", "failed"]))
    .option("--drop-rate <rate>", "share of deliveries never sent (0–1)")
    .option("--duplicate-rate <rate>", "share of deliveries sent twice (0–1)")
    .option("--out-of-order", "shuffle each session's events")
    .option("--wrong-signature-rate <rate>", "share of attempts signed with a wrong key (0–1)")
    .option("--expired-rate <rate>", "share of attempts with an hour-old timestamp (0–1)")
    .option("--latency-ms <ms>", "delay before every attempt")
    .addOption(timeoutOption("give up waiting for deliveries after this (default 120)"))
    .option("--run-id <id>", "tag for the stream names (default: time-based)")
    .option("--domain <domain>", "Huawei Live/Alibaba domain (default: the demo's)")
    .option("--app <app>", "app name, or SparkRTC app id (default: the demo's)")
    .option("--verbose", "list every failed delivery, not only the summary by reason")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Uses the demo domains and apps that \`${ctx.self} start\` configures, unless --domain/--app say otherwise. Exit code 1 when deliveries failed
(dropped ones are injected and reported, not failures).`,
    )
    .action(async (opts) => {
      const { runSimulate } = await import("./simulate.js");
      await runSimulate(opts, ctx);
    });
}

export type SimulateOptions = OptionsOf<ReturnType<typeof simulateCommand>>;

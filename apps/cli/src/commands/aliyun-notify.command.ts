/**
 * `livehook aliyun …`: the declarations. The implementation (core, the HTTP client) is imported only when a command
 * runs.
 */
import { Command, Option, type OptionValues } from "@commander-js/extra-typings";
import type { OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { ALIYUN_CONNECTION_HELP, withAliyunConnection } from "../vendor-api/connection.js";

const load = () => import("./aliyun-notify.js");
const domainOption = () => new Option("--domain <domain>", "streaming (playback) domain (required)");

/** Add and update take the whole config. */
function withConfigFields<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  return cmd
    .addOption(domainOption())
    .option("--url <url>", "NotifyUrl (required)")
    .option("--status-notify", "NeedStatusNotify: also send record_started/paused/resumed")
    .option("--on-demand-url <url>", "OnDemandUrl (stored only)")
    .option("--auth-key <key>", "NotifyAuthKey: signs callbacks (sets NotifyReqAuth)");
}

function addCommand(ctx: CliContext) {
  return withAliyunConnection(withConfigFields(new Command("add").description("AddLiveRecordNotifyConfig")))
    .addHelpText("after", `\n${ALIYUN_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { addConfig } = await load();
      await addConfig(opts, ctx);
    });
}
export type AddNotifyConfigOptions = OptionsOf<ReturnType<typeof addCommand>>;

function getCommand(ctx: CliContext) {
  const cmd = new Command("get").description("DescribeLiveRecordNotifyConfig").addOption(domainOption());
  return withAliyunConnection(cmd)
    .addHelpText("after", `\n${ALIYUN_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { getConfig } = await load();
      await getConfig(opts, ctx);
    });
}
export type GetNotifyConfigOptions = OptionsOf<ReturnType<typeof getCommand>>;

function updateCommand(ctx: CliContext) {
  return withAliyunConnection(withConfigFields(new Command("update").description("UpdateLiveRecordNotifyConfig")))
    .addHelpText("after", `\n${ALIYUN_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { updateConfig } = await load();
      await updateConfig(opts, ctx);
    });
}
export type UpdateNotifyConfigOptions = OptionsOf<ReturnType<typeof updateCommand>>;

function deleteCommand(ctx: CliContext) {
  const cmd = new Command("delete").description("DeleteLiveRecordNotifyConfig").addOption(domainOption());
  return withAliyunConnection(cmd)
    .addHelpText("after", `\n${ALIYUN_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { deleteConfig } = await load();
      await deleteConfig(opts, ctx);
    });
}
export type DeleteNotifyConfigOptions = OptionsOf<ReturnType<typeof deleteCommand>>;

function recordsCommand(ctx: CliContext) {
  const cmd = new Command("notify-records")
    .description("DescribeLiveRecordNotifyRecords: what was delivered, with its outcome")
    .addOption(domainOption())
    .option("--start <time>", "ISO date or Unix seconds (default: a day ago; at most 7 days back)")
    .option("--end <time>", "ISO date or Unix seconds (default: now)")
    .option("--app <app>", "filter by AppName")
    .option("--stream <stream>", "filter by StreamName")
    .addOption(new Option("--status <status>", "filter by result").choices(["success", "failed"]))
    .option("--page <n>", "page number (default 1)")
    .option("--page-size <n>", "1–500 (default 20)");
  return withAliyunConnection(cmd)
    .addHelpText("after", `\n${ALIYUN_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { listRecords } = await load();
      await listRecords(opts, ctx);
    });
}
export type NotifyRecordsOptions = OptionsOf<ReturnType<typeof recordsCommand>>;

export function aliyunCommand(ctx: CliContext) {
  const config = new Command("notify-config")
    .description("add, show, update and delete a domain's recording-notify config")
    .addCommand(addCommand(ctx))
    .addCommand(getCommand(ctx))
    .addCommand(updateCommand(ctx))
    .addCommand(deleteCommand(ctx));
  return new Command("aliyun")
    .description("Alibaba Cloud ApsaraVideo Live: recording-notify configuration and delivery records")
    .addCommand(config)
    .addCommand(recordsCommand(ctx));
}

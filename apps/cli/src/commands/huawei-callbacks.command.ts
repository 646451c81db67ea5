/**
 * `livehook huawei callbacks …`: the declarations. The implementation (core, the HTTP client) is imported only when
 * a command runs.
 */
import { Argument, Command, Option, type OptionValues } from "@commander-js/extra-typings";
import type { OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { HUAWEI_CONNECTION_HELP, withHuaweiConnection } from "../vendor-api/connection.js";
import { HUAWEI_LIVE_SIGN_TYPES } from "../vendors.js";

const load = () => import("./huawei-callbacks.js");
const idArgument = () => new Argument("<id>", "config id");

/** The fields of a config that create and update both take. */
function withConfigFields<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  return cmd
    .option("--url <url>", "notify_callback_url: where recording callbacks go")
    .option("--events <list>", "comma-separated: RECORD_NEW_FILE_START,RECORD_FILE_COMPLETE,RECORD_OVER,RECORD_FAILED")
    .addOption(new Option("--sign-type <type>", "callback signature").choices(HUAWEI_LIVE_SIGN_TYPES))
    .option("--key <key>", "callback signing key (32–128 letters and digits); never returned by the API");
}

function listCommand(ctx: CliContext) {
  const cmd = new Command("list")
    .description("list configs")
    .option("--publish-domain <domain>", "filter by ingest domain")
    .option("--app <app>", "filter by app (* is the wildcard rule)")
    .option("--offset <n>", "skip n configs")
    .option("--limit <n>", "page size, 1–100 (default 10)");
  return withHuaweiConnection(cmd)
    .addHelpText("after", `\n${HUAWEI_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { listCallbacks } = await load();
      await listCallbacks(opts, ctx);
    });
}
export type ListCallbacksOptions = OptionsOf<ReturnType<typeof listCommand>>;

function createCommand(ctx: CliContext) {
  const cmd = new Command("create")
    .description("create a config for a domain and app")
    .option("--publish-domain <domain>", "ingest (push) domain (required)")
    .option("--app <app>", "app name, or * for every app of the domain (required)");
  return withHuaweiConnection(withConfigFields(cmd))
    .addHelpText("after", `\n${HUAWEI_CONNECTION_HELP}`)
    .action(async (opts) => {
      const { createCallback } = await load();
      await createCallback(opts, ctx);
    });
}
export type CreateCallbackOptions = OptionsOf<ReturnType<typeof createCommand>>;

function getCommand(ctx: CliContext) {
  return withHuaweiConnection(new Command("get").description("show one config").addArgument(idArgument()))
    .addHelpText("after", `\n${HUAWEI_CONNECTION_HELP}`)
    .action(async (id, opts) => {
      const { getCallback } = await load();
      await getCallback(id, opts, ctx);
    });
}
export type GetCallbackOptions = OptionsOf<ReturnType<typeof getCommand>>;

function updateCommand(ctx: CliContext) {
  const cmd = new Command("update")
    .description("change a config; fields not given keep their current value")
    .addArgument(idArgument())
    .option("--app <app>", "app name");
  return withHuaweiConnection(withConfigFields(cmd))
    .addHelpText("after", `\nThe key is kept unless --key is given (--key "" removes it).\n${HUAWEI_CONNECTION_HELP}`)
    .action(async (id, opts) => {
      const { updateCallback } = await load();
      await updateCallback(id, opts, ctx);
    });
}
export type UpdateCallbackOptions = OptionsOf<ReturnType<typeof updateCommand>>;

function deleteCommand(ctx: CliContext) {
  return withHuaweiConnection(new Command("delete").description("delete a config").addArgument(idArgument()))
    .addHelpText("after", `\n${HUAWEI_CONNECTION_HELP}`)
    .action(async (id, opts) => {
      const { deleteCallback } = await load();
      await deleteCallback(id, opts, ctx);
    });
}
export type DeleteCallbackOptions = OptionsOf<ReturnType<typeof deleteCommand>>;

export function huaweiCommand(ctx: CliContext) {
  const callbacks = new Command("callbacks")
    .description("list, create, show, update and delete recording-callback configs")
    .addCommand(listCommand(ctx))
    .addCommand(createCommand(ctx))
    .addCommand(getCommand(ctx))
    .addCommand(updateCommand(ctx))
    .addCommand(deleteCommand(ctx));
  return new Command("huawei")
    .description("Huawei Cloud Live: recording-callback configurations")
    .addCommand(callbacks);
}

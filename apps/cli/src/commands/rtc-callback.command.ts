/**
 * `livehook rtc callback …`: the declarations. The implementation (core, the HTTP client) is imported only when a
 * command runs.
 */
import { Command, type OptionValues } from "@commander-js/extra-typings";
import type { OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { HUAWEI_CONNECTION_HELP, withHuaweiConnection } from "../vendor-api/connection.js";

const load = () => import("./rtc-callback.js");

/** The application and how to print it, then the connection: the options both commands end with. */
function withAppOptions<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  const app = cmd
    .option("--app-id <id>", "SparkRTC application id (required)")
    .option("--show-secrets", "print auth_key in full (masked by default)");
  return withHuaweiConnection(app).addHelpText("after", `\n${HUAWEI_CONNECTION_HELP}`);
}

function getCommand(ctx: CliContext) {
  return withAppOptions(new Command("get").description("show the callback")).action(async (opts) => {
    const { getCallback } = await load();
    await getCallback(opts, ctx);
  });
}
export type GetRtcCallbackOptions = OptionsOf<ReturnType<typeof getCommand>>;

function setCommand(ctx: CliContext) {
  const cmd = new Command("set")
    .description("set the callback URL and key")
    .option("--url <url>", "callback URL (required)")
    .option("--auth-key <key>", "signing key, 32–64 characters; empty means unsigned callbacks");
  return withAppOptions(cmd).action(async (opts) => {
    const { setCallback } = await load();
    await setCallback(opts, ctx);
  });
}
export type SetRtcCallbackOptions = OptionsOf<ReturnType<typeof setCommand>>;

export function rtcCommand(ctx: CliContext) {
  const callback = new Command("callback")
    .description("show or set an application's recording callback")
    .addCommand(getCommand(ctx))
    .addCommand(setCommand(ctx));
  return new Command("rtc")
    .description("Huawei SparkRTC: the recording callback of an application")
    .addCommand(callback);
}

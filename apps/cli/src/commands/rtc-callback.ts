import { type HuaweiRtcAppCallbackUrl, HuaweiRtcAppCallbackUrlReq } from "@livehook/core";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { huaweiConnection } from "../vendor-api/connection.js";
import { getRtcCallback, setRtcCallback } from "../vendor-api/huawei.js";
import { assertVendorKey } from "../vendor-api/key-rules.js";
import type { GetRtcCallbackOptions, SetRtcCallbackOptions } from "./rtc-callback.command.js";

type AppOptions = GetRtcCallbackOptions | SetRtcCallbackOptions;

/** SparkRTC returns auth_key in plain text (§3.3); D17 says the CLI masks it unless asked. */
function mask(key: string | undefined, show: boolean): string | undefined {
  if (key === undefined || key === "" || show) return key;
  return `${key.slice(0, 4)}…(${key.length} chars)`;
}

function print(out: Output, opts: AppOptions, appId: string, cb: HuaweiRtcAppCallbackUrl | undefined) {
  const show = opts.showSecrets === true;
  if (opts.json) {
    out.json({ app_id: appId, record_callback: cb && { ...cb, auth_key: mask(cb.auth_key, show) } });
    return;
  }
  if (cb === undefined) {
    out.line(`app ${appId} has no record callback`);
    return;
  }
  out.table(
    [cb],
    [
      { header: "APP_ID", value: () => appId },
      { header: "URL", value: (c) => c.url },
      { header: "AUTH_KEY", value: (c) => mask(c.auth_key, show) ?? "(none: unsigned)" },
      { header: "EVENTS", value: (c) => c.notify_event_subscription.join(",") },
      { header: "UPDATED", value: (c) => c.update_time },
    ],
  );
}

function appId(opts: AppOptions): string {
  if (opts.appId === undefined) throw new UsageError("--app-id <id> is required");
  return opts.appId;
}

export async function getCallback(opts: GetRtcCallbackOptions, ctx: CliContext) {
  const reply = await getRtcCallback(ctx, huaweiConnection("huawei-rtc", opts, ctx), appId(opts));
  print(createOutput(ctx), opts, reply.app_id, reply.record_callback);
}

export async function setCallback(opts: SetRtcCallbackOptions, ctx: CliContext) {
  if (opts.authKey !== undefined) assertVendorKey("huawei-rtc", opts.authKey, "--auth-key");
  const input = { url: opts.url, ...(opts.authKey === undefined ? {} : { auth_key: opts.authKey }) };
  const parsed = HuaweiRtcAppCallbackUrlReq.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid"}`);
  }
  const reply = await setRtcCallback(ctx, huaweiConnection("huawei-rtc", opts, ctx), appId(opts), parsed.data);
  print(createOutput(ctx), opts, reply.app_id, reply.record_callback);
}

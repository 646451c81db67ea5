import { type HuaweiLiveRecordCallbackConfig, HuaweiLiveRecordCallbackConfigRequest } from "@livehook/core";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { parseInteger } from "../parse-values.js";
import { type HuaweiConnectionOptions, huaweiConnection } from "../vendor-api/connection.js";
import {
  createLiveCallback,
  deleteLiveCallback,
  getLiveCallback,
  listLiveCallbacks,
  updateLiveCallback,
} from "../vendor-api/huawei.js";
import { assertVendorKey } from "../vendor-api/key-rules.js";
import type {
  CreateCallbackOptions,
  DeleteCallbackOptions,
  GetCallbackOptions,
  ListCallbacksOptions,
  UpdateCallbackOptions,
} from "./huawei-callbacks.command.js";

function printConfigs(out: Output, json: boolean, configs: readonly HuaweiLiveRecordCallbackConfig[], total?: number) {
  if (json) {
    out.json(total === undefined ? configs[0] : { total, callback_config: configs });
    return;
  }
  out.table(configs, [
    { header: "ID", value: (c) => c.id },
    { header: "DOMAIN", value: (c) => c.publish_domain },
    { header: "APP", value: (c) => c.app },
    { header: "URL", value: (c) => c.notify_callback_url ?? "" },
    { header: "EVENTS", value: (c) => c.notify_event_subscription.join(",") },
    { header: "SIGN", value: (c) => c.sign_type },
    { header: "UPDATED", value: (c) => c.update_time },
  ]);
  if (total !== undefined && total > configs.length) out.note(`${configs.length} of ${total}; use --offset/--limit`);
}

function events(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(",")
        .map((e) => e.trim().toUpperCase())
        .filter(Boolean);
}

/** Validates with core's request schema, so a bad value is caught here with the field's name, not by the vendor. */
function request(input: Record<string, unknown>): HuaweiLiveRecordCallbackConfigRequest {
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = HuaweiLiveRecordCallbackConfigRequest.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${issue?.path.join(".") ?? "request"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

const conn = (opts: HuaweiConnectionOptions, ctx: CliContext) => huaweiConnection("huawei-live", opts, ctx);

export async function listCallbacks(opts: ListCallbacksOptions, ctx: CliContext) {
  const filter = {
    ...(opts.publishDomain === undefined ? {} : { publish_domain: opts.publishDomain }),
    ...(opts.app === undefined ? {} : { app: opts.app }),
    ...(opts.offset === undefined ? {} : { offset: parseInteger(opts.offset, "--offset", 0, 4096) }),
    ...(opts.limit === undefined ? {} : { limit: parseInteger(opts.limit, "--limit", 1, 100) }),
  };
  const reply = await listLiveCallbacks(ctx, conn(opts, ctx), filter);
  printConfigs(createOutput(ctx), opts.json === true, reply.callback_config, reply.total);
}

export async function createCallback(opts: CreateCallbackOptions, ctx: CliContext) {
  if (opts.key !== undefined) assertVendorKey("huawei-live", opts.key, "--key");
  const req = request({
    publish_domain: opts.publishDomain,
    app: opts.app,
    notify_callback_url: opts.url,
    notify_event_subscription: events(opts.events),
    sign_type: opts.signType,
    key: opts.key,
  });
  const created = await createLiveCallback(ctx, conn(opts, ctx), req);
  printConfigs(createOutput(ctx), opts.json === true, [created]);
}

export async function getCallback(id: string, opts: GetCallbackOptions, ctx: CliContext) {
  const config = await getLiveCallback(ctx, conn(opts, ctx), id);
  printConfigs(createOutput(ctx), opts.json === true, [config]);
}

/** PUT replaces the whole config (§2.8), so unspecified fields are taken from the current one. */
export async function updateCallback(id: string, opts: UpdateCallbackOptions, ctx: CliContext) {
  if (opts.key !== undefined) assertVendorKey("huawei-live", opts.key, "--key");
  const c = conn(opts, ctx);
  const current = await getLiveCallback(ctx, c, id);
  const req = request({
    publish_domain: current.publish_domain,
    app: opts.app ?? current.app,
    notify_callback_url: opts.url ?? current.notify_callback_url,
    notify_event_subscription:
      events(opts.events) ?? current.notify_event_subscription.filter((e) => e !== "RECORD_START"),
    sign_type: opts.signType ?? current.sign_type,
    // Omitted keeps the stored key (D13); `--key ""` clears it.
    key: opts.key,
  });
  const updated = await updateLiveCallback(ctx, c, id, req);
  printConfigs(createOutput(ctx), opts.json === true, [updated]);
}

export async function deleteCallback(id: string, opts: DeleteCallbackOptions, ctx: CliContext) {
  await deleteLiveCallback(ctx, conn(opts, ctx), id);
  const out = createOutput(ctx);
  if (opts.json) out.json({ deleted: id });
  else out.line(`deleted ${id}`);
}

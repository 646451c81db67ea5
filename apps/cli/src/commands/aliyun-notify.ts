import type { AliyunLiveRecordNotifyConfig } from "@livehook/core";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { parseInstant, parseInteger } from "../parse-values.js";
import {
  addNotifyConfig,
  deleteNotifyConfig,
  describeNotifyConfig,
  describeNotifyRecords,
  type NotifyConfigInput,
  updateNotifyConfig,
} from "../vendor-api/aliyun.js";
import { aliyunConnection } from "../vendor-api/connection.js";
import type {
  AddNotifyConfigOptions,
  DeleteNotifyConfigOptions,
  GetNotifyConfigOptions,
  NotifyRecordsOptions,
  UpdateNotifyConfigOptions,
} from "./aliyun-notify.command.js";

function domain(opts: { domain?: string | undefined }): string {
  if (opts.domain === undefined) throw new UsageError("--domain <domain> is required");
  return opts.domain;
}

function configInput(opts: AddNotifyConfigOptions | UpdateNotifyConfigOptions): NotifyConfigInput {
  const url = opts.url;
  if (url === undefined) throw new UsageError("--url <url> is required");
  if (!/^https?:\/\//.test(url)) throw new UsageError("--url must start with http:// or https://");
  const key = opts.authKey;
  return {
    DomainName: domain(opts),
    NotifyUrl: url,
    ...(opts.statusNotify === undefined ? {} : { NeedStatusNotify: opts.statusNotify }),
    ...(opts.onDemandUrl === undefined ? {} : { OnDemandUrl: opts.onDemandUrl }),
    // A key turns signing on (§4.2): NotifyReqAuth=true with a non-empty NotifyAuthKey.
    ...(key === undefined ? {} : { NotifyReqAuth: key !== "", NotifyAuthKey: key }),
  };
}

function printConfig(out: Output, json: boolean, c: AliyunLiveRecordNotifyConfig) {
  if (json) {
    out.json(c);
    return;
  }
  out.table(
    [c],
    [
      { header: "DOMAIN", value: (r) => r.DomainName },
      { header: "NOTIFY_URL", value: (r) => r.NotifyUrl },
      { header: "STATUS_NOTIFY", value: (r) => String(r.NeedStatusNotify) },
      { header: "SIGNED", value: (r) => String(r.NotifyReqAuth ?? false) },
      { header: "ON_DEMAND_URL", value: (r) => r.OnDemandUrl ?? "" },
    ],
  );
}

function done(out: Output, json: boolean, what: string, requestId: string) {
  if (json) out.json({ RequestId: requestId });
  else out.line(`${what} (request id ${requestId})`);
}

export async function addConfig(opts: AddNotifyConfigOptions, ctx: CliContext) {
  const input = configInput(opts);
  const r = await addNotifyConfig(ctx, aliyunConnection(opts, ctx), input);
  done(createOutput(ctx), opts.json === true, `added the notify config of ${input.DomainName}`, r.RequestId);
}

export async function updateConfig(opts: UpdateNotifyConfigOptions, ctx: CliContext) {
  const input = configInput(opts);
  const r = await updateNotifyConfig(ctx, aliyunConnection(opts, ctx), input);
  done(createOutput(ctx), opts.json === true, `updated the notify config of ${input.DomainName}`, r.RequestId);
}

export async function getConfig(opts: GetNotifyConfigOptions, ctx: CliContext) {
  const r = await describeNotifyConfig(ctx, aliyunConnection(opts, ctx), domain(opts));
  printConfig(createOutput(ctx), opts.json === true, r.LiveRecordNotifyConfig);
}

export async function deleteConfig(opts: DeleteNotifyConfigOptions, ctx: CliContext) {
  const d = domain(opts);
  const r = await deleteNotifyConfig(ctx, aliyunConnection(opts, ctx), d);
  done(createOutput(ctx), opts.json === true, `deleted the notify config of ${d}`, r.RequestId);
}

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const DAY_MS = 24 * 3600 * 1000;

export async function listRecords(opts: NotifyRecordsOptions, ctx: CliContext) {
  const now = ctx.now();
  // Only the last 7 days can be queried (§4.4); default to the last day.
  const start = opts.start === undefined ? new Date(now.getTime() - DAY_MS) : parseInstant(opts.start, "--start");
  const end = opts.end === undefined ? now : parseInstant(opts.end, "--end");
  const r = await describeNotifyRecords(ctx, aliyunConnection(opts, ctx), {
    DomainName: domain(opts),
    StartTime: iso(start),
    EndTime: iso(end),
    PageSize: opts.pageSize === undefined ? 20 : parseInteger(opts.pageSize, "--page-size", 1, 500),
    PageNumber: opts.page === undefined ? 1 : parseInteger(opts.page, "--page", 1, 100000),
    ...(opts.app === undefined ? {} : { AppName: opts.app }),
    ...(opts.stream === undefined ? {} : { StreamName: opts.stream }),
    ...(opts.status === undefined ? {} : { Status: opts.status }),
  });
  const out = createOutput(ctx);
  if (opts.json) {
    out.json(r);
    return;
  }
  out.table(r.CallbackList, [
    { header: "TIME", value: (x) => x.NotifyTime },
    { header: "TYPE", value: (x) => x.NotifyType },
    {
      header: "RESULT",
      value: (x) => (x.NotifyResult === "success" ? out.color.ok(x.NotifyResult) : out.color.bad(x.NotifyResult)),
    },
    { header: "APP", value: (x) => x.AppName },
    { header: "STREAM", value: (x) => x.StreamName },
    { header: "DESCRIPTION", value: (x) => x.Description },
  ]);
  out.note(`page ${r.PageNum} of ${r.TotalPage} (${r.TotalNum} records)`);
}

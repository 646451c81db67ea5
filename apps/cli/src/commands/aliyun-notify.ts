import type { AliyunLiveRecordNotifyConfig } from "@livehook/core";
import type { CommandRun } from "../command-spec.js";
import { UsageError } from "../errors.js";
import { createOutput, type Output } from "../output.js";
import { optionalString, parseInstant, parseInteger } from "../parse-values.js";
import {
  addNotifyConfig,
  deleteNotifyConfig,
  describeNotifyConfig,
  describeNotifyRecords,
  type NotifyConfigInput,
  updateNotifyConfig,
} from "../vendor-api/aliyun.js";
import { aliyunConnection } from "../vendor-api/connection.js";

function domain(opts: Readonly<Record<string, unknown>>): string {
  const d = optionalString(opts.domain);
  if (d === undefined) throw new UsageError("--domain <domain> is required");
  return d;
}

function configInput(opts: Readonly<Record<string, unknown>>): NotifyConfigInput {
  const url = optionalString(opts.url);
  if (url === undefined) throw new UsageError("--url <url> is required");
  if (!/^https?:\/\//.test(url)) throw new UsageError("--url must start with http:// or https://");
  const key = optionalString(opts.authKey);
  return {
    DomainName: domain(opts),
    NotifyUrl: url,
    ...(opts.statusNotify === undefined ? {} : { NeedStatusNotify: opts.statusNotify === true }),
    ...(optionalString(opts.onDemandUrl) === undefined ? {} : { OnDemandUrl: String(opts.onDemandUrl) }),
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

export const addConfig: CommandRun = async ({ opts }, ctx) => {
  const input = configInput(opts);
  const r = await addNotifyConfig(ctx, aliyunConnection(opts, ctx), input);
  done(createOutput(ctx), opts.json === true, `added the notify config of ${input.DomainName}`, r.RequestId);
};

export const updateConfig: CommandRun = async ({ opts }, ctx) => {
  const input = configInput(opts);
  const r = await updateNotifyConfig(ctx, aliyunConnection(opts, ctx), input);
  done(createOutput(ctx), opts.json === true, `updated the notify config of ${input.DomainName}`, r.RequestId);
};

export const getConfig: CommandRun = async ({ opts }, ctx) => {
  const r = await describeNotifyConfig(ctx, aliyunConnection(opts, ctx), domain(opts));
  printConfig(createOutput(ctx), opts.json === true, r.LiveRecordNotifyConfig);
};

export const deleteConfig: CommandRun = async ({ opts }, ctx) => {
  const d = domain(opts);
  const r = await deleteNotifyConfig(ctx, aliyunConnection(opts, ctx), d);
  done(createOutput(ctx), opts.json === true, `deleted the notify config of ${d}`, r.RequestId);
};

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const DAY_MS = 24 * 3600 * 1000;

export const listRecords: CommandRun = async ({ opts }, ctx) => {
  const now = ctx.now();
  // Only the last 7 days can be queried (§4.4); default to the last day.
  const start =
    opts.start === undefined ? new Date(now.getTime() - DAY_MS) : parseInstant(String(opts.start), "--start");
  const end = opts.end === undefined ? now : parseInstant(String(opts.end), "--end");
  const r = await describeNotifyRecords(ctx, aliyunConnection(opts, ctx), {
    DomainName: domain(opts),
    StartTime: iso(start),
    EndTime: iso(end),
    PageSize: opts.pageSize === undefined ? 20 : parseInteger(opts.pageSize, "--page-size", 1, 500),
    PageNumber: opts.page === undefined ? 1 : parseInteger(opts.page, "--page", 1, 100000),
    ...(optionalString(opts.app) === undefined ? {} : { AppName: String(opts.app) }),
    ...(optionalString(opts.stream) === undefined ? {} : { StreamName: String(opts.stream) }),
    ...(optionalString(opts.status) === undefined ? {} : { Status: String(opts.status) }),
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
};

/**
 * Alibaba ApsaraVideo Live 2016-11-01 notify configs and delivery records (§4), as RPC calls signed with
 * signature v1 by core: `POST /` with every parameter in the query string, as @alicloud/openapi-core v2 sends.
 */
import { randomUUID } from "node:crypto";
import {
  AliyunLiveDescribeLiveRecordNotifyConfigResponse,
  AliyunLiveDescribeLiveRecordNotifyRecordsResponse,
  signAliyunRpcRequest,
} from "@livehook/core";
import { z } from "zod";
import type { CliContext } from "../context.js";
import { MOCK_NEXT_STEP, VendorError } from "../errors.js";
import { type Connection, mockAuthError } from "./connection.js";
import { exchange, expectShape, parseJson, snippet } from "./http.js";
import { aliyunLikelyCause } from "./likely-cause.js";

const VERSION = "2016-11-01";
const RequestIdOnly = z.object({ RequestId: z.string() });

/** How a mock with `--auth on` answers the placeholder credentials (§4.3, D20). */
const PLACEHOLDER_REJECTED = new Set(["InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch"]);

export type RpcParams = Record<string, string | number | boolean | undefined>;

async function rpc(ctx: CliContext, conn: Connection, action: string, params: RpcParams): Promise<unknown> {
  const all: Record<string, string> = {
    Action: action,
    Version: VERSION,
    Format: "JSON",
    AccessKeyId: conn.accessKey,
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: randomUUID(),
    Timestamp: `${ctx.now().toISOString().slice(0, 19)}Z`,
  };
  // Booleans as true/false and numbers in decimal, as the SDKs send them (§6.2).
  for (const [k, v] of Object.entries(params)) if (v !== undefined) all[k] = String(v);
  all.Signature = signAliyunRpcRequest({ method: "POST", params: all, accessKeySecret: conn.secretKey });
  const url = `${conn.endpoint}/?${new URLSearchParams(all).toString()}`;
  const reply = await exchange(
    ctx,
    url,
    { method: "POST", headers: { accept: "application/json" } },
    conn.isMock ? MOCK_NEXT_STEP : undefined,
  );
  const body = parseJson(reply) as { Code?: unknown; Message?: unknown; RequestId?: unknown } | undefined;
  if (reply.status >= 200 && reply.status < 300) return body;
  const requestId = typeof body?.RequestId === "string" ? body.RequestId : undefined;
  if (body && typeof body.Code === "string") {
    if (conn.placeholderCredentials && PLACEHOLDER_REJECTED.has(body.Code)) throw mockAuthError(conn, "aliyun");
    throw new VendorError(reply.status, body.Code, String(body.Message ?? ""), requestId, aliyunLikelyCause(body.Code));
  }
  throw new VendorError(reply.status, `HTTP ${reply.status}`, snippet(reply.text), requestId);
}

export type NotifyConfigInput = {
  DomainName: string;
  NotifyUrl: string;
  NeedStatusNotify?: boolean;
  OnDemandUrl?: string;
  NotifyReqAuth?: boolean;
  NotifyAuthKey?: string;
};

export async function addNotifyConfig(ctx: CliContext, conn: Connection, input: NotifyConfigInput) {
  return expectShape(RequestIdOnly, await rpc(ctx, conn, "AddLiveRecordNotifyConfig", input), "add");
}

export async function updateNotifyConfig(ctx: CliContext, conn: Connection, input: NotifyConfigInput) {
  return expectShape(RequestIdOnly, await rpc(ctx, conn, "UpdateLiveRecordNotifyConfig", input), "update");
}

export async function describeNotifyConfig(ctx: CliContext, conn: Connection, domain: string) {
  const body = await rpc(ctx, conn, "DescribeLiveRecordNotifyConfig", { DomainName: domain });
  return expectShape(AliyunLiveDescribeLiveRecordNotifyConfigResponse, body, "describe");
}

export async function deleteNotifyConfig(ctx: CliContext, conn: Connection, domain: string) {
  return expectShape(
    RequestIdOnly,
    await rpc(ctx, conn, "DeleteLiveRecordNotifyConfig", { DomainName: domain }),
    "delete",
  );
}

export type RecordsQuery = {
  DomainName: string;
  StartTime: string;
  EndTime: string;
  PageSize?: number;
  PageNumber?: number;
  AppName?: string;
  StreamName?: string;
  Status?: string;
};

export async function describeNotifyRecords(ctx: CliContext, conn: Connection, query: RecordsQuery) {
  const body = await rpc(ctx, conn, "DescribeLiveRecordNotifyRecords", query);
  return expectShape(AliyunLiveDescribeLiveRecordNotifyRecordsResponse, body, "records");
}

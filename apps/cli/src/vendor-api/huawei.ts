/**
 * Huawei Cloud Live v1 recording-callback configs (§2) and SparkRTC v2 app callbacks (§3), signed with
 * SDK-HMAC-SHA256 by core, replies checked with core's generated schemas.
 */
import {
  HuaweiLiveListRecordCallbackConfigsResponse,
  HuaweiLiveRecordCallbackConfig,
  type HuaweiLiveRecordCallbackConfigRequest,
  type HuaweiRtcAppCallbackUrlReq,
  HuaweiRtcShowRecordCallbackResponse,
  HuaweiRtcUpdateRecordCallbackResponse,
  signHuaweiApigRequest,
} from "@livehook/core";
import type { CliContext } from "../context.js";
import { MOCK_NEXT_STEP, VendorError } from "../errors.js";
import { type HuaweiConnection, mockAuthError } from "./connection.js";
import { exchange, expectShape, type HttpReply, parseJson, snippet } from "./http.js";
import { huaweiLikelyCause } from "./likely-cause.js";

async function call(
  ctx: CliContext,
  conn: HuaweiConnection,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpReply> {
  const url = `${conn.endpoint}${path}`;
  const text = body === undefined ? "" : JSON.stringify(body);
  // Like the Node SDK: content-type on every call, signed, with the project id (§2.1).
  const headers = { "content-type": "application/json", "x-project-id": conn.projectId };
  const auth = signHuaweiApigRequest({
    method,
    url,
    headers,
    body: text,
    accessKey: conn.accessKey,
    secretKey: conn.secretKey,
    date: ctx.now(),
  });
  const reply = await exchange(
    ctx,
    url,
    { method, headers: { ...headers, ...auth }, ...(body === undefined ? {} : { body: text }) },
    conn.isMock ? MOCK_NEXT_STEP : undefined,
  );
  if (reply.status >= 200 && reply.status < 300) return reply;
  const err = parseJson(reply) as { error_code?: unknown; error_msg?: unknown } | undefined;
  const requestId = reply.headers.get("x-request-id") ?? undefined;
  if (err && typeof err.error_code === "string") {
    // The gateway's 401 to the placeholder signature: the mock checks signatures and no credentials are set.
    if (conn.placeholderCredentials && err.error_code === "APIGW.0301") throw mockAuthError(conn, "huawei");
    const likelyCause = huaweiLikelyCause(err.error_code, { method, path, body });
    throw new VendorError(reply.status, err.error_code, String(err.error_msg ?? ""), requestId, likelyCause);
  }
  throw new VendorError(reply.status, `HTTP ${reply.status}`, snippet(reply.text), requestId);
}

const base = (conn: HuaweiConnection) => `/v1/${encodeURIComponent(conn.projectId)}/record/callbacks`;

export type ListFilter = { publish_domain?: string; app?: string; offset?: number; limit?: number };

export async function listLiveCallbacks(ctx: CliContext, conn: HuaweiConnection, filter: ListFilter) {
  // The SDK's query order: publish_domain, app, offset, limit (§2.5).
  const q = new URLSearchParams();
  for (const k of ["publish_domain", "app", "offset", "limit"] as const) {
    const v = filter[k];
    if (v !== undefined) q.set(k, String(v));
  }
  const qs = q.toString();
  const reply = await call(ctx, conn, "GET", `${base(conn)}${qs ? `?${qs}` : ""}`);
  return expectShape(HuaweiLiveListRecordCallbackConfigsResponse, parseJson(reply), "list");
}

export async function createLiveCallback(
  ctx: CliContext,
  conn: HuaweiConnection,
  req: HuaweiLiveRecordCallbackConfigRequest,
) {
  const reply = await call(ctx, conn, "POST", base(conn), req);
  return expectShape(HuaweiLiveRecordCallbackConfig, parseJson(reply), "create");
}

export async function getLiveCallback(ctx: CliContext, conn: HuaweiConnection, id: string) {
  const reply = await call(ctx, conn, "GET", `${base(conn)}/${encodeURIComponent(id)}`);
  return expectShape(HuaweiLiveRecordCallbackConfig, parseJson(reply), "show");
}

export async function updateLiveCallback(
  ctx: CliContext,
  conn: HuaweiConnection,
  id: string,
  req: HuaweiLiveRecordCallbackConfigRequest,
) {
  const reply = await call(ctx, conn, "PUT", `${base(conn)}/${encodeURIComponent(id)}`, req);
  return expectShape(HuaweiLiveRecordCallbackConfig, parseJson(reply), "update");
}

export async function deleteLiveCallback(ctx: CliContext, conn: HuaweiConnection, id: string): Promise<void> {
  await call(ctx, conn, "DELETE", `${base(conn)}/${encodeURIComponent(id)}`);
}

const rtcPath = (appId: string) => `/v2/apps/${encodeURIComponent(appId)}/record-callback`;

export async function getRtcCallback(ctx: CliContext, conn: HuaweiConnection, appId: string) {
  const reply = await call(ctx, conn, "GET", rtcPath(appId));
  return expectShape(HuaweiRtcShowRecordCallbackResponse, parseJson(reply), "show");
}

export async function setRtcCallback(
  ctx: CliContext,
  conn: HuaweiConnection,
  appId: string,
  req: HuaweiRtcAppCallbackUrlReq,
) {
  const reply = await call(ctx, conn, "PUT", rtcPath(appId), req);
  return expectShape(HuaweiRtcUpdateRecordCallbackResponse, parseJson(reply), "update");
}

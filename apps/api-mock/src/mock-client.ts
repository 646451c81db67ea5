/**
 * Typed client of a running mock, over HTTP: the admin API (`/_mock/…`, openapi/mock-admin.yaml), every reply
 * checked with the schemas generated from that document, and the vendor calls that create callback configs
 * (core's vendor documents), signed as the vendors' SDKs sign them when the mock checks signatures.
 */
import { randomUUID } from "node:crypto";
import {
  type AliyunLiveAddLiveRecordNotifyConfigRequestInput,
  AliyunLiveAddLiveRecordNotifyConfigResponse,
  HuaweiLiveRecordCallbackConfig,
  type HuaweiLiveRecordCallbackConfigRequestInput,
  type HuaweiRtcAppCallbackUrlReq,
  HuaweiRtcUpdateRecordCallbackResponse,
  signAliyunRpcRequest,
  signHuaweiApigRequest,
} from "@livehook/core";
import type { z } from "zod";
import {
  MockAdminDelivery,
  MockAdminDeliveryList,
  MockAdminDomain,
  MockAdminDomainList,
  MockAdminError,
  MockAdminFaults,
  MockAdminHealth,
  type MockAdminOperations,
  type MockAdminRedeliverRequest,
  MockAdminRedeliverResponse,
  MockAdminSession,
  type MockAdminSessionCreateRequestInput,
  MockAdminSessionList,
  type MockAdminSessionStopRequest,
  MockAdminSettings,
  type MockAdminSettingsUpdate,
  type MockAdminVendor,
} from "./generated/index.js";

/** A reply outside 2xx from the mock, with the body it sent: the admin API's `{error, message}` or a vendor's error. */
export class MockRequestError extends Error {
  override name = "MockRequestError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** The parsed JSON body (`MockAdminError` for admin calls, the vendor's error shape for vendor calls). */
    readonly body: unknown,
    /** The admin API's `error`, a Huawei `error_code` or an Alibaba `Code`. */
    readonly code: string | undefined,
  ) {
    super(`${method} ${path}: ${status}${code === undefined ? "" : ` ${code}`}${describe(body)}`);
  }
}

function describe(body: unknown): string {
  if (typeof body !== "object" || body === null) return "";
  const b = body as Record<string, unknown>;
  const message = b.message ?? b.error_msg ?? b.Message;
  return typeof message === "string" && message !== "" ? `: ${message}` : "";
}

function errorCode(body: unknown): string | undefined {
  const admin = MockAdminError.safeParse(body);
  if (admin.success) return admin.data.error;
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const code = b.error_code ?? b.Code;
  return typeof code === "string" ? code : undefined;
}

type Query<Op extends keyof MockAdminOperations> = MockAdminOperations[Op]["parameters"] extends { query?: infer Q }
  ? NonNullable<Q>
  : never;
export type ListSessionsQuery = Query<"listSessions">;
export type ListDeliveriesQuery = Query<"listDeliveries">;

/** Credentials of a mock started with `auth: "on"`: vendor calls are then signed with them. */
export type MockCredentials = { accessKeyId: string; accessKeySecret: string };

/** The project id vendor calls use when none is given (Huawei project ids are 32 hex digits). */
export const DEFAULT_PROJECT_ID = "0123456789abcdef0123456789abcdef";
const ALIYUN_VERSION = "2016-11-01";
/** Signs calls to a mock with `--auth off`, which does not check them; any non-empty pair does. */
const PLACEHOLDER: MockCredentials = { accessKeyId: "livehook", accessKeySecret: "livehook" };

export type MockClient = ReturnType<typeof mockClient>;

export function mockClient(baseUrl: string, credentials: MockCredentials = PLACEHOLDER) {
  async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: init.headers, body: init.body });
    const text = await res.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    if (res.status < 200 || res.status >= 300)
      throw new MockRequestError(method, path, res.status, body, errorCode(body));
    return body;
  }

  async function admin<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown) {
    const reply = await send(method, `/_mock${path}`, {
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return schema.parse(reply) as z.output<S>;
  }

  const query = (q: Record<string, string | number | undefined> = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    const s = params.toString();
    return s === "" ? "" : `?${s}`;
  };
  const id = (value: string) => encodeURIComponent(value);

  async function huawei<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    projectId: string,
    body: unknown,
  ) {
    const text = JSON.stringify(body);
    const headers = { "content-type": "application/json", "x-project-id": projectId };
    const signed = signHuaweiApigRequest({
      method,
      url: `${baseUrl}${path}`,
      headers,
      body: text,
      accessKey: credentials.accessKeyId,
      secretKey: credentials.accessKeySecret,
      date: new Date(),
    });
    return schema.parse(await send(method, path, { headers: { ...headers, ...signed }, body: text })) as z.output<S>;
  }

  async function aliyun<S extends z.ZodType>(schema: S, action: string, params: Record<string, unknown>) {
    const all: Record<string, string> = {
      Action: action,
      Version: ALIYUN_VERSION,
      Format: "JSON",
      AccessKeyId: credentials.accessKeyId,
      SignatureMethod: "HMAC-SHA1",
      SignatureVersion: "1.0",
      SignatureNonce: randomUUID(),
      Timestamp: `${new Date().toISOString().slice(0, 19)}Z`,
    };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) all[k] = String(v);
    all.Signature = signAliyunRpcRequest({ method: "POST", params: all, accessKeySecret: credentials.accessKeySecret });
    return schema.parse(await send("POST", `/?${new URLSearchParams(all)}`)) as z.output<S>;
  }

  return {
    health: () => send("GET", "/healthz").then((b) => MockAdminHealth.parse(b)),

    // Sessions: simulated recordings whose callbacks the mock delivers.
    createSession: (request: MockAdminSessionCreateRequestInput) =>
      admin(MockAdminSession, "POST", "/sessions", request),
    listSessions: (q: ListSessionsQuery = {}) => admin(MockAdminSessionList, "GET", `/sessions${query(q)}`),
    getSession: (sessionId: string) => admin(MockAdminSession, "GET", `/sessions/${id(sessionId)}`),
    setSessionFaults: (sessionId: string, faults: MockAdminFaults) =>
      admin(MockAdminSession, "PUT", `/sessions/${id(sessionId)}/faults`, faults),
    stopSession: (sessionId: string, request: MockAdminSessionStopRequest = { outcome: "over" }) =>
      admin(MockAdminSession, "POST", `/sessions/${id(sessionId)}/stop`, request),

    // Deliveries: one record per callback, with every attempt.
    listDeliveries: (q: ListDeliveriesQuery = {}) => admin(MockAdminDeliveryList, "GET", `/deliveries${query(q)}`),
    getDelivery: (deliveryId: string) => admin(MockAdminDelivery, "GET", `/deliveries/${id(deliveryId)}`),
    redeliverDelivery: (deliveryId: string) =>
      admin(MockAdminDelivery, "POST", `/deliveries/${id(deliveryId)}/redeliver`),
    redeliverDeliveries: (request: z.input<typeof MockAdminRedeliverRequest>) =>
      admin(MockAdminRedeliverResponse, "POST", "/deliveries/redeliver", request),

    // Global faults, known domains, settings, reset.
    getFaults: () => admin(MockAdminFaults, "GET", "/faults"),
    setFaults: (faults: MockAdminFaults) => admin(MockAdminFaults, "PUT", "/faults", faults),
    listDomains: () => admin(MockAdminDomainList, "GET", "/domains"),
    addDomain: (domain: MockAdminDomain) => admin(MockAdminDomain, "POST", "/domains", domain),
    deleteDomain: async (vendor: MockAdminVendor, name: string) => {
      await send("DELETE", `/_mock/domains/${id(vendor)}/${id(name)}`);
    },
    getSettings: () => admin(MockAdminSettings, "GET", "/settings"),
    updateSettings: (update: MockAdminSettingsUpdate) => admin(MockAdminSettings, "PATCH", "/settings", update),
    reset: async () => {
      await send("POST", "/_mock/reset");
    },

    // Callback configs, created through each vendor's own API as an application would.
    /** Huawei Live `CreateRecordCallbackConfig` (POST /v1/{project_id}/record/callbacks). */
    createHuaweiLiveCallback: (request: HuaweiLiveRecordCallbackConfigRequestInput, projectId = DEFAULT_PROJECT_ID) =>
      huawei(HuaweiLiveRecordCallbackConfig, "POST", `/v1/${id(projectId)}/record/callbacks`, projectId, request),
    /** SparkRTC `UpdateRecordCallback` (PUT /v2/apps/{app_id}/record-callback). */
    setHuaweiRtcCallback: (appId: string, request: HuaweiRtcAppCallbackUrlReq, projectId = DEFAULT_PROJECT_ID) =>
      huawei(HuaweiRtcUpdateRecordCallbackResponse, "PUT", `/v2/apps/${id(appId)}/record-callback`, projectId, request),
    /** Alibaba `AddLiveRecordNotifyConfig` (RPC). */
    addAliyunLiveNotifyConfig: (request: Omit<AliyunLiveAddLiveRecordNotifyConfigRequestInput, "Action" | "Version">) =>
      aliyun(AliyunLiveAddLiveRecordNotifyConfigResponse, "AddLiveRecordNotifyConfig", request),
  };
}

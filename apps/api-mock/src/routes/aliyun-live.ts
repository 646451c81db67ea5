/**
 * Alibaba ApsaraVideo Live 2016-11-01 RPC actions (§4) on `/`, in the three request styles real SDKs send:
 * pop-core (GET query, or POST form body), openapi-client v2 (POST, parameters in the query) and ACS3 (the action in
 * `x-acs-action`, parameters in the query). Replies are always JSON (D15); errors carry a 4xx/5xx status and
 * `Code` (D20).
 */
import {
  AliyunLiveAddLiveRecordNotifyConfigRequest,
  AliyunLiveDeleteLiveRecordNotifyConfigRequest,
  AliyunLiveDescribeLiveRecordNotifyConfigRequest,
  AliyunLiveDescribeLiveRecordNotifyRecordsRequest,
  type AliyunLiveRecordNotifyConfig,
  type AliyunLiveRecordNotifyRecord,
  AliyunLiveUpdateLiveRecordNotifyConfigRequest,
} from "@livehook/core";
import { Hono } from "hono";
import type { z } from "zod";
import { type AppContext, apiFaultFires, type VendorEnv } from "../app-context.js";
import { checkAliyunAuth } from "../auth/aliyun.js";
import { aliyunRequestId, DOMAIN_NAME, isoSeconds } from "../ids.js";
import { utf8 } from "../json-body.js";
import { readRawBody } from "../raw-body.js";
import type { AliyunConfigRow } from "../state/store.js";
import { ALIYUN_QPS } from "../throttle.js";
import { aliyunError } from "../vendor-error.js";

const VERSION = "2016-11-01";
const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;
const BOOLEAN_PARAMS = new Set(["NeedStatusNotify", "NotifyReqAuth"]);
const INTEGER_PARAMS = new Set(["PageSize", "PageNumber"]);

/** Query and form parameters, decoded; the first value of a repeated name wins. */
function collectParams(url: URL, contentType: string | undefined, raw: Uint8Array): Record<string, string> {
  // A null prototype: parameter names such as __proto__ or constructor are plain data here.
  const params: Record<string, string> = Object.create(null);
  const add = (search: URLSearchParams) => {
    for (const [k, v] of search) if (!(k in params)) params[k] = v;
  };
  add(url.searchParams);
  if (raw.length > 0 && contentType !== undefined && /application\/x-www-form-urlencoded/i.test(contentType)) {
    add(new URLSearchParams(utf8.decode(raw)));
  }
  return params;
}

/** RPC parameters are text; the schemas want booleans and integers. Bad text is a 400, not a crash. */
function typed(params: Record<string, string>, action: string): Record<string, unknown> {
  const out: Record<string, unknown> = { Action: action, Version: params.Version };
  for (const [k, v] of Object.entries(params)) {
    if (k === "Action" || k === "Version") continue;
    if (BOOLEAN_PARAMS.has(k)) {
      if (v !== "true" && v !== "false") throw aliyunError(400, "MalformedParams", `${k} is not a boolean.`);
      out[k] = v === "true";
    } else if (INTEGER_PARAMS.has(k)) {
      if (!/^-?\d{1,9}$/.test(v)) throw aliyunError(400, "MalformedParams", `${k} is not an integer.`);
      out[k] = Number(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** The action parameters the document marks required: those whose schema refuses `undefined`, in document order. */
function requiredParams(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.keys(shape).filter(
    (name) => name !== "Action" && name !== "Version" && !shape[name]?.safeParse(undefined).success,
  );
}

/**
 * D22: the gateway refuses an absent required parameter before the action runs (`Missing{Param}`, as public SDK
 * traces show); a present but empty one reaches the action, which answers `MissingParams` as the vendor pages list.
 * So every absent parameter is checked before any empty one.
 */
function checkRequired(schema: z.ZodType, params: Record<string, string>): void {
  const required = requiredParams(schema);
  for (const name of required) {
    if (params[name] === undefined) {
      throw aliyunError(400, `Missing${name}`, `${name} is mandatory for this action.`);
    }
  }
  for (const name of required) {
    if (params[name] === "") {
      throw aliyunError(400, "MissingParams", `The parameter ${name} is mandatory and cannot be empty.`);
    }
  }
}

function parseAction<S extends z.ZodType>(schema: S, params: Record<string, string>, action: string): z.infer<S> {
  checkRequired(schema, params);
  const result = schema.safeParse(typed(params, action));
  if (!result.success) {
    const field = String(result.error.issues[0]?.path[0] ?? "parameter");
    throw aliyunError(400, "InvalidParams", `The specified parameter ${field} is not valid.`);
  }
  return result.data;
}

function checkDomain(ctx: AppContext, domain: string): void {
  const known = ctx.deps.store.isKnownDomain("aliyun-live", domain);
  if (known === false || !DOMAIN_NAME.test(domain)) {
    throw aliyunError(404, "InvalidDomain.NotFound", "The domain provided does not exist in our records.");
  }
}

const notFound = () => aliyunError(404, "InvalidConfig.NotFound", "Config does not exist.");

/** D17: the key is never echoed. */
export function toAliyunConfig(row: AliyunConfigRow): AliyunLiveRecordNotifyConfig {
  const out: AliyunLiveRecordNotifyConfig = {
    DomainName: row.DomainName,
    NotifyUrl: row.NotifyUrl,
    NeedStatusNotify: row.NeedStatusNotify,
    NotifyAuthKey: "",
  };
  if (row.OnDemandUrl !== undefined) out.OnDemandUrl = row.OnDemandUrl;
  if (row.NotifyReqAuth !== undefined) out.NotifyReqAuth = row.NotifyReqAuth;
  return out;
}

/**
 * `yyyy-MM-ddTHH:mm:ssZ` as Unix seconds. An optional fraction is tolerated (D3) and dropped: the API compares
 * at the precision it shows `NotifyTime` in, whole seconds (D23).
 */
function parseUtcSecond(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function aliyunLiveRoutes(ctx: AppContext): Hono<VendorEnv> {
  const { deps } = ctx;
  const store = deps.store;
  const app = new Hono<VendorEnv>();

  const actions: Record<string, (params: Record<string, string>, requestId: string) => Record<string, unknown>> = {
    AddLiveRecordNotifyConfig(params, RequestId) {
      const v = parseAction(AliyunLiveAddLiveRecordNotifyConfigRequest, params, "AddLiveRecordNotifyConfig");
      checkDomain(ctx, v.DomainName);
      const row: AliyunConfigRow = {
        DomainName: v.DomainName,
        NotifyUrl: v.NotifyUrl,
        NeedStatusNotify: v.NeedStatusNotify,
        NotifyAuthKey: v.NotifyAuthKey ?? "",
      };
      if (v.OnDemandUrl !== undefined) row.OnDemandUrl = v.OnDemandUrl;
      if (v.NotifyReqAuth !== undefined) row.NotifyReqAuth = v.NotifyReqAuth;
      if (!store.insertAliyun(row)) throw aliyunError(400, "ConfigAlreadyExists", "Config has already exist.");
      deps.log.debug({ vendor: "aliyun-live", domain: row.DomainName }, "config created");
      return { RequestId };
    },
    UpdateLiveRecordNotifyConfig(params, RequestId) {
      const v = parseAction(AliyunLiveUpdateLiveRecordNotifyConfigRequest, params, "UpdateLiveRecordNotifyConfig");
      checkDomain(ctx, v.DomainName);
      const current = store.getAliyun(v.DomainName);
      if (current === undefined) throw notFound();
      // Omitted optional parameters keep their stored value; a key change reaches only later streams (§4.2).
      const row: AliyunConfigRow = {
        ...current,
        NotifyUrl: v.NotifyUrl,
        NeedStatusNotify: v.NeedStatusNotify ?? current.NeedStatusNotify,
        NotifyAuthKey: v.NotifyAuthKey ?? current.NotifyAuthKey,
      };
      if (v.OnDemandUrl !== undefined) row.OnDemandUrl = v.OnDemandUrl;
      if (v.NotifyReqAuth !== undefined) row.NotifyReqAuth = v.NotifyReqAuth;
      store.updateAliyun(row);
      deps.log.debug({ vendor: "aliyun-live", domain: row.DomainName }, "config updated");
      return { RequestId };
    },
    DescribeLiveRecordNotifyConfig(params, RequestId) {
      const v = parseAction(AliyunLiveDescribeLiveRecordNotifyConfigRequest, params, "DescribeLiveRecordNotifyConfig");
      checkDomain(ctx, v.DomainName);
      const row = store.getAliyun(v.DomainName);
      if (row === undefined) throw notFound();
      return { RequestId, LiveRecordNotifyConfig: toAliyunConfig(row) };
    },
    DeleteLiveRecordNotifyConfig(params, RequestId) {
      const v = parseAction(AliyunLiveDeleteLiveRecordNotifyConfigRequest, params, "DeleteLiveRecordNotifyConfig");
      checkDomain(ctx, v.DomainName);
      if (!store.deleteAliyun(v.DomainName)) throw notFound();
      deps.log.debug({ vendor: "aliyun-live", domain: v.DomainName }, "config deleted");
      return { RequestId };
    },
    DescribeLiveRecordNotifyRecords(params, RequestId) {
      const v = parseAction(
        AliyunLiveDescribeLiveRecordNotifyRecordsRequest,
        params,
        "DescribeLiveRecordNotifyRecords",
      );
      checkDomain(ctx, v.DomainName);
      const start = parseUtcSecond(v.StartTime);
      const end = parseUtcSecond(v.EndTime);
      if (start === undefined)
        throw aliyunError(400, "InvalidParams", "The specified parameter StartTime is not valid.");
      if (end === undefined) throw aliyunError(400, "InvalidParams", "The specified parameter EndTime is not valid.");
      if (end <= start) throw aliyunError(400, "InvalidParams", "EndTime must be later than StartTime.");
      if (start < Math.floor((deps.clock.now().getTime() - SEVEN_DAYS_MS) / 1000)) {
        throw aliyunError(400, "InvalidParams", "StartTime: only the last 7 days can be queried.");
      }
      // D23: records are stored with millisecond send times but shown in whole seconds, so both bounds cover
      // their whole second. A client that polls from the last NotifyTime it saw then never skips a record.
      const { total, items } = store.aliyunRecords({
        domain: v.DomainName,
        fromMs: start * 1000,
        toMs: end * 1000 + 999,
        app: v.AppName,
        stream: v.StreamName,
        result: v.Status,
        limit: v.PageSize,
        offset: (v.PageNumber - 1) * v.PageSize,
      });
      const CallbackList: AliyunLiveRecordNotifyRecord[] = items.map(({ delivery: d, notifyType }) => {
        const last = d.attempts.at(-1);
        return {
          AppName: d.app,
          StreamName: d.stream,
          DomainName: d.domain ?? v.DomainName,
          NotifyUrl: d.url,
          NotifyType: notifyType as AliyunLiveRecordNotifyRecord["NotifyType"],
          NotifyTime: isoSeconds(new Date(last?.started_at ?? d.updated_at)),
          NotifyResult: d.status === "success" ? "success" : "failed",
          Description: d.status === "success" ? "success" : (last?.error ?? `HTTP ${last?.status_code ?? "error"}`),
          NotifyContent: d.body,
          NotifyHeader: "",
          NotifyResponse: last?.response_snippet ?? "",
        };
      });
      return {
        CallbackList,
        Code: 0,
        Msg: "ok",
        PageNum: v.PageNumber,
        PageSize: v.PageSize,
        RequestId,
        TotalNum: total,
        TotalPage: Math.ceil(total / v.PageSize),
      };
    },
  };

  app.on(["GET", "POST"], "/", async (c) => {
    const RequestId = aliyunRequestId(deps.random);
    c.set("requestId", RequestId);
    const raw = await readRawBody(c);
    if (raw === undefined) throw aliyunError(400, "InvalidParams", "The request body is too large.");
    const url = new URL(c.req.url);
    const params = collectParams(url, c.req.header("content-type"), raw);
    if (deps.credentials !== undefined) {
      checkAliyunAuth(deps, deps.credentials, ctx.nonces, {
        method: c.req.method,
        url,
        headers: c.req.raw.headers,
        raw,
        params,
      });
    }
    const action = params.Action ?? c.req.header("x-acs-action");
    const version = params.Version ?? c.req.header("x-acs-version");
    if (action === undefined || action === "") {
      throw aliyunError(400, "MissingAction", "Action is mandatory for this action.");
    }
    const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (handler === undefined) {
      throw aliyunError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
    }
    if (version !== VERSION) throw aliyunError(400, "InvalidVersion", "Specified parameter Version is not valid.");
    const throttling = deps.store.settings.throttling;
    if (throttling.enabled) {
      const qps = Math.max(1, Math.floor((ALIYUN_QPS[action] ?? 30) * throttling.aliyun_qps_scale));
      if (!ctx.throttle.take(`aliyun-live:${action}`, qps, 1000)) {
        throw aliyunError(400, "Throttling.User", "Request was denied due to user flow control.");
      }
    }
    if (apiFaultFires(deps)) {
      throw aliyunError(500, "InternalError", "The request processing has failed due to some unknown error.");
    }
    return c.json(handler({ ...params, Version: version }, RequestId), 200);
  });

  app.all("/", (c) => {
    c.set("requestId", aliyunRequestId(deps.random));
    throw aliyunError(400, "UnsupportedHTTPMethod", "This http method is not supported.");
  });
  return app;
}

/**
 * Huawei Cloud Live v1 recording-callback configuration (§2): GET/POST /v1/{project_id}/record/callbacks,
 * GET/PUT/DELETE /v1/{project_id}/record/callbacks/{id}. Every reply carries `X-request-id` (§2.1).
 */
import {
  checkHuaweiLiveKey,
  HuaweiLiveListRecordCallbackConfigsQuery,
  type HuaweiLiveRecordCallbackConfig,
  HuaweiLiveRecordCallbackConfigRequest,
} from "@livehook/core";
import { type Context, Hono } from "hono";
import { checkHuaweiApig } from "../auth/huawei-apig.js";
import {
  type AppContext,
  activeLockout,
  apiFaultFires,
  isJsonMediaType,
  parseJson,
  readRawBody,
  requestHeader,
  utf8,
  type VendorEnv,
} from "../context.js";
import { configId, DOMAIN_NAME, huaweiRequestId, isoSeconds } from "../ids.js";
import type { HuaweiLiveConfigRow } from "../state/store.js";

type C = Context<VendorEnv>;
type ErrorStatus = 400 | 404 | 500;

const ILLEGAL = "Request Illegal";

function liveError(c: C, status: ErrorStatus, code: string, msg: string) {
  return c.json({ error_code: code, error_msg: msg }, status);
}

const DIGITS = /^\d{1,9}$/;

/**
 * The list query as core's `HuaweiLiveListRecordCallbackConfigsQuery` wants it. Query values are text: digits
 * become integers, anything else stays text and fails the schema (400). Only the four documented names are kept
 * (the first value of a repeated name wins); other names are ignored, as the vendor ignores them.
 */
function listQueryInput(search: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    if (k in input) continue;
    if (k === "offset" || k === "limit") input[k] = DIGITS.test(v) ? Number(v) : v;
    else if (k === "publish_domain" || k === "app") input[k] = v;
  }
  return input;
}

/** The API object: never the key (D17), never the project. */
export function toHuaweiLiveConfig(row: HuaweiLiveConfigRow): HuaweiLiveRecordCallbackConfig {
  const out: HuaweiLiveRecordCallbackConfig = {
    id: row.id,
    publish_domain: row.publish_domain,
    app: row.app,
    notify_event_subscription: row.notify_event_subscription,
    sign_type: row.sign_type,
    create_time: row.create_time,
    update_time: row.update_time,
  };
  if (row.notify_callback_url !== undefined) out.notify_callback_url = row.notify_callback_url;
  return out;
}

export function huaweiLiveRoutes(ctx: AppContext): Hono<VendorEnv> {
  const { deps } = ctx;
  const app = new Hono<VendorEnv>();

  const gateway = async (c: C, next: () => Promise<void>) => {
    const requestId = huaweiRequestId(deps.random, deps.clock, deps.hostname);
    c.set("requestId", requestId);
    c.header("X-request-id", requestId);
    const raw = await readRawBody(c);
    if (raw === undefined) return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    c.set("raw", raw);
    if (deps.credentials !== undefined) {
      const rejection = checkHuaweiApig(
        deps,
        deps.credentials,
        {
          method: c.req.method,
          url: new URL(c.req.url),
          headers: c.req.raw.headers,
          raw: c.get("raw"),
          projectId: c.req.param("project_id"),
        },
        requestId,
        activeLockout(ctx),
      );
      if (rejection !== undefined) return c.json(rejection.body, rejection.status);
    }
    const throttling = deps.store.settings.throttling;
    if (throttling.enabled) {
      const api = `huawei-live:${c.req.method}:${c.req.routePath}`;
      if (!ctx.throttle.take(api, throttling.huawei_live_per_minute, 60_000)) {
        return c.json(
          {
            error_code: "APIG.0308",
            error_msg: "The throttling threshold has been reached",
            request_id: requestId.slice(0, 32),
          },
          429,
        );
      }
    }
    if (apiFaultFires(deps)) return liveError(c, 500, "LIVE.103011021", "Database access failure");
    await next();
  };
  app.use("/v1/:project_id/record/callbacks", gateway);
  app.use("/v1/:project_id/record/callbacks/:id", gateway);

  /** Parses and checks a create/update body; a Response on failure. */
  function parseBody(c: C): { ok: true; value: HuaweiLiveRecordCallbackConfigRequest } | { ok: false; res: Response } {
    if (!isJsonMediaType(requestHeader(c, "content-type"))) {
      return { ok: false, res: liveError(c, 400, "LIVE.100011012", "Unsupported media type") };
    }
    const parsed = parseJson(utf8.decode(c.get("raw")));
    if (parsed === undefined) return { ok: false, res: liveError(c, 400, "LIVE.100011001", ILLEGAL) };
    let input = parsed.value;
    // D1: RECORD_START is accepted only in console-parity mode; it is set aside so the API enum still applies.
    let recordStart = false;
    const settings = deps.store.settings;
    if (settings.console_parity && isRecord(input) && Array.isArray(input.notify_event_subscription)) {
      const subs = input.notify_event_subscription as unknown[];
      recordStart = subs.includes("RECORD_START");
      input = { ...input, notify_event_subscription: subs.filter((s) => s !== "RECORD_START") };
    }
    const result = HuaweiLiveRecordCallbackConfigRequest.safeParse(input);
    if (!result.success) return { ok: false, res: liveError(c, 400, "LIVE.100011001", ILLEGAL) };
    const value = result.data;
    if (recordStart) value.notify_event_subscription = ["RECORD_START", ...value.notify_event_subscription] as never;
    if (!DOMAIN_NAME.test(value.publish_domain)) {
      return { ok: false, res: liveError(c, 400, "LIVE.100011001", ILLEGAL) };
    }
    if (settings.strict_keys && value.key !== undefined && value.key !== "" && !checkHuaweiLiveKey(value.key).ok) {
      return { ok: false, res: liveError(c, 400, "LIVE.100011001", ILLEGAL) };
    }
    return { ok: true, value };
  }

  app.get("/v1/:project_id/record/callbacks", (c) => {
    const url = c.req.url;
    const mark = url.indexOf("?");
    const q = HuaweiLiveListRecordCallbackConfigsQuery.safeParse(listQueryInput(mark < 0 ? "" : url.slice(mark + 1)));
    if (!q.success) return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    const json = deps.store.listHuaweiLiveJson(c.req.param("project_id"), q.data, q.data.offset, q.data.limit);
    return c.body(json, 200, { "content-type": "application/json" });
  });

  app.post("/v1/:project_id/record/callbacks", (c) => {
    const body = parseBody(c);
    if (!body.ok) return body.res;
    const v = body.value;
    if (deps.store.isKnownDomain("huawei-live", v.publish_domain) === false) {
      return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    }
    const now = isoSeconds(deps.clock.now());
    const row: HuaweiLiveConfigRow = {
      id: configId(deps.random, deps.clock),
      project_id: c.req.param("project_id"),
      publish_domain: v.publish_domain,
      app: v.app,
      notify_event_subscription: v.notify_event_subscription,
      sign_type: v.sign_type,
      create_time: now,
      update_time: now,
    };
    if (v.notify_callback_url !== undefined) row.notify_callback_url = v.notify_callback_url;
    if (v.key !== undefined && v.key !== "") row.key = v.key;
    const json = deps.store.insertHuaweiLive(row, toHuaweiLiveConfig(row));
    if (json === undefined) return liveError(c, 400, "LIVE.103011018", "resource already exists");
    deps.log.debug({ vendor: "huawei-live", id: row.id, domain: row.publish_domain, app: row.app }, "config created");
    return c.body(json, 201, { "content-type": "application/json" });
  });

  app.get("/v1/:project_id/record/callbacks/:id", (c) => {
    const row = deps.store.getHuaweiLive(c.req.param("project_id"), c.req.param("id"));
    if (row === undefined) return liveError(c, 404, "LIVE.100011001", ILLEGAL);
    return c.json(toHuaweiLiveConfig(row), 200);
  });

  app.put("/v1/:project_id/record/callbacks/:id", (c) => {
    const current = deps.store.getHuaweiLive(c.req.param("project_id"), c.req.param("id"));
    if (current === undefined) return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    const body = parseBody(c);
    if (!body.ok) return body.res;
    const v = body.value;
    // D13: the domain cannot change.
    if (v.publish_domain !== current.publish_domain) return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    const row: HuaweiLiveConfigRow = {
      id: current.id,
      project_id: current.project_id,
      publish_domain: current.publish_domain,
      app: v.app,
      notify_event_subscription: v.notify_event_subscription,
      sign_type: v.sign_type,
      create_time: current.create_time,
      update_time: isoSeconds(deps.clock.now()),
    };
    if (v.notify_callback_url !== undefined) row.notify_callback_url = v.notify_callback_url;
    // D13: an omitted key keeps the stored one, "" clears it.
    const key = v.key === undefined ? current.key : v.key;
    if (key !== undefined && key !== "") row.key = key;
    const api = toHuaweiLiveConfig(row);
    if (!deps.store.updateHuaweiLive(row, api)) return liveError(c, 400, "LIVE.103011018", "resource already exists");
    deps.log.debug({ vendor: "huawei-live", id: row.id }, "config updated");
    return c.json(api, 200);
  });

  app.delete("/v1/:project_id/record/callbacks/:id", (c) => {
    if (!deps.store.deleteHuaweiLive(c.req.param("project_id"), c.req.param("id"))) {
      return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    }
    deps.log.debug({ vendor: "huawei-live", id: c.req.param("id") }, "config deleted");
    return c.body(null, 204);
  });

  const methodNotSupported = (c: C) => liveError(c, 400, "LIVE.100011011", "HTTP method not supported");
  app.all("/v1/:project_id/record/callbacks", methodNotSupported);
  app.all("/v1/:project_id/record/callbacks/:id", methodNotSupported);
  return app;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

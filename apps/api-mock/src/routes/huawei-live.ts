/**
 * Huawei Cloud Live v1 recording-callback configuration (§2): GET/POST /v1/{project_id}/record/callbacks,
 * GET/PUT/DELETE /v1/{project_id}/record/callbacks/{id}. Every reply carries `X-request-id` (§2.1).
 */
import {
  checkHuaweiLiveKey,
  HuaweiLiveListRecordCallbackConfigsQuery,
  type HuaweiLiveRecordCallbackConfig,
  HuaweiLiveRecordCallbackConfigRequest,
  isJsonMediaType,
} from "@livehook/core";
import { type Context, Hono } from "hono";
import { type AppContext, activeLockout, apiFaultFires, type VendorEnv } from "../app-context.js";
import { checkHuaweiApig } from "../auth/huawei-apig.js";
import { configId, DOMAIN_NAME, huaweiRequestId, isoSeconds } from "../ids.js";
import { parseJson, utf8 } from "../json-body.js";
import { readRawBody } from "../raw-body.js";
import type { HuaweiLiveConfigRow } from "../state/store.js";
import { apigError, huaweiLiveError } from "../vendor-error.js";

/** The vendor's answer to most bad input (§2.3). */
const illegal = (status: 400 | 404 = 400) => huaweiLiveError(status, "LIVE.100011001", "Request Illegal");

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

/** Throttling buckets (`huawei-live:<method>:<route>`): one per method and route, as the gateway counts them. */
const COLLECTION = "/v1/:project_id/record/callbacks";
const ITEM = "/v1/:project_id/record/callbacks/:id";

export function huaweiLiveRoutes(ctx: AppContext): Hono<VendorEnv> {
  const { deps } = ctx;
  const app = new Hono<VendorEnv>();

  app.use(COLLECTION, async (c, next) => {
    await checkGateway(c, COLLECTION);
    await next();
  });
  app.use(ITEM, async (c, next) => {
    await checkGateway(c, ITEM);
    await next();
  });

  /** Request id, body, authentication (§6.1), throttling (D16) and the injected 5xx fault, before any route. */
  async function checkGateway(c: Context<VendorEnv>, route: typeof COLLECTION | typeof ITEM): Promise<void> {
    const requestId = huaweiRequestId(deps.random, deps.clock, deps.hostname);
    c.set("requestId", requestId);
    c.header("X-request-id", requestId);
    const raw = await readRawBody(c);
    if (raw === undefined) throw illegal();
    c.set("raw", raw);
    if (deps.credentials !== undefined) {
      checkHuaweiApig(
        deps,
        deps.credentials,
        {
          method: c.req.method,
          url: new URL(c.req.url),
          headers: c.req.raw.headers,
          raw,
          projectId: c.req.param("project_id"),
        },
        activeLockout(ctx),
      );
    }
    const throttling = deps.store.settings.throttling;
    if (
      throttling.enabled &&
      !ctx.throttle.take(`huawei-live:${c.req.method}:${route}`, throttling.huawei_live_per_minute, 60_000)
    ) {
      throw apigError(429, "APIG.0308", "The throttling threshold has been reached");
    }
    if (apiFaultFires(deps)) throw huaweiLiveError(500, "LIVE.103011021", "Database access failure");
  }

  /** Parses and checks a create/update body. */
  function parseBody(contentType: string | undefined, raw: Uint8Array): HuaweiLiveRecordCallbackConfigRequest {
    if (!isJsonMediaType(contentType)) throw huaweiLiveError(400, "LIVE.100011012", "Unsupported media type");
    const parsed = parseJson(utf8.decode(raw));
    if (parsed === undefined) throw illegal();
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
    if (!result.success) throw illegal();
    const value = result.data;
    if (recordStart) value.notify_event_subscription = ["RECORD_START", ...value.notify_event_subscription] as never;
    if (!DOMAIN_NAME.test(value.publish_domain)) throw illegal();
    if (settings.strict_keys && value.key !== undefined && value.key !== "" && !checkHuaweiLiveKey(value.key).ok) {
      throw illegal();
    }
    return value;
  }

  app.get(COLLECTION, (c) => {
    const q = HuaweiLiveListRecordCallbackConfigsQuery.safeParse(listQueryInput(new URL(c.req.url).search));
    if (!q.success) throw illegal();
    const { total, items } = deps.store.listHuaweiLive(c.req.param("project_id"), q.data, q.data.offset, q.data.limit);
    return c.json({ total, callback_config: items.map(toHuaweiLiveConfig) }, 200);
  });

  app.post(COLLECTION, (c) => {
    const v = parseBody(c.req.header("content-type"), c.get("raw"));
    if (deps.store.isKnownDomain("huawei-live", v.publish_domain) === false) throw illegal();
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
    if (!deps.store.insertHuaweiLive(row)) throw huaweiLiveError(400, "LIVE.103011018", "resource already exists");
    deps.log.debug({ vendor: "huawei-live", id: row.id, domain: row.publish_domain, app: row.app }, "config created");
    return c.json(toHuaweiLiveConfig(row), 201);
  });

  app.get(ITEM, (c) => {
    const row = deps.store.getHuaweiLive(c.req.param("project_id"), c.req.param("id"));
    if (row === undefined) throw illegal(404);
    return c.json(toHuaweiLiveConfig(row), 200);
  });

  app.put(ITEM, (c) => {
    const current = deps.store.getHuaweiLive(c.req.param("project_id"), c.req.param("id"));
    if (current === undefined) throw illegal();
    const v = parseBody(c.req.header("content-type"), c.get("raw"));
    // D13: the domain cannot change.
    if (v.publish_domain !== current.publish_domain) throw illegal();
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
    if (!deps.store.updateHuaweiLive(row)) throw huaweiLiveError(400, "LIVE.103011018", "resource already exists");
    deps.log.debug({ vendor: "huawei-live", id: row.id }, "config updated");
    return c.json(toHuaweiLiveConfig(row), 200);
  });

  app.delete(ITEM, (c) => {
    if (!deps.store.deleteHuaweiLive(c.req.param("project_id"), c.req.param("id"))) throw illegal();
    deps.log.debug({ vendor: "huawei-live", id: c.req.param("id") }, "config deleted");
    return c.body(null, 204);
  });

  const methodNotSupported = () => {
    throw huaweiLiveError(400, "LIVE.100011011", "HTTP method not supported");
  };
  app.all(COLLECTION, methodNotSupported);
  app.all(ITEM, methodNotSupported);
  return app;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

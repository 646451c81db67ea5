/**
 * Huawei SparkRTC v2 recording-callback configuration (§3): GET/PUT /v2/apps/{app_id}/record-callback.
 * Every reply carries `X-request-Id` (§3.1).
 */
import {
  checkHuaweiRtcKey,
  HUAWEI_RTC_RECORD_EVENT_TYPE_VALUES,
  type HuaweiRtcAppCallbackUrl,
  HuaweiRtcAppCallbackUrlReq,
} from "@livehook/core";
import { Hono } from "hono";
import { type AppContext, activeLockout, apiFaultFires, type VendorEnv } from "../app-context.js";
import { checkHuaweiApig } from "../auth/huawei-apig.js";
import { huaweiRequestId, isoMillis, RTC_APP_ID } from "../ids.js";
import { parseJson, utf8 } from "../json-body.js";
import { readRawBody } from "../raw-body.js";
import type { HuaweiRtcConfigRow } from "../state/store.js";
import { apigError, huaweiRtcError } from "../vendor-error.js";

/** §3.4 "probe callback URL": how long the probe POST may take before the URL counts as unreachable. */
export const PROBE_TIMEOUT_MS = 2000;
export const URL_UNAVAILABLE_MSG = "InvalidParameterValue: callback url is unavailable";

/** True when the URL answers a POST at all (any HTTP status); false on a connection error or timeout. */
async function probe(fetchFn: typeof fetch, url: string): Promise<boolean> {
  try {
    const res = await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      redirect: "manual",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

export function toRtcCallback(row: HuaweiRtcConfigRow): HuaweiRtcAppCallbackUrl {
  const out: HuaweiRtcAppCallbackUrl = {
    url: row.url,
    notify_event_subscription: row.notify_event_subscription,
    update_time: row.update_time,
  };
  // D17: SparkRTC returns auth_key in plain text, as the vendor does.
  if (row.auth_key !== undefined) out.auth_key = row.auth_key;
  return out;
}

export function huaweiRtcRoutes(ctx: AppContext): Hono<VendorEnv> {
  const { deps } = ctx;
  const app = new Hono<VendorEnv>();
  const path = "/v2/apps/:app_id/record-callback";

  app.use(path, async (c, next) => {
    const requestId = huaweiRequestId(deps.random, deps.clock, deps.hostname);
    c.set("requestId", requestId);
    c.header("X-request-Id", requestId);
    const raw = await readRawBody(c);
    if (raw === undefined) throw huaweiRtcError(400, "RTC.00001003", "InvalidParameterValue: body too large");
    c.set("raw", raw);
    if (deps.credentials !== undefined) {
      checkHuaweiApig(
        deps,
        deps.credentials,
        { method: c.req.method, url: new URL(c.req.url), headers: c.req.raw.headers, raw },
        activeLockout(ctx),
      );
    }
    const throttling = deps.store.settings.throttling;
    if (
      throttling.enabled &&
      !ctx.throttle.take(`huawei-rtc:${c.req.method}`, throttling.huawei_rtc_per_minute, 60_000)
    ) {
      throw apigError(429, "APIG.0308", "The throttling threshold has been reached");
    }
    if (apiFaultFires(deps)) throw huaweiRtcError(500, "RTC.00002001", "InternalError");
    // §3.4, D4: an app id the mock does not know is answered like an unknown app.
    const appId = c.req.param("app_id");
    const known = deps.store.isKnownDomain("huawei-rtc", appId);
    if (known === false || (known === undefined && !RTC_APP_ID.test(appId))) {
      throw huaweiRtcError(404, "RTC.00001003", "InvalidParameterValue");
    }
    await next();
  });

  app.get(path, (c) => {
    const appId = c.req.param("app_id");
    const row = deps.store.getRtc(appId);
    // D (§3.3): an app without a config answers 200 without record_callback.
    return c.json(row === undefined ? { app_id: appId } : { app_id: appId, record_callback: toRtcCallback(row) }, 200);
  });

  app.put(path, async (c) => {
    const appId = c.req.param("app_id");
    const parsed = parseJson(utf8.decode(c.get("raw")));
    if (parsed === undefined || !isRecord(parsed.value)) {
      throw huaweiRtcError(400, "RTC.00001002", "MalformedRequestBody: json parsing failed");
    }
    if (parsed.value.url === undefined) throw huaweiRtcError(400, "RTC.00001005", "MissingParameter");
    const result = HuaweiRtcAppCallbackUrlReq.safeParse(parsed.value);
    if (!result.success) throw huaweiRtcError(400, "RTC.00001003", "InvalidParameterValue");
    const { url, auth_key } = result.data;
    if (
      deps.store.settings.strict_keys &&
      auth_key !== undefined &&
      auth_key !== "" &&
      !checkHuaweiRtcKey(auth_key).ok
    ) {
      throw huaweiRtcError(400, "RTC.00001003", "InvalidParameterValue");
    }
    // §3.4: RTC.00001018 only while the probe option is on.
    if (deps.store.settings.probe_callback_url && !(await probe(deps.fetch, url))) {
      throw huaweiRtcError(400, "RTC.00001018", URL_UNAVAILABLE_MSG);
    }
    const current = deps.store.getRtc(appId);
    const row: HuaweiRtcConfigRow = {
      app_id: appId,
      url,
      // D9: a new config subscribes to both events; PUT keeps the subscription.
      notify_event_subscription: current?.notify_event_subscription ?? [...HUAWEI_RTC_RECORD_EVENT_TYPE_VALUES],
      update_time: isoMillis(deps.clock.now()),
    };
    if (auth_key !== undefined && auth_key !== "") row.auth_key = auth_key;
    deps.store.putRtc(row);
    deps.log.debug({ vendor: "huawei-rtc", app_id: appId }, "config updated");
    return c.json({ app_id: appId, record_callback: toRtcCallback(row) }, 200);
  });

  app.all(path, () => {
    throw huaweiRtcError(400, "RTC.00001003", "InvalidParameterValue: method not supported");
  });
  return app;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

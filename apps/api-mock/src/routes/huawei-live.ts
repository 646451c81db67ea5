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

  const live = huaweiLiveHandlers(ctx);
  const reply = (c: C, r: LiveReply) => c.body(r.body, r.status, JSON_TYPE);

  const gateway = async (c: C, next: () => Promise<void>) => {
    const requestId = huaweiRequestId(deps.random, deps.clock, deps.hostname);
    c.set("requestId", requestId);
    c.header("X-request-id", requestId);
    const raw = await readRawBody(c);
    if (raw === undefined) return reply(c, live.illegal());
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
    const refused = live.gate(c.req.method, c.req.param("id") === undefined ? COLLECTION : ITEM, requestId);
    if (refused !== undefined) return reply(c, refused);
    await next();
  };
  app.use("/v1/:project_id/record/callbacks", gateway);
  app.use("/v1/:project_id/record/callbacks/:id", gateway);

  app.get("/v1/:project_id/record/callbacks", (c) => {
    const url = c.req.url;
    const mark = url.indexOf("?");
    return reply(c, live.list(c.req.param("project_id"), mark < 0 ? "" : url.slice(mark + 1)));
  });

  app.post("/v1/:project_id/record/callbacks", async (c) =>
    reply(c, await live.create(c.req.param("project_id"), requestHeader(c, "content-type"), c.get("raw"))),
  );

  app.get("/v1/:project_id/record/callbacks/:id", (c) => {
    const row = deps.store.getHuaweiLive(c.req.param("project_id"), c.req.param("id"));
    if (row === undefined) return liveError(c, 404, "LIVE.100011001", ILLEGAL);
    return c.json(toHuaweiLiveConfig(row), 200);
  });

  app.put("/v1/:project_id/record/callbacks/:id", (c) => {
    const current = deps.store.getHuaweiLive(c.req.param("project_id"), c.req.param("id"));
    if (current === undefined) return liveError(c, 400, "LIVE.100011001", ILLEGAL);
    const body = live.parseBody(requestHeader(c, "content-type"), c.get("raw"));
    if (!body.ok) return reply(c, body.reply);
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
    if (deps.log.isLevelEnabled("debug")) deps.log.debug({ vendor: "huawei-live", id: row.id }, "config updated");
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

/** A Huawei Live reply: always JSON text (the X-request-id header is the caller's). */
export type LiveReply = { status: 200 | 201 | 400 | 404 | 429 | 500; body: string };

/** Throttling buckets (`huawei-live:<method>:<route>`): one per method and route, as the gateway counts them. */
export const COLLECTION = "/v1/:project_id/record/callbacks";
export const ITEM = "/v1/:project_id/record/callbacks/:id";

const JSON_TYPE = { "content-type": "application/json" } as const;

const liveErrorReply = (status: 400 | 404 | 500, code: string, msg: string): LiveReply => ({
  status,
  body: JSON.stringify({ error_code: code, error_msg: msg }),
});
const ILLEGAL_REPLY = liveErrorReply(400, "LIVE.100011001", ILLEGAL);

/**
 * The framework-free logic of the list and create routes and of the gateway checks after authentication. The Hono
 * routes above call it, and so does the node:http fast path (`node-fast-path.ts`), so both give the same answers.
 */
export function huaweiLiveHandlers(ctx: AppContext) {
  const { deps } = ctx;

  /** Throttling (D16) and the injected 5xx fault; undefined when the request may go on. */
  function gate(method: string, route: typeof COLLECTION | typeof ITEM, requestId: string): LiveReply | undefined {
    const throttling = deps.store.settings.throttling;
    if (throttling.enabled) {
      if (!ctx.throttle.take(`huawei-live:${method}:${route}`, throttling.huawei_live_per_minute, 60_000)) {
        return {
          status: 429,
          body: JSON.stringify({
            error_code: "APIG.0308",
            error_msg: "The throttling threshold has been reached",
            request_id: requestId.slice(0, 32),
          }),
        };
      }
    }
    if (apiFaultFires(deps)) return liveErrorReply(500, "LIVE.103011021", "Database access failure");
    return undefined;
  }

  /** Parses and checks a create/update body. */
  function parseBody(
    contentType: string | undefined,
    raw: Uint8Array,
  ): { ok: true; value: HuaweiLiveRecordCallbackConfigRequest } | { ok: false; reply: LiveReply } {
    if (!isJsonMediaType(contentType)) {
      return { ok: false, reply: liveErrorReply(400, "LIVE.100011012", "Unsupported media type") };
    }
    const parsed = parseJson(utf8.decode(raw));
    if (parsed === undefined) return { ok: false, reply: ILLEGAL_REPLY };
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
    if (!result.success) return { ok: false, reply: ILLEGAL_REPLY };
    const value = result.data;
    if (recordStart) value.notify_event_subscription = ["RECORD_START", ...value.notify_event_subscription] as never;
    if (!DOMAIN_NAME.test(value.publish_domain)) return { ok: false, reply: ILLEGAL_REPLY };
    if (settings.strict_keys && value.key !== undefined && value.key !== "" && !checkHuaweiLiveKey(value.key).ok) {
      return { ok: false, reply: ILLEGAL_REPLY };
    }
    return { ok: true, value };
  }

  /** GET /v1/{project_id}/record/callbacks; `search` is the query string without `?`. */
  function list(projectId: string, search: string): LiveReply {
    const q = HuaweiLiveListRecordCallbackConfigsQuery.safeParse(listQueryInput(search));
    if (!q.success) return ILLEGAL_REPLY;
    return { status: 200, body: deps.store.listHuaweiLiveJson(projectId, q.data, q.data.offset, q.data.limit) };
  }

  /** POST /v1/{project_id}/record/callbacks: resolves after the row is committed (group commit, see the store). */
  async function create(projectId: string, contentType: string | undefined, raw: Uint8Array): Promise<LiveReply> {
    const body = parseBody(contentType, raw);
    if (!body.ok) return body.reply;
    const v = body.value;
    if (deps.store.isKnownDomain("huawei-live", v.publish_domain) === false) return ILLEGAL_REPLY;
    const now = isoSeconds(deps.clock.now());
    const row: HuaweiLiveConfigRow = {
      id: configId(deps.random, deps.clock),
      project_id: projectId,
      publish_domain: v.publish_domain,
      app: v.app,
      notify_event_subscription: v.notify_event_subscription,
      sign_type: v.sign_type,
      create_time: now,
      update_time: now,
    };
    if (v.notify_callback_url !== undefined) row.notify_callback_url = v.notify_callback_url;
    if (v.key !== undefined && v.key !== "") row.key = v.key;
    const json = await deps.store.insertHuaweiLive(row, toHuaweiLiveConfig(row));
    if (json === undefined) return liveErrorReply(400, "LIVE.103011018", "resource already exists");
    if (deps.log.isLevelEnabled("debug")) {
      deps.log.debug({ vendor: "huawei-live", id: row.id, domain: row.publish_domain, app: row.app }, "config created");
    }
    return { status: 201, body: json };
  }

  return { gate, parseBody, list, create, illegal: () => ILLEGAL_REPLY };
}

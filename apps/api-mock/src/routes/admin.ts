/** The admin API under /_mock/ (packages/core/openapi/mock-admin.yaml), validated with its generated schemas. */

import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { AppContext } from "../app-context.js";
import {
  MockAdminDeliveryStatus,
  MockAdminDomain,
  MockAdminFaults,
  MockAdminRedeliverRequest,
  MockAdminSessionCreateRequest,
  MockAdminSessionState,
  MockAdminSessionStopRequest,
  MockAdminSettingsUpdate,
  MockAdminVendor,
} from "../generated/index.js";
import { DOMAIN_NAME, RTC_APP_ID } from "../ids.js";
import { parseJson } from "../json-body.js";
import { MAX_BODY_BYTES } from "../raw-body.js";
import { applySettingsUpdate, fullFaults } from "../settings.js";
import { SessionError } from "../simulator/simulator.js";

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});
const SessionQuery = Page.extend({ vendor: MockAdminVendor.optional(), state: MockAdminSessionState.optional() });
const DeliveryQuery = Page.extend({
  session_id: z.string().min(1).optional(),
  vendor: MockAdminVendor.optional(),
  status: MockAdminDeliveryStatus.optional(),
  event_type: z.string().min(1).optional(),
});

const REDELIVER_SCAN = 10_000;

function adminError(c: Context, status: 400 | 404 | 409, error: string, message: string) {
  return c.json({ error, message }, status);
}

async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ ok: true; value: z.infer<S> } | { ok: false; res: Response }> {
  const parsed = parseJson(await c.req.text());
  if (parsed === undefined) return { ok: false, res: adminError(c, 400, "invalid_request", "body is not JSON") };
  const result = schema.safeParse(parsed.value);
  if (!result.success) {
    return { ok: false, res: adminError(c, 400, "invalid_request", z.prettifyError(result.error)) };
  }
  return { ok: true, value: result.data };
}

function query<S extends z.ZodType>(c: Context, schema: S): z.ZodSafeParseResult<z.infer<S>> {
  const params = new URL(c.req.url).searchParams;
  return schema.safeParse(Object.fromEntries([...params.entries()].reverse()));
}

export function adminRoutes(ctx: AppContext): Hono {
  const { deps, simulator } = ctx;
  const store = deps.store;
  const app = new Hono();
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => adminError(c, 400, "invalid_request", "body too large"),
    }),
  );

  app.post("/sessions", async (c) => {
    const body = await jsonBody(c, MockAdminSessionCreateRequest);
    if (!body.ok) return body.res;
    try {
      return c.json(simulator.start(body.value), 201);
    } catch (err) {
      if (err instanceof SessionError) return adminError(c, 400, "invalid_request", err.message);
      throw err;
    }
  });

  app.get("/sessions", (c) => {
    const q = query(c, SessionQuery);
    if (!q.success) return adminError(c, 400, "invalid_request", z.prettifyError(q.error));
    const { total, items } = store.listSessions(q.data, q.data.offset, q.data.limit);
    return c.json({ total, sessions: items }, 200);
  });

  app.get("/sessions/:id", (c) => {
    const rec = store.getSession(c.req.param("id"));
    if (rec === undefined) return adminError(c, 404, "not_found", "no such session");
    return c.json(rec.session, 200);
  });

  app.post("/sessions/:id/stop", async (c) => {
    if (store.getSession(c.req.param("id")) === undefined) return adminError(c, 404, "not_found", "no such session");
    const body = await jsonBody(c, MockAdminSessionStopRequest);
    if (!body.ok) return body.res;
    const result = simulator.stop(c.req.param("id"), body.value.outcome);
    if (result.ok) return c.json(result.session, 200);
    if (result.reason === "not_found") return adminError(c, 404, "not_found", "no such session");
    return adminError(c, 409, "conflict", "only a running realtime session can be stopped");
  });

  app.put("/sessions/:id/faults", async (c) => {
    const rec = store.getSession(c.req.param("id"));
    if (rec === undefined) return adminError(c, 404, "not_found", "no such session");
    const body = await jsonBody(c, MockAdminFaults);
    if (!body.ok) return body.res;
    rec.session.faults = body.value;
    store.updateSession(rec.session);
    return c.json(rec.session, 200);
  });

  app.get("/deliveries", (c) => {
    const q = query(c, DeliveryQuery);
    if (!q.success) return adminError(c, 400, "invalid_request", z.prettifyError(q.error));
    const { total, items } = store.listDeliveries(q.data, q.data.offset, q.data.limit);
    return c.json({ total, deliveries: items }, 200);
  });

  app.post("/deliveries/redeliver", async (c) => {
    const body = await jsonBody(c, MockAdminRedeliverRequest);
    if (!body.ok) return body.res;
    const v = body.value;
    const ids =
      v.ids ??
      store
        .listDeliveries({ session_id: v.session_id, vendor: v.vendor, status: v.status ?? "failed" }, 0, REDELIVER_SCAN)
        .items.map((d) => d.id)
        .reverse();
    return c.json({ deliveries: simulator.redeliver(ids) }, 202);
  });

  app.get("/deliveries/:id", (c) => {
    const rec = store.getDelivery(c.req.param("id"));
    if (rec === undefined) return adminError(c, 404, "not_found", "no such delivery");
    return c.json(rec.delivery, 200);
  });

  app.post("/deliveries/:id/redeliver", (c) => {
    const rec = store.getDelivery(c.req.param("id"));
    if (rec === undefined) return adminError(c, 404, "not_found", "no such delivery");
    if (rec.delivery.status === "pending") return adminError(c, 409, "conflict", "the delivery is still pending");
    const [queued] = simulator.redeliver([rec.delivery.id]);
    if (queued === undefined) return adminError(c, 409, "conflict", "the session's config has no callback URL");
    return c.json(queued, 202);
  });

  app.get("/faults", (c) => c.json(fullFaults(store.faults), 200));
  app.put("/faults", async (c) => {
    const body = await jsonBody(c, MockAdminFaults);
    if (!body.ok) return body.res;
    store.setFaults(body.value);
    return c.json(fullFaults(body.value), 200);
  });

  app.get("/domains", (c) => c.json({ domains: store.listDomains() }, 200));
  app.post("/domains", async (c) => {
    const body = await jsonBody(c, MockAdminDomain);
    if (!body.ok) return body.res;
    const { vendor, name } = body.value;
    const valid = vendor === "huawei-rtc" ? RTC_APP_ID.test(name) : DOMAIN_NAME.test(name);
    if (!valid)
      return adminError(c, 400, "invalid_request", `not a valid ${vendor === "huawei-rtc" ? "app id" : "domain"}`);
    store.addDomain(vendor, name);
    return c.json({ vendor, name }, 201);
  });
  app.delete("/domains/:vendor/:name", (c) => {
    const vendor = MockAdminVendor.safeParse(c.req.param("vendor"));
    if (!vendor.success || !store.deleteDomain(vendor.data, c.req.param("name"))) {
      return adminError(c, 404, "not_found", "no such domain");
    }
    return c.body(null, 204);
  });

  app.get("/settings", (c) => c.json(store.settings, 200));
  app.patch("/settings", async (c) => {
    const body = await jsonBody(c, MockAdminSettingsUpdate);
    if (!body.ok) return body.res;
    store.setSettings(applySettingsUpdate(store.settings, body.value));
    ctx.throttle.reset();
    return c.json(store.settings, 200);
  });

  app.post("/reset", (c) => {
    store.reset();
    ctx.throttle.reset();
    ctx.lockout.reset();
    deps.log.info("state reset");
    return c.body(null, 204);
  });

  return app;
}

/**
 * createApp(deps) returns the Hono app and listens on nothing (STYLE habit 17); serve.ts is the only place that
 * opens the database and listens (for the command, main.ts, and for startMock). createMock also hands back the simulator so tests can wait for
 * deliveries to settle.
 */
import { Hono } from "hono";
import type { AppContext, VendorEnv } from "./app-context.js";
import { ApigLockout } from "./auth/lockout.js";
import { DeliveryEngine } from "./delivery/engine.js";
import type { MockDeps } from "./deps.js";
import { aliyunRequestId, huaweiRequestId } from "./ids.js";
import { NonceCache } from "./nonce-cache.js";
import { adminRoutes } from "./routes/admin.js";
import { aliyunLiveRoutes } from "./routes/aliyun-live.js";
import { huaweiLiveRoutes } from "./routes/huawei-live.js";
import { huaweiRtcRoutes } from "./routes/huawei-rtc.js";
import { openapiRoutes } from "./routes/openapi.js";
import { Simulator } from "./simulator/simulator.js";
import { Throttle } from "./throttle.js";
import { apigError, renderVendorError, VendorError } from "./vendor-error.js";

export type Mock = { app: Hono<VendorEnv>; simulator: Simulator; context: AppContext };

export function createMock(deps: MockDeps): Mock {
  const engine = new DeliveryEngine(deps);
  const context: AppContext = {
    deps,
    engine,
    simulator: new Simulator(deps, engine),
    throttle: new Throttle(deps.clock),
    nonces: new NonceCache(deps.clock),
    lockout: new ApigLockout(deps.clock),
  };
  const app = new Hono<VendorEnv>();

  app.get("/healthz", (c) => c.json({ status: "ok" }, 200));
  app.route("/", openapiRoutes());
  app.route("/_mock", adminRoutes(context));
  app.route("/", huaweiLiveRoutes(context));
  app.route("/", huaweiRtcRoutes(context));
  app.route("/", aliyunLiveRoutes(context));

  app.notFound((c) => {
    const path = c.req.path;
    // Unknown vendor paths are answered as the vendor's gateway would (APIG.0101), with its request id.
    if (path.startsWith("/v1/") || path.startsWith("/v2/")) {
      const requestId = huaweiRequestId(deps.random, deps.clock, deps.hostname);
      c.header("X-request-id", requestId);
      const err = apigError(404, "APIG.0101", "The API does not exist or has not been published in the environment");
      return renderVendorError(c, err, requestId);
    }
    return c.json({ error: "not_found", message: `no route for ${c.req.method} ${path}` }, 404);
  });

  // One place renders errors, through pino rather than Hono's console.error (STYLE habit 20): a VendorError in its
  // vendor's body, with the request id the route gave the reply; anything else is a 500 of the mock's own.
  app.onError((err, c) => {
    if (err instanceof VendorError) {
      // Every vendor route sets it first; the fallback only keeps a reply's id well-formed.
      const requestId: string | undefined = c.get("requestId");
      return renderVendorError(
        c,
        err,
        requestId ??
          (err.source === "aliyun-live"
            ? aliyunRequestId(deps.random)
            : huaweiRequestId(deps.random, deps.clock, deps.hostname)),
      );
    }
    deps.log.error({ err, method: c.req.method, path: c.req.path }, "unhandled error");
    return c.json({ error: "internal_error", message: "unexpected error; see the mock's log" }, 500);
  });

  return { app, simulator: context.simulator, context };
}

export function createApp(deps: MockDeps): Hono<VendorEnv> {
  return createMock(deps).app;
}

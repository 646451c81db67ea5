/**
 * createApp(deps) returns the Hono app and listens on nothing (STYLE habit 17); main.ts is the only place that
 * opens the database, reads config and listens. createMock also hands back the simulator so tests can wait for
 * deliveries to settle.
 */
import { Hono } from "hono";
import { ApigLockout } from "./auth/lockout.js";
import type { AppContext } from "./context.js";
import { DeliveryEngine } from "./delivery/engine.js";
import type { MockDeps } from "./deps.js";
import { huaweiRequestId } from "./ids.js";
import { NonceCache } from "./nonce-cache.js";
import { adminRoutes } from "./routes/admin.js";
import { aliyunLiveRoutes } from "./routes/aliyun-live.js";
import { huaweiLiveRoutes } from "./routes/huawei-live.js";
import { huaweiRtcRoutes } from "./routes/huawei-rtc.js";
import { openapiRoutes } from "./routes/openapi.js";
import { Simulator } from "./simulator/simulator.js";
import { Throttle } from "./throttle.js";

export type Mock = { app: Hono; simulator: Simulator; context: AppContext };

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
  const app = new Hono();

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
      return c.json(
        {
          error_code: "APIG.0101",
          error_msg: "The API does not exist or has not been published in the environment",
          request_id: requestId.slice(0, 32),
        },
        404,
      );
    }
    return c.json({ error: "not_found", message: `no route for ${c.req.method} ${path}` }, 404);
  });

  // One place renders unexpected errors, through pino rather than Hono's console.error (STYLE habit 20).
  app.onError((err, c) => {
    deps.log.error({ err, method: c.req.method, path: c.req.path }, "unhandled error");
    return c.json({ error: "internal_error", message: "unexpected error; see the mock's log" }, 500);
  });

  return { app, simulator: context.simulator, context };
}

export function createApp(deps: MockDeps): Hono {
  return createMock(deps).app;
}

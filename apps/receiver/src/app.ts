/**
 * createApp(deps) builds the Hono app for everything but the callbacks and listens on nothing (STYLE habit 17).
 * server.ts puts it behind the node:http callback path (node-hooks.ts); serve.ts owns the socket.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { adminAuth } from "./admin-auth.js";
import { apiRoutes } from "./api/routes.js";
import { StoreUnavailable } from "./api/store-reads.js";
import type { Config } from "./config.js";
import type { ReceiverDeps } from "./deps.js";
import { aliyunLiveHook } from "./hooks/aliyun-live.js";
import { huaweiLiveHook } from "./hooks/huawei-live.js";
import { huaweiRtcHook } from "./hooks/huawei-rtc.js";
import type { VendorHook } from "./hooks/vendor-hook.js";
import { HOST_NOT_ALLOWED } from "./host-check.js";
import { INSPECTOR_HEADERS, INSPECTOR_HTML } from "./inspector/page.js";
import { StoreBlocked } from "./store/types.js";

/** The callback endpoints, by path, answered by node-hooks.ts (see server.ts). */
export function vendorHooks(config: Config): Map<string, VendorHook> {
  return new Map<string, VendorHook>([
    [
      "/hooks/huawei-live",
      huaweiLiveHook({ signTypes: config.huaweiLiveSignTypes, graceSeconds: config.toleranceSeconds }),
    ],
    ["/hooks/huawei-rtc", huaweiRtcHook({ toleranceSeconds: config.toleranceSeconds })],
    [
      "/hooks/aliyun-live",
      aliyunLiveHook({ toleranceSeconds: config.toleranceSeconds, callbackHost: config.aliyunCallbackHost }),
    ],
  ]);
}

export function createApp(deps: ReceiverDeps): Hono {
  const { config } = deps;
  const app = new Hono();
  // While draining, ask keep-alive clients to go away so the server can close once in-flight work is done.
  app.use("*", async (c, next) => {
    await next();
    if (deps.draining?.()) c.res.headers.set("connection", "close");
  });
  // DNS rebinding guard (host-check.ts): first, so a refused Host learns nothing, not even whether a path exists.
  app.use("*", async (c, next) => {
    if (!deps.hostCheck.allowsRequest(c.req.path, c.req.header("host"))) {
      return c.json(
        {
          error: HOST_NOT_ALLOWED,
          message: "the Host header is not a name this receiver listens under; see --allowed-hosts",
        },
        403,
      );
    }
    await next();
    // No reply of the receiver is meant to be sniffed into another type (an event body rendered as HTML).
    c.res.headers.set("x-content-type-options", "nosniff");
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (deps.draining?.()) return c.json({ status: "draining" }, 503);
    // A write running longer than the bound: deliveries are being answered 503 (issue 15, item 6).
    if (deps.committer.stalledMs() > config.storeWaitMs) return c.json({ status: "store_blocked" }, 503);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), config.storeWaitMs);
    });
    try {
      const answer = await Promise.race([deps.store.ping(), timeout]);
      if (answer === "timeout") return c.json({ status: "store_blocked" }, 503);
      return c.json({ status: "ready", store: deps.store.kind });
    } catch (err) {
      return c.json({ status: err instanceof StoreBlocked ? "store_blocked" : "store_unreachable" }, 503);
    } finally {
      clearTimeout(timer);
    }
  });

  const admin = adminAuth(config.adminToken);
  app.use("/api/*", admin);
  app.use("/metrics", admin);
  app.get("/metrics", (c) => c.text(deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }));
  app.route("/api", apiRoutes(deps));
  app.get("/", admin, (c) => c.html(INSPECTOR_HTML, 200, INSPECTOR_HEADERS));

  app.notFound((c) => c.json({ error: "not_found" }, 404));
  // Replaces Hono's default handler, which logs with console.error. Errors are logged by message only: a
  // verifier or driver error must never carry a key or a connection string into a response.
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof StoreUnavailable) {
      deps.log.warn({ reason: err.reason, path: c.req.path }, "store read failed");
      return c.json({ error: "store_unavailable", reason: err.reason }, 503);
    }
    deps.log.error({ err: { name: err.name, message: err.message }, path: c.req.path }, "request failed");
    return c.json({ error: "internal_error" }, 500);
  });
  return app;
}

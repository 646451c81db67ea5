/**
 * The receiver's HTTP server, composed the one way it is served: serve.ts listens on it (for the command and for
 * startReceiver) and the tests (test/helpers.ts `makeReceiver`) send their requests to it over a socket. Callbacks (POST /hooks/<vendor>) are
 * answered by node-hooks.ts straight from the IncomingMessage, because Hono's node adapter turns every request into
 * a fetch Request with a web-stream body, and on the hot path that conversion costs more than verifying and storing
 * the event; everything else (API, inspector, probes, metrics, unknown paths) goes to the Hono app.
 */
import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { createApp, vendorHooks } from "./app.js";
import type { ReceiverDeps } from "./deps.js";
import { declaresMoreThan, nodeHookHandler } from "./node-hooks.js";

/** A server that listens on nothing yet: the caller chooses the address and owns the shutdown. */
export function createReceiverServer(deps: ReceiverDeps): Server {
  const hooks = nodeHookHandler(deps, vendorHooks(deps.config));
  const hono = getRequestListener(createApp(deps).fetch);
  const server = createServer((req, res) => {
    if (!hooks(req, res)) void hono(req, res);
  });
  // `Expect: 100-continue`: a callback that declares a body over the limit is answered 413 at once, without the
  // 100 that would have the sender send it; every other request is told to go on, as node:http does by default.
  server.on("checkContinue", (req, res) => {
    if (!(req.url?.startsWith("/hooks/") && declaresMoreThan(req, deps.config.bodyLimitBytes))) res.writeContinue();
    server.emit("request", req, res);
  });
  return server;
}

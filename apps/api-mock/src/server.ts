/**
 * The mock's request listener, as serve.ts serves it: a refused Host is answered first (DNS rebinding guard,
 * host-check.ts), everything else goes to the Hono app. Tests serve the same listener.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Mock } from "./app.js";
import { hostGuard } from "./host-check.js";

export function mockRequestListener(
  mock: Mock,
  opts: { listenHost: string; allowedHosts: readonly string[] },
): (req: IncomingMessage, res: ServerResponse) => void {
  const refusedHost = hostGuard(opts);
  const hono = getRequestListener(mock.app.fetch);
  return (req, res) => {
    if (!refusedHost(req, res)) void hono(req, res);
  };
}

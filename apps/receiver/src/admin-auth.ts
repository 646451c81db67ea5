/**
 * The query API, metrics and inspector are open on loopback; on any other address config.ts requires
 * LIVEHOOK_ADMIN_TOKEN and this middleware checks it (`Authorization: Bearer …`, or `?token=` because
 * EventSource and a bookmarked inspector URL cannot set headers). Digests are compared, so lengths never leak.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

const digest = (s: string) => createHash("sha256").update(s).digest();

export function adminAuth(token: string | undefined): MiddlewareHandler {
  if (token === undefined) return async (_c, next) => next();
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header("authorization");
    const given = header?.startsWith("Bearer ") ? header.slice(7) : c.req.query("token");
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return c.json({ error: "unauthorized" }, 401);
    }
    return next();
  };
}

/**
 * The query API, metrics and inspector are open on loopback; on any other address config.ts requires
 * LIVEHOOK_ADMIN_TOKEN and this middleware checks it (`Authorization: Bearer …`, or `?token=` because
 * EventSource and a bookmarked inspector URL cannot set headers). Digests are compared, so lengths never leak.
 * The scheme name is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are the same scheme.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

const digest = (s: string) => createHash("sha256").update(s).digest();
const BEARER = /^bearer +(\S+) *$/i;

export function adminAuth(token: string | undefined): MiddlewareHandler {
  if (token === undefined) return async (_c, next) => next();
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header("authorization");
    const given = (header === undefined ? undefined : BEARER.exec(header)?.[1]) ?? c.req.query("token");
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return c.json({ error: "unauthorized" }, 401);
    }
    return next();
  };
}

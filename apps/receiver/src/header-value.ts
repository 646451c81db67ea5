/**
 * One header value from either a fetch `Headers` (Hono route) or Node's `IncomingHttpHeaders` (fast path, names
 * already lower-cased by Node). Repeats are joined with ", " as `Headers.get` does. Core has the same lookup
 * internally but does not export it.
 */
import type { HeaderSource } from "@livehook/core";

export function headerValue(headers: HeaderSource, lowerName: string): string | undefined {
  if (headers instanceof Headers) return headers.get(lowerName) ?? undefined;
  const value = headers[lowerName];
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.join(", ");
  return undefined;
}

/** Parsers for option values; a bad value is a usage error naming the option. */
import { UsageError } from "./errors.js";

/** `--now` and `--timestamp` accept Unix seconds or an ISO 8601 date. */
export function parseInstant(value: string, option: string): Date {
  const d = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`${option}: expected Unix seconds or an ISO date, got "${value}"`);
  return d;
}

export function parseUnixSeconds(value: string, option: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  return Math.floor(parseInstant(value, option).getTime() / 1000);
}

export function parseInteger(
  value: string | number,
  option: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${option}: expected an integer from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

/** `--header "Name: value"`, repeatable. */
export function parseHeaders(values: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of values) {
    const at = h.indexOf(":");
    if (at <= 0) throw new UsageError(`--header: expected "Name: value", got "${h}"`);
    out[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
  }
  return out;
}

export function unixNow(now: Date): number {
  return Math.floor(now.getTime() / 1000);
}

/** The host the Alibaba signature covers, from `--host` or the hostname of `--url`/`--to` (D12: no port). */
export function hostOf(url: string, option: string): { hostname: string; host: string } {
  try {
    const u = new URL(url);
    return { hostname: u.hostname, host: u.host };
  } catch {
    throw new UsageError(`${option}: not a URL: "${url}"`);
  }
}

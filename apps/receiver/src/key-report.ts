/**
 * What the receiver tells at start about its keys: per vendor, whether it has any and how many (a vendor without
 * keys answers 404 `vendor_not_configured`), and environment variables it does not read whose names are one slip
 * away from one it does (`LIVEHOOK_HUAWEI_LIVE_KEY` for `…_KEYS`). Counts and names only, never a key.
 */

import { VENDORS, type Vendor } from "@livehook/core";
import { type Config, EnvConfig } from "./config.js";

export const KEYS_VARIABLE: Record<Vendor, string> = {
  "huawei-live": "LIVEHOOK_HUAWEI_LIVE_KEYS",
  "huawei-rtc": "LIVEHOOK_HUAWEI_RTC_KEYS",
  "aliyun-live": "LIVEHOOK_ALIYUN_LIVE_KEYS",
};

export type KeyStatus = { vendor: Vendor; keyCount: number; level: "info" | "warn"; message: string };

export function keyStatus(config: Pick<Config, "keys">): KeyStatus[] {
  return VENDORS.map((vendor) => {
    const keyCount = config.keys[vendor].length;
    if (keyCount > 0) {
      return { vendor, keyCount, level: "info", message: `${vendor}: ${keyCount} key${keyCount === 1 ? "" : "s"}` };
    }
    return {
      vendor,
      keyCount,
      level: "warn",
      message: `${vendor}: no keys, so /hooks/${vendor} answers 404 vendor_not_configured; set ${KEYS_VARIABLE[vendor]}`,
    };
  });
}

/** The environment variables the receiver reads (config.ts). */
export const READ_VARIABLES: readonly string[] = Object.keys(EnvConfig.shape);

/**
 * Set variables the receiver does not read whose name is within two edits (ignoring case) of one it reads that is
 * not set. When the intended variable is set too, the near-miss is most likely meant for another tool (the CLI reads
 * `LIVEHOOK_HUAWEI_LIVE_KEY` as well), so it is not reported.
 */
export function nearMissVariables(
  env: Readonly<Record<string, string | undefined>>,
  read: readonly string[] = READ_VARIABLES,
): string[] {
  const out: string[] = [];
  for (const name of Object.keys(env)) {
    if (env[name] === undefined || read.includes(name) || !/^livehook_/i.test(name)) continue;
    const meant = read.find((known) => env[known] === undefined && editDistance(name.toUpperCase(), known) <= 2);
    if (meant !== undefined) out.push(`${name} is not read; did you mean ${meant}?`);
  }
  return out;
}

/** Levenshtein distance (the names are short; the plain table is enough). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The vendors' callback-key rules (D5, from core), checked before a key is sent: the vendor would refuse such a key
 * with an error that names no rule (Huawei Live: `LIVE.100011001 Request Illegal`).
 */
import { checkHuaweiLiveKey, checkHuaweiRtcKey } from "@livehook/core";
import { UsageError } from "../errors.js";

const RULES = {
  "huawei-live": { check: checkHuaweiLiveKey, vendor: "Huawei Live" },
  "huawei-rtc": { check: checkHuaweiRtcKey, vendor: "SparkRTC" },
} as const;

/**
 * Throws a UsageError naming where the key came from (`--key`, `LIVEHOOK_HUAWEI_LIVE_KEYS`) and the rule it breaks.
 * An empty key is not checked: it clears the stored key (Huawei Live update) or leaves callbacks unsigned.
 */
export function assertVendorKey(api: keyof typeof RULES, key: string, source: string): void {
  if (key === "") return;
  const verdict = RULES[api].check(key);
  if (!verdict.ok) throw new UsageError(`${source}: the ${RULES[api].vendor} ${verdict.reason}`);
}

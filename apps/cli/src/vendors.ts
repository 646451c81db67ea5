/**
 * The vendor ids come from @livehook/core, through its import-free `vendors` entry, so the command tree can list
 * them without loading the schemas. What is the CLI's own is here: the environment variables of the keys.
 */
import type { Vendor } from "@livehook/core/vendors";

export { HUAWEI_LIVE_SIGN_TYPES, isVendor, VENDORS, type Vendor } from "@livehook/core/vendors";

/** Environment variables holding callback keys, per vendor. The plural form takes a comma-separated list (rotation). */
export const KEY_ENV: Record<Vendor, { single: string; list: string }> = {
  "huawei-live": { single: "LIVEHOOK_HUAWEI_LIVE_KEY", list: "LIVEHOOK_HUAWEI_LIVE_KEYS" },
  "huawei-rtc": { single: "LIVEHOOK_HUAWEI_RTC_KEY", list: "LIVEHOOK_HUAWEI_RTC_KEYS" },
  "aliyun-live": { single: "LIVEHOOK_ALIYUN_LIVE_KEY", list: "LIVEHOOK_ALIYUN_LIVE_KEYS" },
};

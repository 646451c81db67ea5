/**
 * The three callback schemes by the names the receiver uses in its paths (`/hooks/<vendor>`). Kept free of imports
 * so the command tree can list them without loading core.
 */
export const VENDORS = ["huawei-live", "huawei-rtc", "aliyun-live"] as const;
export type Vendor = (typeof VENDORS)[number];

export function isVendor(value: string): value is Vendor {
  return (VENDORS as readonly string[]).includes(value);
}

/** Environment variables holding callback keys, per vendor. The plural form takes a comma-separated list (rotation). */
export const KEY_ENV: Record<Vendor, { single: string; list: string }> = {
  "huawei-live": { single: "LIVEHOOK_HUAWEI_LIVE_KEY", list: "LIVEHOOK_HUAWEI_LIVE_KEYS" },
  "huawei-rtc": { single: "LIVEHOOK_HUAWEI_RTC_KEY", list: "LIVEHOOK_HUAWEI_RTC_KEYS" },
  "aliyun-live": { single: "LIVEHOOK_ALIYUN_LIVE_KEY", list: "LIVEHOOK_ALIYUN_LIVE_KEYS" },
};

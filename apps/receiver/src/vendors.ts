/** The three callback sources, in the spelling used by URLs (`/hooks/<vendor>`), the store and the API. */
export const VENDORS = ["huawei-live", "huawei-rtc", "aliyun-live"] as const;
export type Vendor = (typeof VENDORS)[number];

export const isVendor = (value: unknown): value is Vendor => VENDORS.includes(value as Vendor);

/**
 * The three callback sources, in the spelling the receiver's URLs (`/hooks/<vendor>`), its store and API, the
 * mock and the CLI all use. Free of imports, so a command line can list the vendors without loading the schemas
 * (`@livehook/core/vendors`).
 */
export const VENDORS = ["huawei-live", "huawei-rtc", "aliyun-live"] as const;
export type Vendor = (typeof VENDORS)[number];

export function isVendor(value: unknown): value is Vendor {
  return (VENDORS as readonly unknown[]).includes(value);
}

/**
 * Huawei Live's callback signature algorithms, the default first: HMACSHA256 authenticates the body, MD5 only the
 * fields it covers. The same set as the OpenAPI contract's `HuaweiLiveSignType` (a type test holds them together);
 * here, in this order and without zod, for the signing functions and the command line's choices.
 */
export const HUAWEI_LIVE_SIGN_TYPES = ["HMACSHA256", "MD5"] as const;

/**
 * The body fields each vendor signs with, which change on every re-signed retry of the same event: Huawei Live
 * puts its signature and timestamp in the body; SparkRTC and Alibaba sign in headers.
 */
export const VENDOR_AUTH_FIELDS: Readonly<Record<Vendor, readonly string[]>> = {
  "huawei-live": ["auth_sign", "auth_timestamp"],
  "huawei-rtc": [],
  "aliyun-live": [],
};

// The public surface of @livehook/core. Every name is listed where it is defined: signing/index.ts for the
// signature functions, generated/index.ts (written by scripts/generate.ts) for the schemas, enums and types, and
// here for the vendor ids, event identity and the small helpers the receiver, the mock and the CLI share.
export { type Clock, systemClock } from "./clock.js";
export {
  canonicalJson,
  EVENT_DIGEST_HEX_DIGITS,
  eventDigest,
  TooDeeplyNestedError,
} from "./event-identity.js";
// biome-ignore lint/performance/noReExportAll: generated/index.ts names each export explicitly; listing them again here would only drift.
export * from "./generated/index.js";
export { MAX_BODY_DEPTH, nestsDeeperThan } from "./json-depth.js";
export { type RedactingLoggerOptions, redactingLoggerOptions } from "./logger-options.js";
export { isJsonMediaType } from "./media-type.js";
// biome-ignore lint/performance/noReExportAll: signing/index.ts is the curated list of signing exports.
export * from "./signing/index.js";
export { HUAWEI_LIVE_SIGN_TYPES, isVendor, VENDOR_AUTH_FIELDS, VENDORS, type Vendor } from "./vendors.js";

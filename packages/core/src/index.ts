// The public surface of @livehook/core. Every name is listed where it is defined: signing/index.ts for the
// signature functions, generated/index.ts (written by scripts/generate.ts) for the schemas, enums and types.
// biome-ignore lint/performance/noReExportAll: generated/index.ts names each export explicitly; listing them again here would only drift.
export * from "./generated/index.js";
// biome-ignore lint/performance/noReExportAll: signing/index.ts is the curated list of signing exports.
export * from "./signing/index.js";

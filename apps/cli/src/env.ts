/**
 * The CLI's one module that knows environment variable names and default addresses (STYLE habit 21): commands
 * read the environment only through these functions, on the injected context, never `process.env`.
 */
import type { CliContext } from "./context.js";
import { KEY_ENV, type Vendor } from "./vendors.js";

/** The apps' own default ports (apps/api-mock and apps/receiver), where the CLI looks for them by default. */
export const DEFAULT_PORTS = { mock: 4010, receiver: 4020 } as const;

const trimSlash = (url: string) => url.replace(/\/$/, "");

/** `--mock`, else LIVEHOOK_MOCK_URL, else the mock's default address. */
export function mockUrl(ctx: CliContext, flag: string | undefined): string {
  const given = flag ?? ctx.env.LIVEHOOK_MOCK_URL;
  return trimSlash(given || `http://127.0.0.1:${DEFAULT_PORTS.mock}`);
}

/** `--receiver`/`--url`, else LIVEHOOK_RECEIVER_URL, else the receiver's default address. */
export function receiverUrl(ctx: CliContext, flag: string | undefined): string {
  const given = flag ?? ctx.env.LIVEHOOK_RECEIVER_URL;
  return trimSlash(given || `http://127.0.0.1:${DEFAULT_PORTS.receiver}`);
}

/** Bearer token of a receiver that protects its query API. */
export const adminToken = (ctx: CliContext): string | undefined => ctx.env.LIVEHOOK_ADMIN_TOKEN || undefined;

/** The vendors' own SDK variable names, so existing shells and CI secrets work unchanged. */
export const CREDENTIAL_ENV = {
  huaweiAk: "HUAWEICLOUD_SDK_AK",
  huaweiSk: "HUAWEICLOUD_SDK_SK",
  huaweiProjectId: "HUAWEICLOUD_SDK_PROJECT_ID",
  aliyunAk: "ALIBABA_CLOUD_ACCESS_KEY_ID",
  aliyunSk: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
} as const;

export function envValue(
  ctx: CliContext,
  name: (typeof CREDENTIAL_ENV)[keyof typeof CREDENTIAL_ENV],
): string | undefined {
  return ctx.env[name] || undefined;
}

/** Callback keys from LIVEHOOK_<VENDOR>_KEYS (comma-separated, rotation) or LIVEHOOK_<VENDOR>_KEY. */
export function envCallbackKeys(ctx: CliContext, vendor: Vendor): string[] | undefined {
  const names = KEY_ENV[vendor];
  const list = ctx.env[names.list];
  if (list) return list.split(",").filter((k) => k !== "");
  const single = ctx.env[names.single];
  return single ? [single] : undefined;
}

export const colorWanted = (ctx: CliContext): boolean => ctx.isTTY && ctx.env.NO_COLOR === undefined;
export const debugWanted = (ctx: CliContext): boolean => Boolean(ctx.env.LIVEHOOK_DEBUG);

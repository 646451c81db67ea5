/**
 * The CLI's one module that knows environment variable names and default addresses (STYLE habit 21): commands
 * read the environment only through these functions, on the injected context, never `process.env`.
 */
import { DEFAULT_MOCK_PORT } from "@livehook/api-mock/default-port";
import { DEFAULT_RECEIVER_PORT } from "@livehook/receiver/default-port";
import type { CliContext } from "./context.js";
import { KEY_ENV, type Vendor } from "./vendors.js";

/** The apps' own default ports (apps/api-mock and apps/receiver), where the CLI looks for them by default. */
export const DEFAULT_PORTS = { mock: DEFAULT_MOCK_PORT, receiver: DEFAULT_RECEIVER_PORT } as const;
/** Where the CLI looks for the apps when no URL is given, also named in the commands' help. */
export const DEFAULT_URLS = {
  mock: `http://127.0.0.1:${DEFAULT_PORTS.mock}`,
  receiver: `http://127.0.0.1:${DEFAULT_PORTS.receiver}`,
} as const;

const trimSlash = (url: string) => url.replace(/\/$/, "");

/** `--mock`, else LIVEHOOK_MOCK_URL, else the mock's default address. */
export function mockUrl(ctx: CliContext, flag: string | undefined): string {
  const given = flag ?? ctx.env.LIVEHOOK_MOCK_URL;
  return trimSlash(given || DEFAULT_URLS.mock);
}

/** `--receiver`/`--url`, else LIVEHOOK_RECEIVER_URL, else the receiver's default address. */
export function receiverUrl(ctx: CliContext, flag: string | undefined): string {
  const given = flag ?? ctx.env.LIVEHOOK_RECEIVER_URL;
  return trimSlash(given || DEFAULT_URLS.receiver);
}

/**
 * Where a callback for `vendor` goes: `--receiver` (else LIVEHOOK_RECEIVER_URL, else the default) as given when
 * it has a path (a callback URL of the user's own), else that receiver's `/hooks/<vendor>`.
 */
export function receiverHookUrl(ctx: CliContext, flag: string | undefined, vendor: Vendor): string {
  const base = receiverUrl(ctx, flag);
  return hasPath(base) ? base : `${base}/hooks/${vendor}`;
}

/** Whether a URL names more than a host (an unparsable one counts as a path: the caller reports it). */
export function hasPath(url: string): boolean {
  try {
    return new URL(url).pathname.replace(/\/$/, "") !== "";
  } catch {
    return true;
  }
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

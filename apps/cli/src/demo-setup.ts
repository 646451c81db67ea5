/**
 * The demo world `start` builds and `simulate` uses by default: one domain or app per vendor, each with a callback
 * config on the mock pointing at the receiver, signed with a known development key.
 */
import type { CliContext } from "./context.js";
import { envCallbackKeys } from "./env.js";
import { VendorError } from "./errors.js";
import { addNotifyConfig, updateNotifyConfig } from "./vendor-api/aliyun.js";
import { aliyunConnection, huaweiConnection } from "./vendor-api/connection.js";
import { createLiveCallback, listLiveCallbacks, setRtcCallback, updateLiveCallback } from "./vendor-api/huawei.js";
import { assertVendorKey } from "./vendor-api/key-rules.js";
import { KEY_ENV, type Vendor } from "./vendors.js";

export const DEMO = {
  "huawei-live": { domain: "push.example.com", app: "live" },
  // SparkRTC apps are 24 lowercase letters and digits (D4).
  "huawei-rtc": { domain: undefined, app: "5fcdf5651aaaaaa6f835d0d4" },
  "aliyun-live": { domain: "play.example.com", app: "live" },
} as const satisfies Record<Vendor, { domain: string | undefined; app: string }>;

/** Development keys (never use them for a real receiver). Huawei Live: 32+ letters and digits; SparkRTC: 32–64. */
export const DEMO_KEYS: Record<Vendor, string> = {
  "huawei-live": "livehookDemoHuaweiLiveKey0123456789",
  "huawei-rtc": "livehook-demo-sparkrtc-key-0123456789",
  "aliyun-live": "livehook-demo-aliyun-key",
};

/**
 * Each vendor's keys: a key, or a list for rotation. The receiver accepts every key of a list; a vendor config
 * holds one key, so the mock signs with the first.
 */
export type VendorKeys = Record<Vendor, string | readonly string[]>;

const keyList = (keys: string | readonly string[]): readonly string[] => (typeof keys === "string" ? [keys] : keys);
const signingKey = (keys: string | readonly string[]): string => keyList(keys)[0] ?? "";

/** The keys from LIVEHOOK_<VENDOR>_KEYS (all of a list) or LIVEHOOK_<VENDOR>_KEY, else the development keys. */
export function demoKeys(ctx: CliContext): Record<Vendor, readonly string[]> {
  const keys = (vendor: Vendor) => {
    const fromEnv = envCallbackKeys(ctx, vendor);
    return fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : [DEMO_KEYS[vendor]];
  };
  return { "huawei-live": keys("huawei-live"), "huawei-rtc": keys("huawei-rtc"), "aliyun-live": keys("aliyun-live") };
}

/**
 * Checks keys taken from the environment against the vendors' rules before any call, naming the variable. The
 * built-in development keys follow the rules.
 */
export function checkDemoKeys(ctx: CliContext): void {
  const keys = demoKeys(ctx);
  for (const vendor of ["huawei-live", "huawei-rtc"] as const) {
    const names = KEY_ENV[vendor];
    const source = ctx.env[names.list] ? names.list : ctx.env[names.single] ? names.single : undefined;
    if (source === undefined) continue;
    const list = keys[vendor];
    // Every key of a rotation list: the receiver accepts each, and any may become the one the vendor signs with.
    for (const [i, key] of list.entries()) {
      assertVendorKey(vendor, key, list.length > 1 ? `${source} (key ${i + 1})` : source);
    }
  }
}

/**
 * Registers (or re-points) the three callback configs on the mock. Idempotent, so a mock started with `--data`
 * keeps working across runs.
 */
export async function configureMock(
  ctx: CliContext,
  mockUrl: string,
  receiverUrl: string,
  keys: VendorKeys,
): Promise<void> {
  const opts = { mock: mockUrl };
  const live = huaweiConnection("huawei-live", opts, ctx);
  const liveReq = {
    publish_domain: DEMO["huawei-live"].domain,
    app: "*",
    notify_callback_url: `${receiverUrl}/hooks/huawei-live`,
    notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED"] as (
      | "RECORD_NEW_FILE_START"
      | "RECORD_FILE_COMPLETE"
      | "RECORD_OVER"
      | "RECORD_FAILED"
    )[],
    sign_type: "HMACSHA256" as const,
    key: signingKey(keys["huawei-live"]),
  };
  try {
    await createLiveCallback(ctx, live, liveReq);
  } catch (err) {
    if (!(err instanceof VendorError && err.code === "LIVE.103011018")) throw err;
    const existing = await listLiveCallbacks(ctx, live, { publish_domain: liveReq.publish_domain, app: "*" });
    const id = existing.callback_config[0]?.id;
    if (id === undefined) throw err;
    await updateLiveCallback(ctx, live, id, liveReq);
  }

  const rtc = huaweiConnection("huawei-rtc", opts, ctx);
  await setRtcCallback(ctx, rtc, DEMO["huawei-rtc"].app, {
    url: `${receiverUrl}/hooks/huawei-rtc`,
    auth_key: signingKey(keys["huawei-rtc"]),
  });

  const ali = aliyunConnection(opts, ctx);
  const aliReq = {
    DomainName: DEMO["aliyun-live"].domain,
    NotifyUrl: `${receiverUrl}/hooks/aliyun-live`,
    NeedStatusNotify: true,
    NotifyReqAuth: true,
    NotifyAuthKey: signingKey(keys["aliyun-live"]),
  };
  try {
    await addNotifyConfig(ctx, ali, aliReq);
  } catch (err) {
    if (!(err instanceof VendorError && err.code === "ConfigAlreadyExists")) throw err;
    await updateNotifyConfig(ctx, ali, aliReq);
  }
}

/** Environment for a receiver that accepts the demo keys: every key of each list (comma-separated). */
export function receiverKeyEnv(keys: VendorKeys): Record<string, string> {
  return {
    LIVEHOOK_HUAWEI_LIVE_KEYS: keyList(keys["huawei-live"]).join(","),
    LIVEHOOK_HUAWEI_RTC_KEYS: keyList(keys["huawei-rtc"]).join(","),
    LIVEHOOK_ALIYUN_LIVE_KEYS: keyList(keys["aliyun-live"]).join(","),
  };
}

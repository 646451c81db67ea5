/**
 * The receiver configuration of the tests, apart from test/helpers.ts so that benches can use it: helpers.ts
 * registers a Vitest hook when imported, which throws outside Vitest.
 */
import { type Config, DEFAULTS } from "../src/config.js";

export const KEYS = {
  huaweiLive: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
  huaweiLiveOld: "OLDKEYOLDKEYOLDKEYOLDKEYOLDKEY12",
  huaweiRtc: "rtc-key-0123456789abcdef0123456789",
  aliyun: "aliyun-notify-auth-key",
};
/** A Standard Webhooks secret (whsec_ and the base64 of 32 bytes) the test forwards are signed with. */
export const FORWARD_SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
export const ALIYUN_HOST = "receiver.example.com";

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: "127.0.0.1",
    allowedHosts: [],
    storage: { kind: "sqlite", file: ":memory:" },
    keys: {
      "huawei-live": [KEYS.huaweiLive, KEYS.huaweiLiveOld],
      "huawei-rtc": [KEYS.huaweiRtc],
      "aliyun-live": [KEYS.aliyun],
    },
    huaweiLiveSignTypes: ["HMACSHA256"],
    toleranceSeconds: DEFAULTS.toleranceSeconds,
    bodyLimitBytes: 64 * 1024,
    aliyunCallbackHost: ALIYUN_HOST,
    dedupeWindowSeconds: 60,
    recordRejected: true,
    rejectedKeepPerVendor: 1000,
    adminToken: undefined,
    forward: {},
    forwardSecret: FORWARD_SECRET,
    publish: {},
    forwardRetryMs: [10, 20],
    forwardLeaseMs: DEFAULTS.forwardLeaseMs,
    sqliteSynchronous: "NORMAL",
    sqliteWriter: "inline",
    storeWaitMs: DEFAULTS.storeWaitMs,
    logLevel: "silent",
    ...overrides,
  };
}

/**
 * Shared test fixtures: a receiver over an in-memory SQLite store with a fixed clock, and signers from
 * @livehook/core so every test event is signed exactly as a vendor (or the mock) would sign it.
 */
import { randomBytes } from "node:crypto";
import { aliyunLiveCallbackHeaders, huaweiRtcCallbackHeaders, signHuaweiLiveCallbackBody } from "@livehook/core";
import { pino } from "pino";
import { createApp } from "../src/app.js";
import { type Config, DEFAULTS } from "../src/config.js";
import { type Clock, createDeps, type ReceiverDeps } from "../src/deps.js";
import { dropPostgresSchema, openPostgresStore } from "../src/store/postgres-store.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { EventStore } from "../src/store/types.js";

export const KEYS = {
  huaweiLive: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
  huaweiLiveOld: "OLDKEYOLDKEYOLDKEYOLDKEYOLDKEY12",
  huaweiRtc: "rtc-key-0123456789abcdef0123456789",
  aliyun: "aliyun-notify-auth-key",
};
export const ALIYUN_HOST = "receiver.example.com";
export const NOW = new Date("2026-03-01T00:00:00Z");
export const NOW_S = Math.floor(NOW.getTime() / 1000);

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
    forwardRetryMs: [10, 20],
    sqliteSynchronous: "NORMAL",
    sqliteWriter: "inline",
    storeWaitMs: DEFAULTS.storeWaitMs,
    logLevel: "silent",
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = NOW): Clock & { set(d: Date): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (d) => {
      now = d;
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export async function makeReceiver(
  opts: { config?: Partial<Config>; store?: EventStore; clock?: Clock } = {},
): Promise<{ app: ReturnType<typeof createApp>; deps: ReceiverDeps; store: EventStore }> {
  const store = opts.store ?? (await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" }));
  const deps = createDeps({
    config: testConfig(opts.config),
    store,
    clock: opts.clock ?? manualClock(),
    log: pino({ level: "silent" }),
  });
  return { app: createApp(deps), deps, store };
}

export const huaweiLiveEvent = (over: Record<string, unknown> = {}) => ({
  project_id: "70b76xxxxxx34253880af501cdxxxxxx",
  task_id: "51126d0ebe94b1da00d2e21a10aaaaaa",
  job_id: "dc0a1773-0cef-4d5e-8a5b-9a38fdb095d2",
  event_type: "RECORD_FILE_COMPLETE",
  publish_domain: "push.example.com",
  app: "live",
  stream: "mystream",
  record_format: "HLS",
  download_url: "https://obs.example.com/live/mystream.m3u8",
  file_size: 3957964,
  record_duration: 120,
  start_time: "2026-02-28T23:58:00Z",
  end_time: "2026-03-01T00:00:00Z",
  ...over,
});

export function signedHuaweiLive(
  body: Record<string, unknown>,
  opts: { ts?: number; key?: string; signType?: "HMACSHA256" | "MD5" } = {},
): string {
  return signHuaweiLiveCallbackBody(body, opts.key ?? KEYS.huaweiLive, opts.signType ?? "HMACSHA256", opts.ts ?? NOW_S);
}

export const huaweiRtcEvent = (over: Record<string, unknown> = {}) => ({
  app_id: "5fcdf5651aaaaaa6f835d0d4",
  room_id: "room01",
  stream_name: "mystream",
  job_id: "608196a2fa1aaaaaa515147f32ef463b",
  event_type: "RECORD_NEW_FILE_START",
  record_format: "HLS",
  ...over,
});

export function signedHuaweiRtc(raw: string, opts: { ts?: number; rand?: string; key?: string } = {}) {
  return {
    "content-type": "application/json",
    ...huaweiRtcCallbackHeaders(raw, opts.key ?? KEYS.huaweiRtc, {
      rand: opts.rand ?? "1234567",
      timestamp: opts.ts ?? NOW_S,
    }),
  };
}

export const aliyunFileEvent = (over: Record<string, unknown> = {}) => ({
  domain: "play.example.com",
  app: "live",
  stream: "mystream",
  uri: "record/live/mystream/2026-03-01-00-00-00.m3u8",
  duration: 120.5,
  start_time: NOW_S - 120,
  stop_time: NOW_S,
  push_args: { callback_user: "42" },
  ...over,
});

export const aliyunStatusEvent = (event = "record_paused") => ({
  domain: "play.example.com",
  app: "live",
  stream: "mystream",
  event,
});

export function signedAliyun(opts: { ts?: number; host?: string; key?: string } = {}) {
  return {
    "content-type": "application/json",
    ...aliyunLiveCallbackHeaders({
      host: opts.host ?? ALIYUN_HOST,
      timestamp: opts.ts ?? NOW_S,
      key: opts.key ?? KEYS.aliyun,
    }),
  };
}

export function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  return app.request(path, { method: "POST", body, headers });
}

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema of its own for each PostgreSQL store a test opens, so parallel runs cannot collide. */
export const testSchemaName = () => `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;

/**
 * Both stores, for tests that must give the same answers on each: in-memory SQLite, and the real PostgreSQL
 * (never skipped: a missing server is a failure) in a schema that `cleanup` drops.
 */
export const STORE_KINDS = [
  {
    kind: "sqlite" as const,
    open: async () => ({
      store: await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" }),
      cleanup: async () => {},
    }),
  },
  {
    kind: "postgres" as const,
    open: async () => {
      const schema = testSchemaName();
      return {
        store: await openPostgresStore({ url: DATABASE_URL, schema }),
        cleanup: () => dropPostgresSchema(DATABASE_URL, schema),
      };
    },
  },
];

/** An in-memory SQLite store, or a PostgreSQL store in a schema of its own; `cleanup` closes it (and drops that schema). */
export async function openTestStore(
  kind: (typeof STORE_KINDS)[number]["kind"],
): Promise<{ store: EventStore; cleanup: () => Promise<void> }> {
  if (kind === "sqlite") {
    const store = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
    return { store, cleanup: () => store.close() };
  }
  const schema = testSchemaName();
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropPostgresSchema(DATABASE_URL, schema);
    },
  };
}

/**
 * startReceiver as a user's test suite runs it: the mock (startMock) delivers simulated recordings of every vendor
 * over real sockets, and the typed queries and waitForEvents see what the receiver stored.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type RunningMock, startMock } from "@livehook/api-mock";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ReceiverApiParameterProblem } from "./generated/index.js";
import {
  ConfigError,
  type ReceiverRequestError,
  type RunningReceiver,
  startReceiver,
  WaitForEventsTimeout,
} from "./index.js";
import { dropPostgresSchema } from "./store/postgres-store.js";

const KEYS = {
  "huawei-live": "livehookDemoHuaweiLiveKey0123456789",
  "huawei-rtc": "livehook-demo-sparkrtc-key-0123456789",
  "aliyun-live": "livehook-demo-aliyun-key",
} as const;
const RTC_APP = "5fcdf5651aaaaaa6f835d0d4";
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Points the mock's three callback configs at the receiver, signed with KEYS. */
async function configure(mock: RunningMock, receiver: RunningReceiver): Promise<void> {
  await mock.createHuaweiLiveCallback({
    publish_domain: "push.example.com",
    app: "*",
    notify_callback_url: receiver.hookUrl("huawei-live"),
    notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"],
    key: KEYS["huawei-live"],
  });
  await mock.setHuaweiRtcCallback(RTC_APP, { url: receiver.hookUrl("huawei-rtc"), auth_key: KEYS["huawei-rtc"] });
  await mock.addAliyunLiveNotifyConfig({
    DomainName: "play.example.com",
    NotifyUrl: receiver.hookUrl("aliyun-live"),
    NeedStatusNotify: true,
    NotifyReqAuth: true,
    NotifyAuthKey: KEYS["aliyun-live"],
  });
}

let mock: RunningMock;
let receiver: RunningReceiver;
beforeAll(async () => {
  mock = await startMock();
  receiver = await startReceiver({
    keys: {
      "huawei-live": [KEYS["huawei-live"]],
      "huawei-rtc": [KEYS["huawei-rtc"]],
      "aliyun-live": [KEYS["aliyun-live"]],
    },
  });
  await configure(mock, receiver);
});
afterAll(async () => {
  await mock?.close();
  await receiver?.close();
});

describe("startReceiver", () => {
  test("listens on 127.0.0.1 at a free port with an in-memory store", () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.hookUrl("huawei-rtc")).toBe(`${receiver.url}/hooks/huawei-rtc`);
    expect(receiver.config.storage).toEqual({ kind: "sqlite", file: ":memory:" });
  });

  test("waitForEvents resolves with a simulated recording's events of each vendor as they are committed", async () => {
    for (const [vendor, domain, app] of [
      ["huawei-live", "push.example.com", "live"],
      ["huawei-rtc", undefined, RTC_APP],
      ["aliyun-live", "play.example.com", "live"],
    ] as const) {
      const session = await mock.createSession({ vendor, domain, app, stream: `rec-${vendor}`, segments: 2 });
      const events = await receiver.waitForEvents(
        { vendor, stream: vendor === "huawei-rtc" ? undefined : `rec-${vendor}` },
        { count: session.delivery_count, timeoutMs: 20_000 },
      );
      expect(events).toHaveLength(session.delivery_count);
      expect(events.map((e) => e.vendor)).toEqual(events.map(() => vendor));
      // Oldest first, each stored once and verified.
      expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
      expect(events.every((e) => e.valid && e.duplicates === 0)).toBe(true);
    }
  });

  test("the typed queries answer what the query API answers", async () => {
    const page = await receiver.events({ vendor: "huawei-live", limit: 2 });
    expect(page.events).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const next = await receiver.events({ vendor: "huawei-live", limit: 2, cursor: page.nextCursor ?? undefined });
    expect(next.events[0]?.id).toBeLessThan(page.events[1]?.id ?? 0);
    const detail = await receiver.event(page.events[0]?.id ?? 0);
    expect(detail.body).toMatchObject({ publish_domain: "push.example.com" });
    expect(detail.session?.events.length).toBeGreaterThan(1);
    const sessions = await receiver.sessions({ vendor: "huawei-live" });
    expect(sessions[0]).toMatchObject({ vendor: "huawei-live", ended: true, anomalies: [] });
    expect(typeof sessions[0]?.firstAt).toBe("string");
    expect(await receiver.deadLetters()).toEqual([]);
    const err = await receiver.events({ eventType: "x".repeat(300) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, body: { error: "invalid_parameter", parameter: "eventType" } });
    expect(ReceiverApiParameterProblem.parse((err as ReceiverRequestError).body).reason).toBe("too_long");
  });

  test("a session signed with a wrong key lands in rejections; waitForEvents on it times out listing what came", async () => {
    const last = (await receiver.events({ limit: 1 })).events[0]?.id ?? 0;
    // One attempt per delivery: SparkRTC's retry schedule would only repeat the 401s.
    const { retry_profiles } = await mock.getSettings();
    await mock.updateSettings({
      retry_profiles: { "huawei-rtc": { ...retry_profiles["huawei-rtc"], retry_delays_ms: [] } },
    });
    const session = await mock.createSession({
      vendor: "huawei-rtc",
      app: RTC_APP,
      stream: "forged",
      segments: 1,
      faults: { wrong_signature_rate: 1 },
    });
    await mock.idle();
    const rejected = await receiver.rejections({ vendor: "huawei-rtc" });
    expect(rejected.length).toBeGreaterThanOrEqual(session.delivery_count);
    expect(rejected[0]).toMatchObject({ vendor: "huawei-rtc", status: 401 });
    const err = await receiver
      .waitForEvents({ vendor: "huawei-rtc" }, { count: 1, after: last, timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitForEventsTimeout);
    const message = (err as Error).message;
    expect(message).toContain('0 of 1 event(s) matching {"vendor":"huawei-rtc"}');
    expect(message).toMatch(/Latest stored events \(\d+\):\n {2}#\d+ aliyun-live/);
    expect(message).toMatch(/Rejected attempts \(\d+\):\n {2}#\d+ huawei-rtc 401 /);
  });

  test("waitForEvents takes a predicate and counts events already stored", async () => {
    const overs = await receiver.waitForEvents({ vendor: "huawei-live", match: (e) => e.eventType === "RECORD_OVER" });
    expect(overs).toHaveLength(1);
    expect(overs[0]?.eventType).toBe("RECORD_OVER");
  });

  test("options are validated as livehook.config.json is; env, when given, is read as the command reads it", async () => {
    await expect(startReceiver({ keys: { "huawei-live": [""] } })).rejects.toBeInstanceOf(ConfigError);
    await expect(startReceiver({ port: -1 })).rejects.toThrow(/options/);
    await expect(startReceiver({ host: "0.0.0.0" })).rejects.toThrow(/LIVEHOOK_ADMIN_TOKEN/);
    const fromEnv = await startReceiver({
      keys: { "huawei-rtc": ["from-options-key-0123456789abcdef"] },
      env: { LIVEHOOK_HUAWEI_RTC_KEYS: "from-env-key-0123456789abcdef01,second-env-key-0123456789abcdef" },
    });
    try {
      expect(fromEnv.config.keys["huawei-rtc"]).toEqual([
        "from-env-key-0123456789abcdef01",
        "second-env-key-0123456789abcdef",
      ]);
    } finally {
      await fromEnv.close();
    }
  });

  test("an admin token protects the API and the typed queries send it", async () => {
    const guarded = await startReceiver({ adminToken: "a-test-admin-token-0123456789" });
    try {
      expect((await fetch(`${guarded.url}/api/events`)).status).toBe(401);
      expect((await guarded.events()).events).toEqual([]);
    } finally {
      await guarded.close();
    }
  });

  test("with forward, config.forwardSecret is the secret the forwards it sends verify with", async () => {
    const received: { headers: Record<string, string>; body: string }[] = [];
    const app = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const forwarding = await startReceiver({
      keys: { "huawei-live": [KEYS["huawei-live"]] },
      forward: { "huawei-live": `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks` },
    });
    try {
      await mock.createHuaweiLiveCallback({
        publish_domain: "forward.example.com",
        app: "*",
        notify_callback_url: forwarding.hookUrl("huawei-live"),
        notify_event_subscription: ["RECORD_FILE_COMPLETE"],
        key: KEYS["huawei-live"],
      });
      await mock.createSession({ vendor: "huawei-live", domain: "forward.example.com", app: "live", stream: "fwd" });
      await forwarding.waitForEvents({ stream: "fwd" });
      await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(0);
      const secret = forwarding.config.forwardSecret ?? "";
      expect(secret).toMatch(/^whsec_/);
      const [first] = received;
      expect(new Webhook(secret).verify(first?.body ?? "", first?.headers ?? {})).toMatchObject({ stream: "fwd" });
    } finally {
      await forwarding.close();
      await new Promise((resolve) => app.close(resolve));
    }
  });

  test("close() rejects a pending waitForEvents and ends open event streams", async () => {
    const other = await startReceiver({ keys: { "huawei-rtc": [KEYS["huawei-rtc"]] } });
    const stream = await fetch(`${other.url}/api/events/stream`);
    expect(stream.status).toBe(200);
    const waiting = other.waitForEvents({}, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    await other.close();
    expect(await waiting).toMatchObject({ message: "waitForEvents: the receiver was closed" });
    // The stream ended with the drain rather than being cut: its body reads to the end.
    expect(await stream.text()).toContain("event: ready");
  });

  test("a PostgreSQL store given as databaseUrl receives the mock's deliveries", async () => {
    const schema = `start_receiver_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const onPostgres = await startReceiver({
      databaseUrl: url.href,
      keys: {
        "huawei-live": [KEYS["huawei-live"]],
        "huawei-rtc": [KEYS["huawei-rtc"]],
        "aliyun-live": [KEYS["aliyun-live"]],
      },
    });
    const pgMock = await startMock();
    try {
      expect(onPostgres.config.storage.kind).toBe("postgres");
      await configure(pgMock, onPostgres);
      const session = await pgMock.createSession({
        vendor: "aliyun-live",
        domain: "play.example.com",
        app: "live",
        stream: "pg",
      });
      const events = await onPostgres.waitForEvents(
        { stream: "pg" },
        { count: session.delivery_count, timeoutMs: 20_000 },
      );
      expect(events).toHaveLength(session.delivery_count);
    } finally {
      await pgMock.close();
      await onPostgres.close();
      await dropPostgresSchema(DATABASE_URL, schema);
    }
  });
});

/**
 * Simulated sessions deliver to a bare node:http server on 127.0.0.1: every body is checked against core's schemas,
 * every signature with core's verifiers, and the retry schedule through the injected sleep (5 × 1 s runs in ms).
 */
import {
  AliyunLiveRecordFileCallback,
  AliyunLiveRecordStatusCallback,
  HuaweiLiveRecordCallback,
  HuaweiRtcRecordCallback,
  verifyAliyunLiveCallback,
  verifyHuaweiLiveCallback,
  verifyHuaweiRtcCallback,
} from "@livehook/core";
import { afterEach, describe, expect, test } from "vitest";
import { MockAdminDelivery, MockAdminDeliveryList, MockAdminSession } from "../src/generated/index.js";
import { testMock } from "./harness.js";
import { type Received, type Reply, startReceiver } from "./receiver.js";

const LIVE_KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const LIVE_KEY_2 = "b1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const RTC_KEY = "0123456789abcdef0123456789abcdef";
const RTC_APP = "5fcdf5651aaaaaa6f835d0d4";
const PROJECT = "0123456789abcdef0123456789abcdef";
const CONFIGS = `/v1/${PROJECT}/record/callbacks`;

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function setup(script?: (req: Received, index: number) => Reply, sleep?: (ms: number) => Promise<void>) {
  const receiver = await startReceiver(script);
  closers.push(receiver.close);
  const m = testMock({ fetch: globalThis.fetch, realClock: true, ...(sleep ? { sleep } : {}) });
  return { m, receiver };
}

type Mock = Awaited<ReturnType<typeof setup>>["m"];

async function huaweiLiveConfig(m: Mock, url: string, over: Record<string, unknown> = {}) {
  const res = await m.json(CONFIGS, "POST", {
    publish_domain: "push.example.com",
    app: "live",
    notify_callback_url: url,
    notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED"],
    key: LIVE_KEY,
    ...over,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

async function startSession(m: Mock, body: Record<string, unknown>): Promise<MockAdminSession> {
  const res = await m.json("/_mock/sessions", "POST", body);
  expect(res.status).toBe(201);
  return MockAdminSession.parse(await res.json());
}

async function deliveries(m: Mock, sessionId: string): Promise<MockAdminDelivery[]> {
  const res = await m.app.request(`/_mock/deliveries?session_id=${sessionId}&limit=500`);
  return MockAdminDeliveryList.parse(await res.json()).deliveries.reverse();
}

const liveVerify = (r: Received, keys = [LIVE_KEY]) =>
  verifyHuaweiLiveCallback(r.raw, keys, { now: new Date(), allowedSignTypes: ["HMACSHA256", "MD5"] });

describe("recording simulator and delivery engine", () => {
  test("Huawei Live: signed events in order, linked ids, retries on non-200 per D11", async () => {
    const { m, receiver } = await setup((_r, i) => (i < 2 ? { status: 500 } : { status: 200 }));
    await huaweiLiveConfig(m, receiver.url("/hooks/huawei-live"));
    const session = await startSession(m, {
      vendor: "huawei-live",
      domain: "push.example.com",
      app: "live",
      stream: "mystream",
      segments: 2,
      segment_seconds: 60,
    });
    expect(session.config).toMatchObject({ signed: true, sign_type: "HMACSHA256", url_set: true });
    await m.simulator.idle();

    expect(receiver.received).toHaveLength(7);
    const bodies = receiver.received.map((r) => {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(liveVerify(r)).toMatchObject({ ok: true, keyIndex: 0, authenticated: { scope: "fields" } });
      return HuaweiLiveRecordCallback.parse(JSON.parse(r.raw.toString("utf8")));
    });
    // The first event was tried three times (500, 500, 200), each attempt signed afresh.
    expect(bodies.slice(0, 3).map((b) => b.event_type)).toEqual(Array(3).fill("RECORD_NEW_FILE_START"));
    expect(bodies.slice(2).map((b) => b.event_type)).toEqual([
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_OVER",
    ]);
    expect(m.sleeps.filter((ms) => ms === 1000)).toHaveLength(2);
    const [, , start1, done1, start2, done2, over] = bodies;
    expect(done1?.job_id).toBe(start1?.job_id);
    expect(done2?.job_id).toBe(start2?.job_id);
    expect(start2?.job_id).not.toBe(start1?.job_id);
    expect(new Set(bodies.map((b) => b.task_id)).size).toBe(1);
    expect(over?.task_id).toBe(session.task_ids[0]);
    expect(done1).toMatchObject({
      record_duration: 60,
      width: 1280,
      height: 720,
      project_id: PROJECT,
      record_format: "HLS",
    });
    expect(done1?.download_url).toMatch(/^https:\/\/.+\.m3u8$/);
    expect(Date.parse(String(done1?.end_time)) - Date.parse(String(done1?.start_time))).toBe(60_000);

    const records = await deliveries(m, session.id);
    expect(records.map((d) => d.status)).toEqual(Array(5).fill("success"));
    const first = records[0];
    expect(first?.attempts.map((a) => [a.status_code, a.ok])).toEqual([
      [500, false],
      [500, false],
      [200, true],
    ]);
    expect(first?.attempts[2]?.response_snippet).toBe('{"status":1,"result":"success"}');
    const done = MockAdminSession.parse(await (await m.app.request(`/_mock/sessions/${session.id}`)).json());
    expect(done.state).toBe("completed");
  });

  test("only subscribed events; an exact app beats *; outcome failed ends with RECORD_FAILED", async () => {
    const { m, receiver } = await setup();
    await huaweiLiveConfig(m, receiver.url("/wildcard"), { app: "*", notify_event_subscription: ["RECORD_OVER"] });
    await huaweiLiveConfig(m, receiver.url("/exact"), {
      notify_event_subscription: ["RECORD_FILE_COMPLETE", "RECORD_FAILED"],
      sign_type: "MD5",
    });
    await startSession(m, {
      vendor: "huawei-live",
      domain: "push.example.com",
      app: "live",
      stream: "s",
      segments: 3,
      outcome: "failed",
    });
    await startSession(m, { vendor: "huawei-live", domain: "push.example.com", app: "other", stream: "s" });
    await m.simulator.idle();
    const exact = receiver.received.filter((r) => r.path === "/exact");
    expect(exact.map((r) => JSON.parse(r.raw.toString()).event_type)).toEqual([
      "RECORD_FILE_COMPLETE",
      "RECORD_FILE_COMPLETE",
      "RECORD_FAILED",
    ]);
    for (const r of exact) expect(liveVerify(r)).toMatchObject({ ok: true, authenticated: { scope: "none" } });
    const wildcard = receiver.received.filter((r) => r.path === "/wildcard");
    expect(wildcard.map((r) => JSON.parse(r.raw.toString()).event_type)).toEqual(["RECORD_OVER"]);
  });

  test("SparkRTC: X-Rtc-* signatures verify and the job ends with CLOUD_RECORD_SERVER_OVER (D9)", async () => {
    const { m, receiver } = await setup();
    await m.json(`/v2/apps/${RTC_APP}/record-callback`, "PUT", {
      url: receiver.url("/hooks/huawei-rtc"),
      auth_key: RTC_KEY,
    });
    await startSession(m, { vendor: "huawei-rtc", app: RTC_APP, stream: "mystream", formats: ["HLS", "MP4"] });
    await m.simulator.idle();
    const bodies = receiver.received.map((r) => {
      expect(verifyHuaweiRtcCallback(r.raw, r.headers, [RTC_KEY], { now: new Date() })).toMatchObject({ ok: true });
      return HuaweiRtcRecordCallback.parse(JSON.parse(r.raw.toString()));
    });
    expect(bodies.map((b) => `${b.event_type}:${b.record_format ?? ""}`)).toEqual([
      "RECORD_NEW_FILE_START:HLS",
      "RECORD_NEW_FILE_START:MP4",
      "RECORD_FILE_COMPLETE:HLS",
      "RECORD_FILE_COMPLETE:MP4",
      "CLOUD_RECORD_SERVER_OVER:",
    ]);
    expect(new Set(bodies.map((b) => b.job_id)).size).toBe(1);
  });

  test("Alibaba: ALI-LIVE-SIGNATURE verifies; 4xx fails at once; a slow receiver times out and is retried 5 times", async () => {
    let mode: "ok" | "forbidden" | "hang" = "ok";
    const { m, receiver } = await setup(() =>
      mode === "hang" ? "hang" : { status: mode === "ok" ? 200 : 403, body: '{"Code":0,"Msg":"Success"}' },
    );
    const q = new URLSearchParams({
      Action: "AddLiveRecordNotifyConfig",
      Version: "2016-11-01",
      DomainName: "play.example.com",
      NotifyUrl: receiver.url("/hooks/aliyun-live"),
      NeedStatusNotify: "true",
      NotifyReqAuth: "true",
      NotifyAuthKey: "yourkey",
    });
    expect((await m.app.request(`/?${q}`)).status).toBe(200);
    const base = { vendor: "aliyun-live", domain: "play.example.com", app: "live", stream: "s" };
    await startSession(m, base);
    await m.simulator.idle();
    expect(receiver.received).toHaveLength(3);
    for (const r of receiver.received) {
      expect(verifyAliyunLiveCallback(r.headers, ["yourkey"], { now: new Date(), host: "127.0.0.1" })).toMatchObject({
        ok: true,
      });
    }
    const started = AliyunLiveRecordStatusCallback.parse(JSON.parse(receiver.received[0]?.raw.toString() ?? ""));
    const paused = AliyunLiveRecordStatusCallback.parse(JSON.parse(receiver.received[1]?.raw.toString() ?? ""));
    expect([started.event, paused.event]).toEqual(["record_started", "record_paused"]);
    const file = AliyunLiveRecordFileCallback.parse(JSON.parse(receiver.received[2]?.raw.toString() ?? ""));
    expect(file.stop_time - file.start_time).toBe(60);

    mode = "forbidden";
    const forbidden = await startSession(m, { ...base, stream: "f" });
    await m.simulator.idle();
    expect((await deliveries(m, forbidden.id)).map((d) => [d.status, d.attempts.length])).toEqual([
      ["failed", 1],
      ["failed", 1],
      ["failed", 1],
    ]);

    mode = "hang";
    const slow = m.store.settings.retry_profiles["aliyun-live"];
    await m.json("/_mock/settings", "PATCH", { retry_profiles: { "aliyun-live": { ...slow, timeout_ms: 50 } } });
    const hung = await startSession(m, { ...base, stream: "h", segments: 1 });
    await m.simulator.idle();
    const [timedOut] = await deliveries(m, hung.id);
    expect(timedOut?.status).toBe("failed");
    expect(timedOut?.attempts.map((a) => a.error)).toEqual(Array(6).fill("timeout"));

    // Redelivery: a fresh cycle appended to the same record. The 50 ms timeout goes back to the default first, so a
    // busy CI machine answering slowly cannot add a timed-out attempt to the cycle.
    mode = "ok";
    await m.json("/_mock/settings", "PATCH", { retry_profiles: { "aliyun-live": slow } });
    const res = await m.app.request(`/_mock/deliveries/${timedOut?.id}/redeliver`, { method: "POST" });
    expect(res.status).toBe(202);
    await m.simulator.idle();
    const again = MockAdminDelivery.parse(await (await m.app.request(`/_mock/deliveries/${timedOut?.id}`)).json());
    expect(again.status).toBe("success");
    expect(again.attempts).toHaveLength(7);
    const bulk = await m.json("/_mock/deliveries/redeliver", "POST", { session_id: forbidden.id });
    expect(((await bulk.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(3);
    await m.simulator.idle();
    expect((await deliveries(m, forbidden.id)).map((d) => d.status)).toEqual(["success", "success", "success"]);
  });

  test("faults: wrong signature, expired timestamp, drop, duplicate, out of order", async () => {
    const { m, receiver } = await setup();
    await huaweiLiveConfig(m, receiver.url("/h"));
    const base = { vendor: "huawei-live", domain: "push.example.com", app: "live", stream: "s" };

    await startSession(m, { ...base, faults: { wrong_signature_rate: 1 } });
    await m.simulator.idle();
    expect(receiver.received.map((r) => liveVerify(r))).toEqual(Array(3).fill({ ok: false, reason: "bad_signature" }));

    receiver.received.length = 0;
    await startSession(m, { ...base, faults: { expired_timestamp_rate: 1 } });
    await m.simulator.idle();
    expect(receiver.received.map((r) => liveVerify(r))).toEqual(Array(3).fill({ ok: false, reason: "expired" }));

    receiver.received.length = 0;
    const dropped = await startSession(m, { ...base, faults: { drop_rate: 1 } });
    await m.simulator.idle();
    expect(receiver.received).toHaveLength(0);
    expect((await deliveries(m, dropped.id)).map((d) => d.status)).toEqual(["dropped", "dropped", "dropped"]);

    const dup = await startSession(m, { ...base, faults: { duplicate_rate: 1 } });
    await m.simulator.idle();
    const dupRecords = await deliveries(m, dup.id);
    expect(dupRecords).toHaveLength(6);
    expect(dupRecords[1]?.duplicate_of).toBe(dupRecords[0]?.id);
    const events = receiver.received.map(
      (r) => JSON.parse(r.raw.toString()) as { event_type: string; job_id?: string },
    );
    expect(events[0]).toEqual({ ...events[1], auth_sign: expect.any(String), auth_timestamp: expect.any(Number) });

    receiver.received.length = 0;
    await startSession(m, { ...base, segments: 2, faults: { out_of_order: true } });
    await m.simulator.idle();
    expect(receiver.received.map((r) => JSON.parse(r.raw.toString()).event_type)).toEqual([
      "RECORD_FILE_COMPLETE",
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_NEW_FILE_START",
      "RECORD_OVER",
    ]);
  });

  test("reconnect: the old task's RECORD_OVER arrives after the new task's first event", async () => {
    const { m, receiver } = await setup();
    await huaweiLiveConfig(m, receiver.url("/h"));
    const s = await startSession(m, {
      vendor: "huawei-live",
      domain: "push.example.com",
      app: "live",
      stream: "s",
      scenario: "reconnect",
    });
    await m.simulator.idle();
    expect(s.task_ids).toHaveLength(2);
    const [oldTask, newTask] = s.task_ids;
    const seq = receiver.received.map((r) => {
      const b = JSON.parse(r.raw.toString()) as { event_type: string; task_id: string };
      return `${b.task_id === oldTask ? "old" : b.task_id === newTask ? "new" : "?"}:${b.event_type}`;
    });
    expect(seq).toEqual([
      "old:RECORD_NEW_FILE_START",
      "old:RECORD_FILE_COMPLETE",
      "new:RECORD_NEW_FILE_START",
      "old:RECORD_OVER",
      "new:RECORD_FILE_COMPLETE",
      "new:RECORD_OVER",
    ]);
  });

  test("Alibaba reconnect: the old recording's last file_created lands after the new record_started", async () => {
    const { m, receiver } = await setup();
    const q = new URLSearchParams({
      Action: "AddLiveRecordNotifyConfig",
      Version: "2016-11-01",
      DomainName: "play.example.com",
      NotifyUrl: receiver.url("/a"),
      NeedStatusNotify: "true",
    });
    await m.app.request(`/?${q}`);
    await startSession(m, {
      vendor: "aliyun-live",
      domain: "play.example.com",
      app: "live",
      stream: "s",
      scenario: "reconnect",
    });
    await m.simulator.idle();
    const seq = receiver.received.map((r) => {
      const b = JSON.parse(r.raw.toString()) as { event?: string; start_time?: number };
      return b.event ?? "file_created";
    });
    expect(seq).toEqual([
      "record_started",
      "record_paused",
      "record_started",
      "file_created",
      "record_paused",
      "file_created",
    ]);
  });

  test("key rotation applies only to sessions started after it; a running session keeps the old key", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Realtime sessions wait between files; the first wait is held until the key has been rotated.
    const { m, receiver } = await setup(undefined, (ms) => (ms > 1000 ? gate : Promise.resolve()));
    const cfg = await huaweiLiveConfig(m, receiver.url("/h"));
    const base = { vendor: "huawei-live", domain: "push.example.com", app: "live" };
    const running = startSession(m, { ...base, stream: "old", mode: "realtime", segments: 2 });
    await running;
    await m.json(`${CONFIGS}/${cfg.id}`, "PUT", {
      publish_domain: "push.example.com",
      app: "live",
      notify_callback_url: receiver.url("/h"),
      notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED"],
      key: LIVE_KEY_2,
    });
    await startSession(m, { ...base, stream: "new" });
    release();
    await m.simulator.idle();
    // The old session's later files waited on the gate, so they were signed after the rotation.
    expect(m.sleeps.some((ms) => ms > 1000)).toBe(true);
    const byStream = (stream: string) =>
      receiver.received.filter((r) => JSON.parse(r.raw.toString()).stream === stream);
    expect(byStream("old").length).toBe(5);
    for (const r of byStream("old"))
      expect(liveVerify(r, [LIVE_KEY_2, LIVE_KEY])).toMatchObject({ ok: true, keyIndex: 1 });
    expect(byStream("new").length).toBe(3);
    for (const r of byStream("new"))
      expect(liveVerify(r, [LIVE_KEY_2, LIVE_KEY])).toMatchObject({ ok: true, keyIndex: 0 });
  });
});

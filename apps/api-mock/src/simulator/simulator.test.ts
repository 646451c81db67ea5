import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, onTestFinished, test } from "vitest";
import { seededRandom, T0, testMock } from "../../test/harness.js";
import { createMock } from "../app.js";
import { MockAdminDeliveryList, MockAdminSession } from "../generated/index.js";
import { Store } from "../state/store.js";
import { planSession } from "./events.js";

const CONFIG = {
  publish_domain: "push.example.com",
  app: "live",
  notify_callback_url: "http://127.0.0.1:4020/hooks/huawei-live",
  notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"],
};
const SESSION = { vendor: "huawei-live", domain: "push.example.com", app: "live", stream: "s" };

describe("simulator", () => {
  test("compressed sessions end now: no event time lies in the future", () => {
    const start = Date.parse("2026-03-01T00:00:00Z");
    const plan = planSession(
      {
        vendor: "huawei-live",
        domain: "push.example.com",
        app: "live",
        stream: "s",
        formats: ["HLS", "FLV", "MP4"],
        segment_seconds: 30,
        segments: 3,
        outcome: "success",
        mode: "compressed",
        scenario: "none",
        width: 1920,
        height: 1080,
      },
      { random: seededRandom(1), startMs: start, consoleParity: true, projectId: "p" },
    );
    expect(plan.events.map((e) => e.eventType)).toEqual([
      "RECORD_START",
      ...Array(3).fill("RECORD_NEW_FILE_START"),
      ...[0, 1].flatMap(() => [...Array(3).fill("RECORD_FILE_COMPLETE"), ...Array(3).fill("RECORD_NEW_FILE_START")]),
      ...Array(3).fill("RECORD_FILE_COMPLETE"),
      "RECORD_OVER",
    ]);
    const urls = plan.events.map((e) => e.payload.download_url).filter(Boolean) as string[];
    expect(urls.filter((u) => u.endsWith(".flv"))).toHaveLength(3);
  });

  test("the latency fault delays every attempt through the injected sleep", async () => {
    const m = testMock();
    await m.json("/v1/p/record/callbacks", "POST", CONFIG);
    await m.json("/_mock/sessions", "POST", { ...SESSION, faults: { latency_ms: 1234 } });
    await m.simulator.idle();
    expect(m.sleeps.filter((ms) => ms === 1234)).toHaveLength(3);
  });

  test("at most `concurrency` attempts are in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const m = testMock({
      fetch: async () => {
        calls++;
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return new Response("{}", { status: 200 });
      },
    });
    await m.json("/_mock/settings", "PATCH", { concurrency: 2 });
    await m.json("/v1/p/record/callbacks", "POST", CONFIG);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        m.json("/_mock/sessions", "POST", { ...SESSION, stream: `s${i}`, segments: 3 }),
      ),
    );
    await m.simulator.idle();
    expect(calls).toBe(6 * 7);
    expect(peak).toBe(2);
  });

  test("after a restart, pending deliveries are sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-mock-"));
    try {
      const file = join(dir, "mock.db");
      // The first process stops in the middle of a realtime session: its later files are still pending.
      const first = testMock({ store: new Store(file), sleep: () => new Promise(() => {}) });
      await first.json("/v1/p/record/callbacks", "POST", CONFIG);
      await first.json("/_mock/sessions", "POST", { ...SESSION, mode: "realtime", segments: 2 });
      // Let the first file's start go out (the stub fetch answers at once), bounded.
      for (let i = 0; i < 2000 && first.store.listDeliveries({ status: "success" }, 0, 1).total === 0; i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(first.store.listDeliveries({ status: "pending" }, 0, 10).total).toBe(4);

      const sent: string[] = [];
      const second = testMock({
        store: new Store(file),
        fetch: async (_url, init) => {
          sent.push(JSON.parse(String(init?.body)).event_type);
          return new Response("{}", { status: 200 });
        },
      });
      second.simulator.resumePending();
      await second.simulator.idle();
      expect(sent).toEqual(["RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"]);
      const after = MockAdminDeliveryList.parse(
        await (await second.app.request("/_mock/deliveries?status=pending")).json(),
      );
      expect(after.total).toBe(0);
      second.store.close();
      // Closed only now, as a process that stopped without shutting down would leave it.
      first.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A mock on a virtual clock whose sleeps wait until `advance` passes their time (bounded settling, no real time). */
function virtualMock() {
  let now = T0.getTime();
  const timers: { at: number; resolve: () => void }[] = [];
  const sent: { url: string; body: Record<string, unknown> }[] = [];
  const store = new Store();
  onTestFinished(() => store.close());
  const mock = createMock({
    clock: { now: () => new Date(now) },
    random: seededRandom(7),
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    fetch: async (url, init) => {
      sent.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response("{}", { status: 200 });
    },
    store,
    log: pino({ level: "silent" }),
    hostname: "mockhost",
  });
  const settle = async () => {
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const send = (method: string) => (path: string, body: unknown) =>
    mock.app.request(path, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  return {
    ...mock,
    store,
    sent,
    post: send("POST"),
    put: send("PUT"),
    settle,
    advance: async (ms: number) => {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.resolve();
      }
      await settle();
    },
  };
}

describe("stopping a running realtime session (POST /_mock/sessions/{id}/stop)", () => {
  const session = (over: Record<string, unknown> = {}) => ({
    ...SESSION,
    mode: "realtime",
    segments: 3,
    segment_seconds: 60,
    formats: ["HLS"],
    ...over,
  });

  test("Huawei Live `over`: the open file closes at the stop, RECORD_OVER follows, later events never happen", async () => {
    const m = virtualMock();
    await m.post("/v1/p/record/callbacks", {
      ...CONFIG,
      notify_event_subscription: [...CONFIG.notify_event_subscription, "RECORD_FAILED"],
    });
    const started = MockAdminSession.parse(await (await m.post("/_mock/sessions", session())).json());
    await m.settle();
    await m.advance(90_000);
    expect(m.sent.map((s) => s.body.event_type)).toEqual([
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_NEW_FILE_START",
    ]);
    const res = await m.post(`/_mock/sessions/${started.id}/stop`, { outcome: "over" });
    expect(res.status).toBe(200);
    const stopped = MockAdminSession.parse(await res.json());
    expect(stopped).toMatchObject({ stopped_at: "2026-03-01T00:01:30.000Z", stop_outcome: "over", delivery_count: 5 });
    await m.settle();
    const types = m.sent.map((s) => s.body.event_type);
    expect(types).toEqual([
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_OVER",
    ]);
    const [secondStart, shortened, over] = m.sent.slice(2).map((s) => s.body);
    // The second file ran from 60 s to the stop at 90 s.
    expect(shortened).toMatchObject({
      job_id: secondStart?.job_id,
      start_time: "2026-03-01T00:01:00Z",
      end_time: "2026-03-01T00:01:30Z",
      record_duration: 30,
    });
    expect(over?.task_id).toBe(started.task_ids[0]);
    // Nothing more, however long we wait; the records of events that never happened are gone.
    await m.advance(600_000);
    expect(m.sent).toHaveLength(5);
    const after = MockAdminSession.parse(await (await m.app.request(`/_mock/sessions/${started.id}`)).json());
    expect(after).toMatchObject({ state: "completed", delivery_count: 5, event_count: 5 });
    const records = MockAdminDeliveryList.parse(
      await (await m.app.request(`/_mock/deliveries?session_id=${started.id}`)).json(),
    );
    expect([records.total, records.deliveries.every((d) => d.status === "success")]).toEqual([5, true]);
    // A second stop, and a stop of a finished session, are conflicts.
    expect((await m.post(`/_mock/sessions/${started.id}/stop`, { outcome: "over" })).status).toBe(409);
  });

  test("`failed` sends each vendor's failure event: RECORD_FAILED, SparkRTC's over with detail, record_error", async () => {
    const m = virtualMock();
    await m.post("/v1/p/record/callbacks", { ...CONFIG, notify_event_subscription: ["RECORD_FAILED"] });
    const live = MockAdminSession.parse(await (await m.post("/_mock/sessions", session())).json());
    const rtcApp = "5fcdf5651aaaaaa6f835d0d4";
    await m.app.request(`/v2/apps/${rtcApp}/record-callback`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:4020/hooks/rtc" }),
    });
    const rtc = MockAdminSession.parse(
      await (await m.post("/_mock/sessions", session({ vendor: "huawei-rtc", app: rtcApp, domain: undefined }))).json(),
    );
    await m.app.request(
      "/?Action=AddLiveRecordNotifyConfig&Version=2016-11-01&DomainName=ali.example.com&NotifyUrl=http%3A%2F%2F127.0.0.1%3A4020%2Fhooks%2Fali&NeedStatusNotify=true",
      { method: "POST" },
    );
    const ali = MockAdminSession.parse(
      await (await m.post("/_mock/sessions", session({ vendor: "aliyun-live", domain: "ali.example.com" }))).json(),
    );
    await m.advance(30_000);
    for (const s of [live, rtc, ali]) {
      expect((await m.post(`/_mock/sessions/${s.id}/stop`, { outcome: "failed" })).status).toBe(200);
    }
    await m.settle();
    const bodies = (part: string) => m.sent.filter((s) => s.url.includes(part)).map((s) => s.body);
    expect(bodies("huawei-live")).toEqual([
      expect.objectContaining({
        event_type: "RECORD_FAILED",
        task_id: live.task_ids[0],
        error_message: expect.any(String),
      }),
    ]);
    expect(bodies("rtc").map((b) => b.event_type)).toEqual(["RECORD_NEW_FILE_START", "CLOUD_RECORD_SERVER_OVER"]);
    expect(bodies("rtc")[1]?.detail_message).toEqual(expect.any(String));
    expect(bodies("ali").map((b) => b.event)).toEqual(["record_started", "record_error"]);
  });

  test("Alibaba `over`: record_paused, then the open file's file_created with its shortened times", async () => {
    const m = virtualMock();
    await m.app.request(
      "/?Action=AddLiveRecordNotifyConfig&Version=2016-11-01&DomainName=ali.example.com&NotifyUrl=http%3A%2F%2F127.0.0.1%3A4020%2Fhooks%2Fali&NeedStatusNotify=true",
      { method: "POST" },
    );
    const ali = MockAdminSession.parse(
      await (await m.post("/_mock/sessions", session({ vendor: "aliyun-live", domain: "ali.example.com" }))).json(),
    );
    await m.advance(75_000);
    expect((await m.post(`/_mock/sessions/${ali.id}/stop`, { outcome: "over" })).status).toBe(200);
    await m.settle();
    const bodies = m.sent.map((s) => s.body);
    expect(bodies.map((b) => b.event ?? "file_created")).toEqual([
      "record_started",
      "file_created",
      "record_paused",
      "file_created",
    ]);
    const start = T0.getTime() / 1000;
    expect(bodies[3]).toMatchObject({ start_time: start + 60, stop_time: start + 75, duration: 15 });
  });

  test("end events follow the session's faults and the config: dropped with drop_rate 1, skipped without a URL", async () => {
    const m = virtualMock();
    await m.post("/v1/p/record/callbacks", CONFIG);
    await m.post("/v1/p/record/callbacks", { ...CONFIG, app: "nourl", notify_callback_url: undefined });
    const dropped = MockAdminSession.parse(
      await (await m.post("/_mock/sessions", session({ faults: { drop_rate: 1 } }))).json(),
    );
    const noUrl = MockAdminSession.parse(await (await m.post("/_mock/sessions", session({ app: "nourl" }))).json());
    expect(noUrl.state).toBe("running");
    await m.advance(10_000);
    for (const s of [dropped, noUrl]) {
      expect((await m.post(`/_mock/sessions/${s.id}/stop`, { outcome: "over" })).status).toBe(200);
    }
    await m.settle();
    expect(m.sent).toEqual([]);
    const statuses = async (id: string) =>
      MockAdminDeliveryList.parse(await (await m.app.request(`/_mock/deliveries?session_id=${id}`)).json())
        .deliveries.map((d) => `${d.event_type}:${d.status}`)
        .sort();
    // The first file's start, then its shortened completion and RECORD_OVER.
    expect(await statuses(dropped.id)).toEqual([
      "RECORD_FILE_COMPLETE:dropped",
      "RECORD_NEW_FILE_START:dropped",
      "RECORD_OVER:dropped",
    ]);
    expect(await statuses(noUrl.id)).toEqual([
      "RECORD_FILE_COMPLETE:skipped",
      "RECORD_NEW_FILE_START:skipped",
      "RECORD_OVER:skipped",
    ]);
    for (const s of [dropped, noUrl]) {
      const after = MockAdminSession.parse(await (await m.app.request(`/_mock/sessions/${s.id}`)).json());
      expect([after.state, after.delivery_count]).toEqual(["completed", 3]);
    }
  });

  test("global faults reach a session that does not set them; a field the session sets wins", async () => {
    const m = virtualMock();
    await m.post("/v1/p/record/callbacks", CONFIG);
    expect((await m.put("/_mock/faults", { drop_rate: 1, duplicate_rate: 0.5 })).status).toBe(200);
    const plain = MockAdminSession.parse(await (await m.post("/_mock/sessions", session())).json());
    // The session shows only what it sets itself.
    expect(plain.faults).toEqual({});
    const own = MockAdminSession.parse(
      await (await m.post("/_mock/sessions", session({ faults: { drop_rate: 0, duplicate_rate: 0 } }))).json(),
    );
    await m.advance(10_000);
    for (const s of [plain, own]) {
      expect((await m.post(`/_mock/sessions/${s.id}/stop`, { outcome: "over" })).status).toBe(200);
    }
    await m.settle();
    const statuses = async (id: string) =>
      MockAdminDeliveryList.parse(await (await m.app.request(`/_mock/deliveries?session_id=${id}`)).json())
        .deliveries.map((d) => d.status)
        .sort();
    expect(await statuses(plain.id)).toEqual(["dropped", "dropped", "dropped"]);
    expect(await statuses(own.id)).toEqual(["success", "success", "success"]);
  });

  test("errors: unknown session 404, bad outcome 400, compressed session 409", async () => {
    const m = virtualMock();
    expect((await m.post("/_mock/sessions/nope/stop", { outcome: "over" })).status).toBe(404);
    await m.post("/v1/p/record/callbacks", CONFIG);
    const rt = MockAdminSession.parse(await (await m.post("/_mock/sessions", session())).json());
    expect((await m.post(`/_mock/sessions/${rt.id}/stop`, { outcome: "success" })).status).toBe(400);
    expect((await m.post(`/_mock/sessions/${rt.id}/stop`, {})).status).toBe(400);
    const compressed = MockAdminSession.parse(await (await m.post("/_mock/sessions", SESSION)).json());
    expect((await m.post(`/_mock/sessions/${compressed.id}/stop`, { outcome: "over" })).status).toBe(409);
  });
});

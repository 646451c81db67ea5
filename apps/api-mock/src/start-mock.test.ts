/**
 * startMock as a user's test suite runs it: a real socket, callback configs created through the vendor APIs,
 * sessions delivered to a real HTTP server, the admin API through the typed client.
 */
import { verifyHuaweiLiveCallback, verifyHuaweiRtcCallback } from "@livehook/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startReceiver as startTarget } from "../test/receiver.js";
import { MockAdminError, MockOptionsError, MockRequestError, type RunningMock, startMock } from "./index.js";

const LIVE_KEY = "livehookDemoHuaweiLiveKey0123456789";
const RTC_KEY = "livehook-demo-sparkrtc-key-0123456789";
const RTC_APP = "5fcdf5651aaaaaa6f835d0d4";

let target: Awaited<ReturnType<typeof startTarget>>;
let mock: RunningMock;
beforeAll(async () => {
  target = await startTarget();
  mock = await startMock();
});
afterAll(async () => {
  await mock?.close();
  await target?.close();
});

describe("startMock", () => {
  test("listens on 127.0.0.1 at a free port and serves its documents", async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.port).toBeGreaterThan(0);
    expect(await mock.health()).toEqual({ status: "ok" });
    const doc = (await (await fetch(`${mock.url}/openapi/mock-admin.json`)).json()) as { info: { title: string } };
    expect(doc.info.title).toMatch(/admin/i);
    expect((await fetch(`${mock.url}/openapi/huawei-live.json`)).status).toBe(200);
  });

  test("creates a callback config per vendor through the vendor APIs, typed by core's documents", async () => {
    const live = await mock.createHuaweiLiveCallback({
      publish_domain: "push.example.com",
      app: "*",
      notify_callback_url: target.url("/live"),
      notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"],
      key: LIVE_KEY,
    });
    expect(live).toMatchObject({ publish_domain: "push.example.com", sign_type: "HMACSHA256" });
    const rtc = await mock.setHuaweiRtcCallback(RTC_APP, { url: target.url("/rtc"), auth_key: RTC_KEY });
    expect(rtc.app_id).toBe(RTC_APP);
    const ali = await mock.addAliyunLiveNotifyConfig({ DomainName: "play.example.com", NotifyUrl: target.url("/ali") });
    expect(ali.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  test("a vendor call the vendor would refuse throws MockRequestError with the vendor's error body", async () => {
    const err = await mock
      .createHuaweiLiveCallback({ publish_domain: "push.example.com", app: "*", key: LIVE_KEY })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MockRequestError);
    expect((err as MockRequestError).status).toBe(400);
    expect((err as MockRequestError).body).toMatchObject({ error_code: (err as MockRequestError).code });
  });

  test("a session with faults is delivered, signed, to the configured URL; deliveries are listed typed", async () => {
    const before = target.received.length;
    const session = await mock.createSession({
      vendor: "huawei-live",
      domain: "push.example.com",
      app: "live",
      stream: "faulty",
      segments: 2,
      faults: { duplicate_rate: 1 },
    });
    expect(session.state).toBe("running");
    await mock.idle();
    const list = await mock.listDeliveries({ session_id: session.id, limit: 100 });
    expect(list.total).toBe(session.delivery_count);
    expect(list.deliveries.some((d) => d.duplicate_of !== undefined)).toBe(true);
    expect(list.deliveries.every((d) => d.status === "success")).toBe(true);
    const arrived = target.received.slice(before);
    expect(arrived).toHaveLength(session.delivery_count);
    for (const r of arrived) {
      expect(r.path).toBe("/live");
      expect(verifyHuaweiLiveCallback(r.raw, [LIVE_KEY], { now: new Date() }).ok).toBe(true);
    }
    expect((await mock.getSession(session.id)).state).toBe("completed");
    const one = list.deliveries[0];
    expect((await mock.getDelivery(one?.id ?? "")).attempts.length).toBeGreaterThan(0);
  });

  test("session faults, global faults, domains and settings round-trip through the typed client", async () => {
    const rtc = await mock.createSession({
      vendor: "huawei-rtc",
      app: RTC_APP,
      stream: "room",
      segments: 1,
      faults: { wrong_signature_rate: 1 },
    });
    await mock.idle();
    const sent = (await mock.listDeliveries({ session_id: rtc.id })).deliveries;
    expect(sent.length).toBeGreaterThan(0);
    for (const d of sent) {
      expect(d.attempts[0]?.fault).toBe("wrong_signature");
      expect(verifyHuaweiRtcCallback(d.body ?? "", d.headers, [RTC_KEY], { now: new Date() }).ok).toBe(false);
    }
    expect(await mock.setFaults({ latency_ms: 5 })).toMatchObject({ latency_ms: 5, drop_rate: 0 });
    expect((await mock.getFaults()).latency_ms).toBe(5);
    await mock.setFaults({});
    await mock.addDomain({ vendor: "aliyun-live", name: "play.example.com" });
    expect((await mock.listDomains()).domains).toContainEqual({ vendor: "aliyun-live", name: "play.example.com" });
    await mock.deleteDomain("aliyun-live", "play.example.com");
    expect((await mock.listDomains()).domains).toEqual([]);
    expect((await mock.updateSettings({ concurrency: 4 })).concurrency).toBe(4);
    expect((await mock.getSettings()).concurrency).toBe(4);
    expect((await mock.listSessions({ vendor: "huawei-rtc" })).total).toBe(1);
    await mock.reset();
    expect((await mock.listSessions()).total).toBe(0);
    expect((await mock.getSettings()).concurrency).not.toBe(4);
  });

  test("an admin call the mock refuses throws MockRequestError carrying the mock's error body", async () => {
    const err = await mock.getSession("no-such-session").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MockRequestError);
    const e = err as MockRequestError;
    expect(e.status).toBe(404);
    expect(MockAdminError.parse(e.body).error).toBe("not_found");
    expect(e.code).toBe("not_found");
    expect(e.message).toContain("GET /_mock/sessions/no-such-session: 404 not_found");
    const bad = await mock
      .createSession({ vendor: "huawei-live", app: "live", stream: "s", segments: 0 })
      .catch((x: unknown) => x);
    expect((bad as MockRequestError).status).toBe(400);
  });

  test("invalid options are refused as the command refuses them", async () => {
    await expect(startMock({ port: 70000 })).rejects.toBeInstanceOf(MockOptionsError);
    await expect(startMock({ auth: "on" })).rejects.toThrow(/--auth on needs LIVEHOOK_MOCK_AK/);
  });

  test("with auth on, vendor calls are signed with the mock's credentials", async () => {
    const signed = await startMock({ auth: "on", accessKeyId: "AK0123456789", accessKeySecret: "SK0123456789" });
    try {
      await expect(
        signed.addAliyunLiveNotifyConfig({ DomainName: "play.example.com", NotifyUrl: target.url("/ali") }),
      ).resolves.toMatchObject({ RequestId: expect.any(String) });
      const rtc = await signed.setHuaweiRtcCallback(RTC_APP, { url: target.url("/rtc"), auth_key: RTC_KEY });
      expect(rtc.app_id).toBe(RTC_APP);
      const unsigned = await fetch(`${signed.url}/v2/apps/${RTC_APP}/record-callback`);
      expect(unsigned.status).toBe(401);
    } finally {
      await signed.close();
    }
  });

  test("close() ends a realtime session that is still waiting for its next event", async () => {
    const other = await startMock();
    await other.setHuaweiRtcCallback(RTC_APP, { url: target.url("/rtc"), auth_key: RTC_KEY });
    const s = await other.createSession({
      vendor: "huawei-rtc",
      app: RTC_APP,
      stream: "long",
      segments: 3,
      segment_seconds: 3600,
      mode: "realtime",
    });
    expect(s.state).toBe("running");
    await other.close();
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});

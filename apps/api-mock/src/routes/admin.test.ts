import { describe, expect, test } from "vitest";
import { testMock } from "../../test/harness.js";
import {
  MockAdminDeliveryList,
  MockAdminDomainList,
  MockAdminError,
  MockAdminFaults,
  MockAdminSession,
  MockAdminSessionList,
  MockAdminSettings,
} from "../generated/index.js";

const CONFIGS = "/v1/p/record/callbacks";

async function expectAdminError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(MockAdminError.parse(await res.json()).error).toBe(error);
}

describe("admin API", () => {
  test("sessions: create with defaults, get, list with filters; a session without a config delivers nothing", async () => {
    const m = testMock();
    const res = await m.json("/_mock/sessions", "POST", {
      vendor: "huawei-live",
      domain: "push.example.com",
      app: "live",
      stream: "s",
    });
    expect(res.status).toBe(201);
    const s = MockAdminSession.parse(await res.json());
    expect(s).toMatchObject({
      formats: ["HLS"],
      segment_seconds: 60,
      segments: 1,
      outcome: "success",
      mode: "compressed",
      scenario: "none",
      state: "completed",
      delivery_count: 0,
      event_count: 3,
    });
    expect(s.config).toBeUndefined();
    await m.json(CONFIGS, "POST", {
      publish_domain: "push.example.com",
      app: "*",
      notify_callback_url: "http://127.0.0.1:4020/hooks/huawei-live",
    });
    const s2 = MockAdminSession.parse(
      await (
        await m.json("/_mock/sessions", "POST", {
          vendor: "huawei-live",
          domain: "push.example.com",
          app: "live",
          stream: "s",
        })
      ).json(),
    );
    expect(s2.config).toMatchObject({ url_set: true, signed: false, subscribed: ["RECORD_FILE_COMPLETE"] });
    expect(s2.delivery_count).toBe(1);
    await m.simulator.idle();
    expect(MockAdminSession.parse(await (await m.app.request(`/_mock/sessions/${s.id}`)).json()).id).toBe(s.id);
    const list = MockAdminSessionList.parse(
      await (await m.app.request("/_mock/sessions?vendor=huawei-live&limit=1")).json(),
    );
    expect(list.total).toBe(2);
    expect(list.sessions.map((x) => x.id)).toEqual([s2.id]);
    expect(
      MockAdminSessionList.parse(await (await m.app.request("/_mock/sessions?vendor=aliyun-live")).json()).total,
    ).toBe(0);
    const dl = MockAdminDeliveryList.parse(await (await m.app.request("/_mock/deliveries?status=success")).json());
    expect(dl.total).toBe(1);
    expect(dl.deliveries[0]?.event_type).toBe("RECORD_FILE_COMPLETE");
    await expectAdminError(await m.app.request("/_mock/sessions/nope"), 404, "not_found");
    await expectAdminError(await m.app.request("/_mock/deliveries/nope"), 404, "not_found");
    await expectAdminError(
      await m.app.request("/_mock/deliveries/nope/redeliver", { method: "POST" }),
      404,
      "not_found",
    );
  });

  test.each([
    ["not JSON", "{"],
    ["unknown vendor", { vendor: "aws", app: "a", stream: "s" }],
    ["unknown field", { vendor: "huawei-live", domain: "d.example.com", app: "a", stream: "s", extra: 1 }],
    ["no domain for Huawei Live", { vendor: "huawei-live", app: "a", stream: "s" }],
    ["FLV for SparkRTC", { vendor: "huawei-rtc", app: "5fcdf5651aaaaaa6f835d0d4", stream: "s", formats: ["FLV"] }],
    ["segments out of range", { vendor: "aliyun-live", domain: "d.example.com", app: "a", stream: "s", segments: 0 }],
  ])("session create rejects %s with 400", async (_name, body) => {
    const m = testMock();
    await expectAdminError(await m.json("/_mock/sessions", "POST", body), 400, "invalid_request");
  });

  test("faults: global get/put and per session", async () => {
    const m = testMock();
    expect(MockAdminFaults.parse(await (await m.app.request("/_mock/faults")).json())).toEqual({
      latency_ms: 0,
      drop_rate: 0,
      duplicate_rate: 0,
      out_of_order: false,
      wrong_signature_rate: 0,
      expired_timestamp_rate: 0,
      api_error_rate: 0,
    });
    const put = await m.json("/_mock/faults", "PUT", { drop_rate: 0.5, latency_ms: 10 });
    expect(MockAdminFaults.parse(await put.json())).toMatchObject({
      drop_rate: 0.5,
      latency_ms: 10,
      duplicate_rate: 0,
    });
    await expectAdminError(await m.json("/_mock/faults", "PUT", { drop_rate: 2 }), 400, "invalid_request");
    const s = MockAdminSession.parse(
      await (
        await m.json("/_mock/sessions", "POST", {
          vendor: "aliyun-live",
          domain: "d.example.com",
          app: "a",
          stream: "s",
        })
      ).json(),
    );
    const upd = await m.json(`/_mock/sessions/${s.id}/faults`, "PUT", { wrong_signature_rate: 1 });
    expect(MockAdminSession.parse(await upd.json()).faults.wrong_signature_rate).toBe(1);
  });

  test("domains (D19), settings, reset", async () => {
    const m = testMock();
    expect((await m.json("/_mock/domains", "POST", { vendor: "huawei-live", name: "push.example.com" })).status).toBe(
      201,
    );
    expect(
      (await m.json("/_mock/domains", "POST", { vendor: "huawei-rtc", name: "5fcdf5651aaaaaa6f835d0d4" })).status,
    ).toBe(201);
    await expectAdminError(
      await m.json("/_mock/domains", "POST", { vendor: "huawei-rtc", name: "bad" }),
      400,
      "invalid_request",
    );
    expect(MockAdminDomainList.parse(await (await m.app.request("/_mock/domains")).json()).domains).toEqual([
      { vendor: "huawei-live", name: "push.example.com" },
      { vendor: "huawei-rtc", name: "5fcdf5651aaaaaa6f835d0d4" },
    ]);
    expect((await m.app.request("/_mock/domains/huawei-live/push.example.com", { method: "DELETE" })).status).toBe(204);
    await expectAdminError(
      await m.app.request("/_mock/domains/huawei-live/push.example.com", { method: "DELETE" }),
      404,
      "not_found",
    );

    const settings = MockAdminSettings.parse(await (await m.app.request("/_mock/settings")).json());
    expect(settings.retry_profiles["aliyun-live"]).toEqual({
      timeout_ms: 5000,
      retry_delays_ms: [1000, 1000, 1000, 1000, 1000],
      success: "any_2xx",
      retry_4xx: false,
    });
    expect(settings.throttling.enabled).toBe(false);
    const patched = MockAdminSettings.parse(
      await (await m.json("/_mock/settings", "PATCH", { console_parity: true, throttling: { enabled: true } })).json(),
    );
    expect(patched).toMatchObject({
      console_parity: true,
      strict_keys: true,
      throttling: { enabled: true, huawei_live_per_minute: 300 },
    });
    await expectAdminError(await m.json("/_mock/settings", "PATCH", { concurrency: 0 }), 400, "invalid_request");

    await m.json(CONFIGS, "POST", { publish_domain: "push.example.com", app: "live" });
    expect((await m.app.request("/_mock/reset", { method: "POST" })).status).toBe(204);
    expect(await (await m.app.request(CONFIGS)).json()).toEqual({ total: 0, callback_config: [] });
    expect(MockAdminSettings.parse(await (await m.app.request("/_mock/settings")).json()).console_parity).toBe(false);
    expect(MockAdminDomainList.parse(await (await m.app.request("/_mock/domains")).json()).domains).toEqual([]);
  });
});

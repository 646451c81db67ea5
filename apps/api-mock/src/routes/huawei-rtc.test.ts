import { createServer } from "node:net";
import {
  HuaweiRtcErrorResponse,
  HuaweiRtcShowRecordCallbackResponse,
  HuaweiRtcUpdateRecordCallbackResponse,
} from "@livehook/core";
import { describe, expect, test } from "vitest";
import { HUAWEI_REQUEST_ID, testMock } from "../../test/harness.js";
import { startReceiver } from "../../test/receiver.js";

const APP = "5fcdf5651aaaaaa6f835d0d4";
const PATH = `/v2/apps/${APP}/record-callback`;
const KEY = "0123456789abcdef0123456789abcdef";

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
  expect(HuaweiRtcErrorResponse.parse(await res.json()).error_code).toBe(code);
}

describe("SparkRTC record-callback GET/PUT", () => {
  test("GET of an app without a config is 200 without record_callback (D)", async () => {
    const m = testMock();
    const res = await m.app.request(PATH, { headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
    expect(HuaweiRtcShowRecordCallbackResponse.parse(await res.json())).toEqual({ app_id: APP });
  });

  test("an unknown app id is 404 RTC.00001003", async () => {
    const m = testMock();
    await expectError(await m.app.request("/v2/apps/not-an-app/record-callback"), 404, "RTC.00001003");
    m.store.addDomain("huawei-rtc", "aaaaaaaaaaaaaaaaaaaaaaaa");
    await expectError(await m.app.request(PATH), 404, "RTC.00001003");
  });

  test("PUT stores url and key, subscribes to both events (D9), returns the key in plain text (D17)", async () => {
    const m = testMock();
    const res = await m.json(PATH, "PUT", { url: "https://cb.example.com/rtc", auth_key: KEY });
    expect(res.status).toBe(200);
    const put = HuaweiRtcUpdateRecordCallbackResponse.parse(await res.json());
    expect(put).toEqual({
      app_id: APP,
      record_callback: {
        url: "https://cb.example.com/rtc",
        auth_key: KEY,
        notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE"],
        update_time: "2026-03-01T00:00:00.000Z",
      },
    });
    const got = HuaweiRtcShowRecordCallbackResponse.parse(await (await m.app.request(PATH)).json());
    expect(got).toEqual(put);
    m.advance(1500);
    const again = HuaweiRtcUpdateRecordCallbackResponse.parse(
      await (await m.json(PATH, "PUT", { url: "http://cb.example.com/2" })).json(),
    );
    expect(again.record_callback.auth_key).toBeUndefined();
    expect(again.record_callback.update_time).toBe("2026-03-01T00:00:01.500Z");
  });

  test("errors map to the documented codes (D, §3.4)", async () => {
    const m = testMock();
    await expectError(await m.json(PATH, "PUT", "{bad"), 400, "RTC.00001002");
    await expectError(await m.json(PATH, "PUT", {}), 400, "RTC.00001005");
    await expectError(await m.json(PATH, "PUT", { url: "ftp://x" }), 400, "RTC.00001003");
    await expectError(await m.json(PATH, "PUT", { url: "http://x", auth_key: "short" }), 400, "RTC.00001003");
    await expectError(await m.json(PATH, "PUT", { url: "http://x", auth_key: "k".repeat(65) }), 400, "RTC.00001003");
    m.store.setFaults({ api_error_rate: 1 });
    await expectError(await m.app.request(PATH), 500, "RTC.00002001");
  });

  test("the probe option: PUT POSTs to the URL first; unreachable is 400 RTC.00001018 (§3.4)", async () => {
    const receiver = await startReceiver((_req, i) => ({ status: i === 0 ? 200 : 503 }));
    // A port that was just free and is closed now: connecting is refused at once.
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    try {
      const m = testMock({ fetch: globalThis.fetch });
      const closed = `http://127.0.0.1:${closedPort}/rtc`;
      // Off by default: nothing is probed, an unreachable URL is stored.
      expect((await m.json(PATH, "PUT", { url: closed })).status).toBe(200);
      expect(receiver.received).toHaveLength(0);

      const patch = await m.json("/_mock/settings", "PATCH", { probe_callback_url: true });
      expect(((await patch.json()) as { probe_callback_url: boolean }).probe_callback_url).toBe(true);
      const ok = await m.json(PATH, "PUT", { url: receiver.url("/rtc"), auth_key: KEY });
      expect(ok.status).toBe(200);
      expect(receiver.received.map((r) => [r.path, r.raw.toString()])).toEqual([["/rtc", "{}"]]);
      // Any HTTP answer means reachable, a 503 included.
      expect((await m.json(PATH, "PUT", { url: receiver.url("/rtc2") })).status).toBe(200);

      await expectError(await m.json(PATH, "PUT", { url: closed }), 400, "RTC.00001018");
      // The failed PUT changed nothing.
      const got = HuaweiRtcShowRecordCallbackResponse.parse(await (await m.app.request(PATH)).json());
      expect(got.record_callback?.url).toBe(receiver.url("/rtc2"));
    } finally {
      await receiver.close();
    }
  });
});

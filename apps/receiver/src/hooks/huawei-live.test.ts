import { describe, expect, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, manualClock, NOW, NOW_S, post, signedHuaweiLive } from "../../test/helpers.js";
import { HUAWEI_LIVE_AUTH_TTL_MS, huaweiLiveSendTime } from "./huawei-live.js";

const T = NOW.getTime();

describe("Huawei Live event time (D6: auth_timestamp is an expiry)", () => {
  test("an expiry 300 s ahead of the arrival means the event was sent 300 s before it", () => {
    expect(huaweiLiveSendTime(T + HUAWEI_LIVE_AUTH_TTL_MS, T + 40)).toBe(T);
  });

  test("a timestamp at or before the arrival (the vendor's examples: expiry 0 s) is the send time", () => {
    expect(huaweiLiveSendTime(T, T + 1200)).toBe(T);
    expect(huaweiLiveSendTime(T - 2000, T)).toBe(T - 2000);
  });

  test("clock skew up to half the validity is not read as an expiry, and the result is never after the arrival", () => {
    expect(huaweiLiveSendTime(T + 120_000, T)).toBe(T);
    expect(huaweiLiveSendTime(T + 600_000, T)).toBe(T);
    expect(huaweiLiveSendTime(null, T)).toBeNull();
  });

  test("the stored event's eventTime is the send time, not 5 minutes in the future", async () => {
    const clock = manualClock();
    const { app } = await makeReceiver({ clock });
    const sentAt = NOW_S;
    clock.advance(250);
    const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent(), { ts: sentAt + 300 }));
    expect(res.status).toBe(200);
    const { events } = (await (await app.request("/api/events")).json()) as { events: { eventTime: string }[] };
    expect(events[0]?.eventTime).toBe(NOW.toISOString());
  });
});

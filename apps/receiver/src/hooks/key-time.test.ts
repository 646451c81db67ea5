import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyTime, keyTimePrefix } from "./key-time.js";

describe("keyTime", () => {
  it("takes the end time, else the start time, of Huawei and SparkRTC bodies", () => {
    const end = Date.parse("2026-03-01T00:02:00Z") / 1000;
    expect(keyTime("huawei-live", { start_time: "2026-03-01T00:00:00Z", end_time: "2026-03-01T00:02:00Z" })).toBe(end);
    expect(keyTime("huawei-rtc", { start_time: "2026-03-01T00:02:00Z" })).toBe(end);
    expect(keyTime("huawei-live", { end_time: "2026-03-01T00:02:00.250Z" })).toBe(end);
  });

  it("takes Alibaba's Unix seconds", () => {
    expect(keyTime("aliyun-live", { start_time: 1583676000, stop_time: 1583676745.5 })).toBe(1583676745);
    expect(keyTime("aliyun-live", { start_time: 1583676000 })).toBe(1583676000);
  });

  it("is null without a usable time, never a guess", () => {
    for (const body of [
      {},
      null,
      "x",
      { end_time: "2026-03-01 00:02:00" },
      { end_time: "2026-03-01T00:02:00+08:00" },
      { end_time: 1583676745 },
    ])
      expect(keyTime("huawei-live", body)).toBeNull();
    for (const body of [{ stop_time: "1583676745" }, { stop_time: -1 }, { stop_time: 1e20 }])
      expect(keyTime("aliyun-live", body)).toBeNull();
  });

  it("never throws on any body (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("huawei-live", "huawei-rtc", "aliyun-live" as const),
        fc.jsonValue(),
        (vendor, body) => {
          const t = keyTime(vendor, body);
          expect(t === null || (Number.isSafeInteger(t) && t >= 0)).toBe(true);
        },
      ),
    );
  });
});

describe("keyTimePrefix", () => {
  it("sorts as text in time order (property)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 36 ** 7 - 1 }), fc.nat({ max: 36 ** 7 - 1 }), (a, b) => {
        const [pa, pb] = [keyTimePrefix(a), keyTimePrefix(b)];
        expect(pa.length).toBe(8);
        expect(pa < pb).toBe(a < b);
      }),
    );
  });
});

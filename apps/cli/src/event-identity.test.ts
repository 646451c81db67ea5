import { describe, expect, test } from "vitest";
import { eventIdentity } from "./event-identity.js";

describe("event identity of deeply nested bodies", () => {
  test("a body nested 3,000 or 100,000 levels gets the shared too_deeply_nested identity instead of overflowing", () => {
    for (const depth of [3000, 100_000]) {
      const body: unknown = JSON.parse(`{"event_type":"RECORD_OVER","x":${"[".repeat(depth)}${"]".repeat(depth)}}`);
      expect(eventIdentity("huawei-rtc", body)).toBe("huawei-rtc:too_deeply_nested");
    }
  });

  test("bodies within the receiver's bound of 32 levels keep their digest identity", () => {
    const nested = (levels: number): unknown => JSON.parse(`${"[".repeat(levels)}${"]".repeat(levels)}`);
    expect(eventIdentity("huawei-rtc", nested(32))).toMatch(/^huawei-rtc:[0-9a-f]{64}$/);
    expect(eventIdentity("huawei-rtc", nested(33))).toBe("huawei-rtc:too_deeply_nested");
    expect(eventIdentity("aliyun-live", { push_args: { callback_user: "42" } })).toMatch(/^aliyun-live:[0-9a-f]{64}$/);
  });
});

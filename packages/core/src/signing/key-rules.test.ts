import { describe, expect, test } from "vitest";
import { assertKeyList, checkHuaweiLiveKey, checkHuaweiRtcKey } from "./key-rules.js";

describe("key rules (D5)", () => {
  test("Huawei Live: 32–128 letters and digits", () => {
    expect(checkHuaweiLiveKey("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6")).toEqual({ ok: true });
    expect(checkHuaweiLiveKey("a".repeat(128))).toEqual({ ok: true });
    expect(checkHuaweiLiveKey("a".repeat(31)).ok).toBe(false);
    expect(checkHuaweiLiveKey("a".repeat(129)).ok).toBe(false);
    expect(checkHuaweiLiveKey(`${"a".repeat(31)}-`).ok).toBe(false);
  });

  test("SparkRTC: 32–64 characters", () => {
    expect(checkHuaweiRtcKey("0123456789abcdef0123456789abcdef")).toEqual({ ok: true });
    expect(checkHuaweiRtcKey("78912374ae8cdb38").ok).toBe(false);
    expect(checkHuaweiRtcKey("x".repeat(65)).ok).toBe(false);
  });

  test("misuse throws TypeError", () => {
    expect(() => assertKeyList([], "f")).toThrow(TypeError);
    expect(() => assertKeyList(["k", ""], "f")).toThrow(/keys\[1\]/);
    expect(() => assertKeyList("key" as unknown as string[], "f")).toThrow(TypeError);
    expect(() => assertKeyList(["k"], "f")).not.toThrow();
  });
});

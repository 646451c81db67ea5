import { describe, expect, test } from "vitest";
import { checkWindow, isUnixTimestamp, tolerance, unixSeconds } from "./time-window.js";

describe("checkWindow", () => {
  test("inclusive bounds in both directions", () => {
    expect(checkWindow(1000, 1300, 300, 60)).toBeUndefined();
    expect(checkWindow(1000, 1301, 300, 60)).toBe("expired");
    expect(checkWindow(1060, 1000, 300, 60)).toBeUndefined();
    expect(checkWindow(1061, 1000, 300, 60)).toBe("not_yet_valid");
  });

  test("NaN fails closed", () => {
    expect(checkWindow(Number.NaN, 1000, 300, 300)).toBe("expired");
    expect(checkWindow(1000, Number.NaN, 300, 300)).toBe("expired");
  });
});

describe("unixSeconds and tolerance", () => {
  test("converts and rejects invalid dates as misuse", () => {
    expect(unixSeconds(new Date("2024-01-01T00:00:00.500Z"), "t")).toBe(1704067200.5);
    expect(() => unixSeconds(new Date("nope"), "t")).toThrow(TypeError);
    expect(() => unixSeconds("2024-01-01" as unknown as Date, "t")).toThrow(TypeError);
  });

  test("tolerance defaults and rejects negative values", () => {
    expect(tolerance(undefined, 300, "t", "x")).toBe(300);
    expect(tolerance(0, 300, "t", "x")).toBe(0);
    expect(() => tolerance(-1, 300, "t", "x")).toThrow(TypeError);
    expect(() => tolerance(Number.POSITIVE_INFINITY, 300, "t", "x")).toThrow(TypeError);
  });
});

describe("isUnixTimestamp", () => {
  test.each([
    ["1519375990", true],
    ["1619600282000", true],
    ["0", true],
    ["9".repeat(16), true],
    ["9".repeat(17), false],
    ["", false],
    ["-1", false],
    ["1e9", false],
    [" 1", false],
    ["１", false],
    [undefined, false],
  ])("%j → %s", (text, expected) => {
    expect(isUnixTimestamp(text)).toBe(expected);
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatBasicUtc, formatIsoUtc, parseBasicUtc, parseIsoUtc } from "./utc-timestamp.js";

describe("UTC timestamps", () => {
  test("parse both spellings", () => {
    expect(parseIsoUtc("2024-01-01T00:00:00Z")).toBe(1704067200);
    expect(parseIsoUtc("2020-07-26T07:53:05.075Z")).toBe(1595749985);
    expect(parseBasicUtc("20240101T000000Z")).toBe(1704067200);
  });

  test.each([
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:60:00Z",
    "2024-01-01 00:00:00Z",
    "2024-01-01T00:00:00",
    "2024-01-01T00:00:00+08:00",
    "",
  ])("rejects %j", (text) => {
    expect(parseIsoUtc(text)).toBeUndefined();
  });

  test("format and parse round-trip", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
        (date) => {
          const whole = Math.floor(date.getTime() / 1000);
          expect(parseIsoUtc(formatIsoUtc(date))).toBe(whole);
          expect(parseBasicUtc(formatBasicUtc(date))).toBe(whole);
        },
      ),
    );
    expect(formatBasicUtc(new Date("2024-01-01T00:00:00Z"))).toBe("20240101T000000Z");
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { getHeader, getHeaderValues, headerNames } from "./header-lookup.js";

describe("header lookup", () => {
  test("plain records are matched case-insensitively", () => {
    const headers = { "X-Rtc-Rand": "1", "x-other": ["a", "b"], missing: undefined };
    expect(getHeader(headers, "x-rtc-rand")).toBe("1");
    expect(getHeaderValues(headers, "X-Other")).toEqual(["a", "b"]);
    expect(getHeader(headers, "x-other")).toBe("a, b");
    expect(getHeader(headers, "missing")).toBeUndefined();
    expect(headerNames(headers)).toEqual(["x-rtc-rand", "x-other"]);
  });

  test("the same name in two spellings", () => {
    expect(getHeaderValues({ "X-A": "1", "x-a": "2" }, "x-a")).toEqual(["1", "2"]);
    expect(getHeader({ "X-A": "1", "x-a": "2" }, "x-a")).toBe("2");
    expect(getHeader({ "X-A": "1", "X-a": "2" }, "x-a")).toBe("1, 2");
    expect(getHeader({ "x-a": ["1", "2"] }, "x-a")).toBe("1, 2");
  });

  test("Headers objects", () => {
    const headers = new Headers({ "X-Rtc-Rand": "1" });
    headers.append("x-rtc-rand", "2");
    expect(getHeader(headers, "x-rtc-rand")).toBe("1, 2");
    expect(getHeaderValues(headers, "absent")).toEqual([]);
    expect(headerNames(headers)).toEqual(["x-rtc-rand"]);
  });

  test("never throws on arbitrary records", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined))),
        fc.string(),
        (headers, name) => {
          getHeader(headers, name);
          headerNames(headers);
        },
      ),
    );
  });
});

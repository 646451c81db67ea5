import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { canonicalPath, percentDecode, percentEncode, reencodedPath } from "./percent-encode.js";

describe("percentEncode (RFC 3986 strict)", () => {
  test.each([
    ["*", "%2A"],
    [" ", "%20"],
    ["~", "~"],
    ["-_.", "-_."],
    ["!'()", "%21%27%28%29"],
    ["a+b", "a%2Bb"],
    ["2024-01-01T00:00:00Z", "2024-01-01T00%3A00%3A00Z"],
    ["直播", "%E7%9B%B4%E6%92%AD"],
    ["\uD800", "%EF%BF%BD"],
  ])("%j → %s", (text, encoded) => {
    expect(percentEncode(text)).toBe(encoded);
  });

  test("matches encodeURIComponent plus the five reserved marks, and decodes back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const expected = encodeURIComponent(text).replace(
          /[!'()*]/g,
          (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
        );
        expect(percentEncode(text)).toBe(expected);
        expect(percentDecode(percentEncode(text), false)).toBe(text);
      }),
    );
  });
});

describe("percentDecode", () => {
  test("plus as space only for query and form data", () => {
    expect(percentDecode("a+b%20c", true)).toBe("a b c");
    expect(percentDecode("a+b", false)).toBe("a+b");
  });

  test.each(["%", "%zz", "%E7%9B", "%FF"])("malformed %j is undefined", (text) => {
    expect(percentDecode(text, true)).toBeUndefined();
  });
});

describe("canonical paths", () => {
  test("decoded segments are strictly re-encoded; an escaped slash stays inside its segment", () => {
    expect(canonicalPath("/v1/p/record/callbacks/a%2Fb*")).toBe("/v1/p/record/callbacks/a%2Fb%2A");
    expect(canonicalPath("/bad/%zz")).toBeUndefined();
    expect(reencodedPath("/v1/cb%3A1")).toBe("/v1/cb%253A1");
  });
});

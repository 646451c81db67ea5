import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { canonicalQuery, parseQuery } from "./canonical-query.js";

describe("parseQuery", () => {
  test("decodes pairs, + as space, bare keys, empty parts", () => {
    expect(parseQuery("?a=1&b=%2A&c&&d=x+y&e=")).toEqual([
      ["a", "1"],
      ["b", "*"],
      ["c", ""],
      ["d", "x y"],
      ["e", ""],
    ]);
    expect(parseQuery("")).toEqual([]);
    expect(parseQuery("a=%zz")).toBeUndefined();
  });

  test("reads what URLSearchParams writes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }))), (pairs) => {
        expect(parseQuery(new URLSearchParams(pairs).toString())).toEqual(pairs);
      }),
    );
  });
});

describe("canonicalQuery", () => {
  test("sorted by key then value, strictly encoded", () => {
    const pairs = [
      ["publish_domain", "publish.example.com"],
      ["app", "*"],
      ["offset", "0"],
      ["limit", "10"],
      ["app", "a b"],
    ] as const;
    expect(canonicalQuery(pairs, true)).toBe("app=%2A&app=a%20b&limit=10&offset=0&publish_domain=publish.example.com");
    expect(canonicalQuery([["k*", "v*"]], false)).toBe("k*=v%2A");
  });
});

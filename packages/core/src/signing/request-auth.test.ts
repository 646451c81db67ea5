import { describe, expect, test } from "vitest";
import {
  canonicalHeaderBlock,
  normalizeHeaders,
  parseAuthorization,
  parseSignedHeaders,
  resolveSecret,
  secretLookupFrom,
} from "./request-auth.js";

describe("request-auth helpers", () => {
  test("parseAuthorization accepts both separators", () => {
    expect(parseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=00", "SDK-HMAC-SHA256")).toEqual(
      new Map([
        ["Access", "AK"],
        ["SignedHeaders", "a;b"],
        ["Signature", "00"],
      ]),
    );
    expect(
      parseAuthorization("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a,Signature=0", "ACS3-HMAC-SHA256")?.get(
        "Credential",
      ),
    ).toBe("AK");
    expect(parseAuthorization("V11-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256")).toBeUndefined();
    expect(parseAuthorization("SDK-HMAC-SHA256 garbage", "SDK-HMAC-SHA256")).toBeUndefined();
  });

  test("parseSignedHeaders wants lower-case tokens", () => {
    expect(parseSignedHeaders("content-type;host")).toEqual(["content-type", "host"]);
    expect(parseSignedHeaders("Host")).toBeUndefined();
    expect(parseSignedHeaders("host;;x")).toBeUndefined();
  });

  test("canonicalHeaderBlock trims, applies the multi-value rule and names a missing header", () => {
    expect(canonicalHeaderBlock({ Host: " h ", "x-acs-a": ["2", " 1"] }, ["host", "x-acs-a"])).toEqual({
      block: "host:h\nx-acs-a:1,2\n",
    });
    expect(canonicalHeaderBlock({ host: "h" }, ["host", "x-sdk-date"])).toEqual({ missing: "x-sdk-date" });
  });

  test("normalizeHeaders sorts, lower-cases and rejects duplicates", () => {
    expect(normalizeHeaders({ "X-B": " 2 ", a: "1" }, "f")).toEqual([
      ["a", "1"],
      ["x-b", "2"],
    ]);
    expect(() => normalizeHeaders({ "X-A": "1", "x-a": "2" }, "f")).toThrow(TypeError);
  });

  test("secretLookupFrom sees own keys only", () => {
    const lookup = secretLookupFrom({ AK: "SK" });
    expect(lookup("AK")).toBe("SK");
    expect(lookup("toString")).toBeUndefined();
    expect(lookup("__proto__")).toBeUndefined();
  });

  test("resolveSecret treats an empty secret as misconfiguration", () => {
    expect(resolveSecret(() => undefined, "ak", "f")).toBeUndefined();
    expect(resolveSecret(() => "sk", "ak", "f")).toBe("sk");
    expect(() => resolveSecret(() => "", "ak", "f")).toThrow(TypeError);
  });
});

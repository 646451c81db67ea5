import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { base64MatchesDigest, hexMatchesDigest } from "./constant-time.js";

const digest = createHash("sha256").update("x").digest();
const hex = digest.toString("hex");

describe("hexMatchesDigest", () => {
  test("accepts lower- and upper-case hex of the exact length (D7)", () => {
    expect(hexMatchesDigest(hex, digest)).toBe(true);
    expect(hexMatchesDigest(hex.toUpperCase(), digest)).toBe(true);
  });

  test.each([
    ["one digit short", hex.slice(1)],
    ["one digit long (a decoder would drop it)", `${hex}0`],
    ["a digit changed", `${hex.slice(0, 63)}${hex.endsWith("0") ? "1" : "0"}`],
    ["non-hex at the end", `${hex.slice(0, 62)}zz`],
    ["non-hex at the start", `g${hex.slice(1)}`],
    ["empty", ""],
    ["not a string", 42],
  ])("rejects %s", (_label, received) => {
    expect(hexMatchesDigest(received, digest)).toBe(false);
  });
});

describe("base64MatchesDigest", () => {
  const sha1 = Buffer.from("cpOJucKu52+9MgUTwl8iwkNBPNs=", "base64");

  test("accepts canonical base64", () => {
    expect(base64MatchesDigest("cpOJucKu52+9MgUTwl8iwkNBPNs=", sha1)).toBe(true);
  });

  test.each([
    ["base64url alphabet", "cpOJucKu52-9MgUTwl8iwkNBPNs="],
    ["missing padding", "cpOJucKu52+9MgUTwl8iwkNBPNs"],
    ["embedded junk", "cpOJucKu52+9MgU!Twl8iwkNBPNs="],
    ["wrong length", "cpOJucKu52+9MgUTwl8iwkNB"],
    ["another digest", "AAOJucKu52+9MgUTwl8iwkNBPNs="],
    ["not a string", 42],
  ])("rejects %s", (_label, b64) => {
    expect(base64MatchesDigest(b64, sha1)).toBe(false);
  });
});

describe("properties", () => {
  test("never throws, and matches only the digest itself", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.string(), (bytes, junk) => {
        const buf = Buffer.from(bytes);
        expect(hexMatchesDigest(buf.toString("hex"), bytes)).toBe(true);
        expect(base64MatchesDigest(buf.toString("base64"), bytes)).toBe(true);
        expect(hexMatchesDigest(junk, bytes)).toBe(junk.toLowerCase() === buf.toString("hex"));
        expect(base64MatchesDigest(junk, bytes)).toBe(junk === buf.toString("base64"));
      }),
    );
  });
});

import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { base64MatchesDigest, hexMatchesDigest } from "./constant-time.js";

const digest = createHash("sha256").update("x").digest();
const binary = digest.toString("latin1");
const hex = digest.toString("hex");

describe("hexMatchesDigest", () => {
  test("accepts lower- and upper-case hex of the exact length (D7)", () => {
    expect(hexMatchesDigest(hex, binary)).toBe(true);
    expect(hexMatchesDigest(hex.toUpperCase(), binary)).toBe(true);
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
    expect(hexMatchesDigest(received, binary)).toBe(false);
  });

  test("a failed decode leaves nothing behind for the next comparison", () => {
    expect(hexMatchesDigest(hex, binary)).toBe(true);
    expect(hexMatchesDigest(`${hex.slice(0, 62)}zz`, binary)).toBe(false);
    expect(hexMatchesDigest(hex, binary)).toBe(true);
  });
});

describe("base64MatchesDigest", () => {
  const sha1 = Buffer.from("cpOJucKu52+9MgUTwl8iwkNBPNs=", "base64").toString("latin1");

  test("accepts canonical base64", () => {
    expect(base64MatchesDigest("cpOJucKu52+9MgUTwl8iwkNBPNs=", sha1)).toBe(true);
  });

  test.each([
    ["base64url alphabet", "cpOJucKu52-9MgUTwl8iwkNBPNs="],
    ["missing padding", "cpOJucKu52+9MgUTwl8iwkNBPNs"],
    ["embedded junk", "cpOJucKu52+9MgU!Twl8iwkNBPNs="],
    ["wrong length", "cpOJucKu52+9MgUTwl8iwkNB"],
    ["another digest", "AAOJucKu52+9MgUTwl8iwkNBPNs="],
  ])("rejects %s", (_label, b64) => {
    expect(base64MatchesDigest(b64, sha1)).toBe(false);
  });
});

describe("properties", () => {
  test("never throws, and matches only the digest itself", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.string(), (bytes, junk) => {
        const buf = Buffer.from(bytes);
        const expected = buf.toString("latin1");
        expect(hexMatchesDigest(buf.toString("hex"), expected)).toBe(true);
        expect(base64MatchesDigest(buf.toString("base64"), expected)).toBe(true);
        expect(hexMatchesDigest(junk, expected)).toBe(junk.toLowerCase() === buf.toString("hex"));
        expect(base64MatchesDigest(junk, expected)).toBe(junk === buf.toString("base64"));
      }),
    );
  });
});

import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { base64MatchesDigest, hexMatchesDigest } from "./constant-time.js";

const hex = createHash("sha256").update("x").digest("hex");

describe("hexMatchesDigest", () => {
  test("accepts lower- and upper-case hex of the exact length (D7)", () => {
    expect(hexMatchesDigest(hex, hex)).toBe(true);
    expect(hexMatchesDigest(hex.toUpperCase(), hex)).toBe(true);
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
    expect(hexMatchesDigest(received, hex)).toBe(false);
  });
});

describe("base64MatchesDigest", () => {
  const sha1 = "cpOJucKu52+9MgUTwl8iwkNBPNs=";

  test("accepts canonical base64", () => {
    expect(base64MatchesDigest(sha1, sha1)).toBe(true);
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
        const hexDigest = Buffer.from(bytes).toString("hex");
        const base64Digest = Buffer.from(bytes).toString("base64");
        expect(hexMatchesDigest(hexDigest, hexDigest)).toBe(true);
        expect(hexMatchesDigest(hexDigest.toUpperCase(), hexDigest)).toBe(true);
        expect(base64MatchesDigest(base64Digest, base64Digest)).toBe(true);
        expect(hexMatchesDigest(junk, hexDigest)).toBe(junk.toLowerCase() === hexDigest);
        expect(base64MatchesDigest(junk, base64Digest)).toBe(junk === base64Digest);
      }),
    );
  });
});

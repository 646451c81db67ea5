import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { hash, hmac, sha256Hex } from "./digests.js";

const data = fc.oneof(fc.string({ unit: "binary" }), fc.uint8Array({ maxLength: 300 }));

describe("digests", () => {
  test("hash agrees with createHash in every encoding", () => {
    fc.assert(
      fc.property(fc.constantFrom("md5" as const, "sha256" as const), data, (algorithm, input) => {
        const reference = createHash(algorithm).update(input).digest();
        expect(hash(algorithm, input, "hex")).toBe(reference.toString("hex"));
        expect(hash(algorithm, input, "base64")).toBe(reference.toString("base64"));
        expect(Buffer.from(hash(algorithm, input, "binary"), "latin1")).toEqual(reference);
      }),
    );
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  test("hmac over two parts equals createHmac over their concatenation, for any key", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("sha1" as const, "sha256" as const),
        fc.string({ unit: "binary", minLength: 1, maxLength: 200 }),
        fc.string({ unit: "binary" }),
        fc.uint8Array({ maxLength: 300 }),
        (algorithm, key, a, b) => {
          const reference = createHmac(algorithm, key).update(a).update(b).digest("hex");
          expect(hmac(algorithm, key, "hex", a, b)).toBe(reference);
          expect(hmac(algorithm, key, "hex", Buffer.concat([Buffer.from(a), b]))).toBe(reference);
        },
      ),
    );
  });

  test("hmac gives createHmac's digest in every encoding, for long keys and for messages past the scratch buffer", () => {
    const longKey = "k".repeat(65);
    for (const [key, message] of [
      ["short", "m"],
      [longKey, "é".repeat(30_000)],
      ["short", Buffer.alloc(70_000, 7)],
      [longKey, ""],
    ] as const) {
      for (const algorithm of ["sha1", "sha256"] as const) {
        const reference = createHmac(algorithm, key).update(message).digest();
        expect(hmac(algorithm, key, "hex", message)).toBe(reference.toString("hex"));
        expect(hmac(algorithm, key, "base64", message)).toBe(reference.toString("base64"));
        expect(Buffer.from(hmac(algorithm, key, "binary", message), "latin1")).toEqual(reference);
      }
    }
  });

  test("the key cache stays correct past its bound", () => {
    for (let i = 0; i < 200; i++) {
      const key = `key-${i % 97}`;
      expect(hmac("sha256", key, "hex", "m")).toBe(createHmac("sha256", key).update("m").digest("hex"));
    }
  });
});

import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, DIGEST_HEX_DIGITS, eventDigest, idempotencyKeys, WINDOW_SLICES } from "./idempotency-key.js";

/**
 * The first implementation (sorted copies, then JSON.stringify): stored keys were computed this way, with all
 * 64 hex digits until migration 0004 cut them to the first 32.
 */
function referenceDigest(body: unknown, authFields: readonly string[]): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (typeof value === "object" && value !== null) {
      // defineProperty, not assignment: a "__proto__" key (which JSON.parse and fast-check's jsonValue make an own
      // property) must stay a field instead of replacing the copy's prototype.
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) {
        Object.defineProperty(out, k, {
          value: sorted((value as Record<string, unknown>)[k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return value;
  };
  let event = body;
  if (authFields.length > 0 && typeof body === "object" && body !== null && !Array.isArray(body)) {
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    for (const f of authFields) delete copy[f];
    event = copy;
  }
  return createHash("sha256")
    .update(JSON.stringify(sorted(event)))
    .digest("hex")
    .slice(0, DIGEST_HEX_DIGITS);
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and leaves out top-level auth fields only", () => {
    const body = { b: 1, a: { d: [{ z: 1, y: 2 }], c: "x" }, auth_sign: "s" };
    expect(canonicalJson(body, ["auth_sign"])).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ nested: { auth_sign: "kept" } }, ["auth_sign"])).toBe('{"nested":{"auth_sign":"kept"}}');
  });

  it("orders array-index keys as JavaScript objects do", () => {
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, a: 4, "01": 5 })).toBe('{"9":3,"10":2,"01":5,"a":4,"b":1}');
  });

  it("keeps a __proto__ field, which the sorted-copy reference silently dropped", () => {
    const body = JSON.parse('{"a":1,"__proto__":{"x":1}}') as unknown;
    expect(canonicalJson(body)).toBe('{"__proto__":{"x":1},"a":1}');
    expect(eventDigest(body, [])).not.toBe(eventDigest({ a: 1 }, []));
  });

  it("gives the same digest as the reference for any JSON body, keys reordered or not (property)", () => {
    // The reference assigned keys to plain objects, so a "__proto__" key changed the prototype instead.
    const key = fc
      .oneof(fc.string(), fc.constantFrom("auth_sign", "auth_timestamp", "7", "12"))
      .filter((k) => k !== "__proto__");
    const json = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string({ unit: "binary" }),
        fc.array(tie("value")),
        fc.dictionary(key, tie("value")),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(key, json), fc.subarray(["auth_sign", "auth_timestamp"]), (body, authFields) => {
        const reordered = Object.fromEntries(Object.entries(body).reverse());
        const expected = referenceDigest(body, authFields);
        expect(eventDigest(body, authFields)).toBe(expected);
        expect(eventDigest(reordered, authFields)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("reuses a key layout only for the same keys in the same order (property)", () => {
    // One auth-field list for the whole run, as a hook has, so the cached layout is hit and missed in turn.
    const authFields = ["auth_sign", "auth_timestamp"];
    const layouts = fc.array(fc.uniqueArray(fc.constantFrom("a", "b", "auth_sign", "7", "z", "auth_timestamp")), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(layouts, fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 1 }))), (keyLists, picks) => {
        for (const [pick, value] of picks) {
          const keys = keyLists[pick % keyLists.length] as string[];
          const body = Object.fromEntries(keys.map((k, i) => [k, i % 2 === 0 ? value : i]));
          expect(eventDigest(body, authFields)).toBe(referenceDigest(body, authFields));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("matches the reference for non-object bodies", () => {
    for (const v of [null, 1, "x", [3, { b: 1, a: 2 }], true])
      expect(eventDigest(v, ["auth_sign"])).toBe(referenceDigest(v, ["auth_sign"]));
  });
});

describe("idempotencyKeys", () => {
  it("gives an event with identity one key", () => {
    expect(idempotencyKeys("huawei-live", "d", false, 123_456, 60, null)).toEqual(["huawei-live:d"]);
  });

  it("puts the key time first when the body has one", () => {
    expect(idempotencyKeys("huawei-live", "d", false, 0, 60, 1583676745)).toEqual(["huawei-live:t0q6vosp:d"]);
  });

  it("gives an identity-less body the slice of arrival and the next ones", () => {
    const slice = (60 * 1000) / WINDOW_SLICES;
    const keys = idempotencyKeys("aliyun-live", "d", true, 10 * slice + 1, 60, null);
    expect(keys).toEqual(Array.from({ length: WINDOW_SLICES + 1 }, (_, i) => `aliyun-live:d:w${10 + i}`));
  });
});

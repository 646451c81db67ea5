import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, EVENT_DIGEST_HEX_DIGITS, eventDigest, TooDeeplyNestedError } from "./event-identity.js";
import { MAX_BODY_DEPTH } from "./json-depth.js";
import { VENDOR_AUTH_FIELDS, VENDORS } from "./vendors.js";

/**
 * The first implementation (sorted copies, then JSON.stringify): stored keys were computed this way, with all
 * 64 hex digits until the receiver's migration 0004 cut them to the first 32.
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
    .slice(0, EVENT_DIGEST_HEX_DIGITS);
}

/** `levels` nested arrays, the innermost empty. */
const nestedArrays = (levels: number): unknown => JSON.parse(`${"[".repeat(levels)}${"]".repeat(levels)}`);

describe("canonicalJson", () => {
  it("sorts keys at every depth and leaves out the omitted keys at the top level only", () => {
    const body = { b: 1, a: { d: [{ z: 1, y: 2 }], c: "x" }, auth_sign: "s" };
    expect(canonicalJson(body, ["auth_sign"])).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ nested: { auth_sign: "kept" } }, ["auth_sign"])).toBe('{"nested":{"auth_sign":"kept"}}');
    expect(canonicalJson([{ auth_sign: "kept" }], ["auth_sign"])).toBe('[{"auth_sign":"kept"}]');
  });

  it("orders array-index keys as JavaScript objects do", () => {
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, a: 4, "01": 5 })).toBe('{"9":3,"10":2,"01":5,"a":4,"b":1}');
  });

  // Regression: the CLI's copy of this code assigned keys to plain objects, so a "__proto__" field replaced the
  // copy's prototype and vanished from the identity, where the receiver kept it.
  it("keeps a __proto__ field, which a sorted copy made by assignment silently dropped", () => {
    const body = JSON.parse('{"a":1,"__proto__":{"x":1}}') as unknown;
    expect(canonicalJson(body)).toBe('{"__proto__":{"x":1},"a":1}');
    expect(canonicalJson({ outer: body })).toBe('{"outer":{"__proto__":{"x":1},"a":1}}');
    for (const vendor of VENDORS) expect(eventDigest(vendor, body)).not.toBe(eventDigest(vendor, { a: 1 }));
  });

  it("writes values nested up to the bound and throws TooDeeplyNestedError past it, at any depth", () => {
    expect(canonicalJson(nestedArrays(MAX_BODY_DEPTH))).toBe(
      `${"[".repeat(MAX_BODY_DEPTH)}${"]".repeat(MAX_BODY_DEPTH)}`,
    );
    for (const levels of [MAX_BODY_DEPTH + 1, 3000, 100_000]) {
      expect(() => canonicalJson(nestedArrays(levels))).toThrow(TooDeeplyNestedError);
      const objects: unknown = JSON.parse(`${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`);
      expect(() => eventDigest("huawei-rtc", objects)).toThrow(TooDeeplyNestedError);
    }
    expect(() => canonicalJson(nestedArrays(3000))).toThrow(
      expect.objectContaining({ name: "TooDeeplyNestedError", code: "too_deeply_nested" }),
    );
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
      fc.property(fc.dictionary(key, json), fc.constantFrom(...VENDORS), (body, vendor) => {
        const reordered = Object.fromEntries(Object.entries(body).reverse());
        const expected = referenceDigest(body, VENDOR_AUTH_FIELDS[vendor]);
        expect(eventDigest(vendor, body)).toBe(expected);
        expect(eventDigest(vendor, reordered)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("matches the reference for non-object bodies", () => {
    for (const v of [null, 1, "x", [3, { b: 1, a: 2 }], true])
      expect(eventDigest("huawei-live", v)).toBe(referenceDigest(v, VENDOR_AUTH_FIELDS["huawei-live"]));
  });
});

describe("eventDigest", () => {
  it("ignores key order and Huawei Live's auth fields, nothing else", () => {
    const a = { event_type: "RECORD_OVER", task_id: "t", auth_sign: "aa", auth_timestamp: 1 };
    const b = { task_id: "t", event_type: "RECORD_OVER", auth_sign: "bb", auth_timestamp: 2 };
    expect(eventDigest("huawei-live", a)).toBe(eventDigest("huawei-live", b));
    expect(eventDigest("huawei-live", a)).not.toBe(eventDigest("huawei-live", { ...a, task_id: "u" }));
    expect(eventDigest("huawei-live", a)).not.toBe(eventDigest("huawei-rtc", a));
    expect(eventDigest("aliyun-live", { push_args: { callback_user: "42" } })).toMatch(/^[0-9a-f]{32}$/);
  });
});

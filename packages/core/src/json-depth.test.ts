import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MAX_BODY_DEPTH, nestsDeeperThan } from "./json-depth.js";

/** Depth as a recursive walk counts it (fine for the small values the property generates). */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("nestsDeeperThan", () => {
  test("agrees with a recursive depth count on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => {
        expect(nestsDeeperThan(value, limit)).toBe(depthOf(value) > limit);
      }),
    );
  });

  test("scalars and flat vendor bodies are within the bound", () => {
    expect(nestsDeeperThan("x", 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({ a: 1, push_args: { callback_user: "42" } }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: { b: {} } }, 2)).toBe(true);
  });

  test("JSON.parse survives 3,000 and 1,000,000 levels, and the check answers without recursing", () => {
    for (const depth of [3000, 1_000_000]) {
      const arrays: unknown = JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);
      expect(nestsDeeperThan(arrays, MAX_BODY_DEPTH)).toBe(true);
      const objects: unknown = JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
      expect(nestsDeeperThan(objects, MAX_BODY_DEPTH)).toBe(true);
    }
    const exact: unknown = JSON.parse(`${"[".repeat(MAX_BODY_DEPTH)}${"]".repeat(MAX_BODY_DEPTH)}`);
    expect(nestsDeeperThan(exact, MAX_BODY_DEPTH)).toBe(false);
  });
});

import ts from "typescript";
import { describe, expect, test } from "vitest";
import * as primitives from "../src/guard-primitives.js";
import { renderGuardModule } from "./guard-codegen.js";
import type { JsonSchema } from "./zod-codegen.js";

/** Evaluates a generated module as a consumer would import it, compiled by TypeScript to CommonJS. */
function load(schemas: Record<string, JsonSchema>): Record<string, (value: unknown) => boolean> {
  const { source } = renderGuardModule(schemas, "// test", "test.schemas.js");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const exports: Record<string, (value: unknown) => boolean> = {};
  const require = (id: string) => {
    if (id !== "../guard-primitives.js") throw new Error(`unexpected import ${id}`);
    return primitives;
  };
  new Function("require", "exports", js)(require, exports);
  return exports;
}

describe("renderGuardModule", () => {
  test("objects, bounds, patterns, enums, nullables and references", () => {
    const guards = load({
      Kind: { type: "string", enum: ["a", "b", "c", "d", "e"] },
      Item: {
        type: "object",
        required: ["kind", "n"],
        additionalProperties: false,
        properties: {
          kind: { $ref: "#/components/schemas/Kind" },
          n: { type: "integer", minimum: 1, exclusiveMaximum: 10 },
          label: { type: ["string", "null"], pattern: "^[a-z]+$", maxLength: 3 },
          tags: { type: "array", items: { type: "string" }, maxItems: 2 },
          mode: { type: "string", enum: ["x", "y"], default: "x" },
        },
      },
    });
    expect(guards.isKind?.("e")).toBe(true);
    expect(guards.isKind?.("f")).toBe(false);
    const item = guards.isItem as (v: unknown) => boolean;
    expect(item({ kind: "a", n: 1 })).toBe(true);
    expect(item({ kind: "a", n: 9, label: null, tags: ["t"], mode: "y" })).toBe(true);
    expect(item({ kind: "a", n: 10 })).toBe(false);
    expect(item({ kind: "a", n: 1.5 })).toBe(false);
    expect(item({ kind: "a", n: 1, label: "abcd" })).toBe(false);
    expect(item({ kind: "a", n: 1, label: "AB" })).toBe(false);
    expect(item({ kind: "a", n: 1, tags: ["a", "b", "c"] })).toBe(false);
    expect(item({ kind: "a", n: 1, extra: true })).toBe(false);
    expect(item({ n: 1 })).toBe(false);
    expect(item([])).toBe(false);
  });

  test("open objects accept unknown keys; typed additional properties are checked, __proto__ skipped as zod does", () => {
    const guards = load({
      Open: { type: "object", additionalProperties: true, properties: { a: { type: "string" } } },
      Numbers: { type: "object", additionalProperties: { type: "number" } },
    });
    expect(guards.isOpen?.({ a: "x", b: [1] })).toBe(true);
    expect(guards.isNumbers?.({ x: 1, y: 2.5 })).toBe(true);
    expect(guards.isNumbers?.({ x: "1" })).toBe(false);
    expect(guards.isNumbers?.(JSON.parse('{"__proto__":"x","y":1}'))).toBe(true);
  });

  test("what the zod codegen refuses, the guard codegen refuses too", () => {
    expect(() => load({ X: { type: "string", contentEncoding: "base64" } as JsonSchema })).toThrow(/contentEncoding/);
    expect(() => load({ X: { $ref: "#/components/schemas/Missing" } })).toThrow(/Missing/);
    expect(() =>
      load({ X: { allOf: [{ type: "object", properties: { a: { type: "string", default: "x" } } }] } }),
    ).toThrow(/defaults inside allOf/);
  });
});

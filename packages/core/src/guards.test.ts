import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { z } from "zod";
import type { JsonSchema } from "../scripts/zod-codegen.js";
import * as generated from "./generated/index.js";

type Document = { components?: { schemas?: Record<string, JsonSchema> } };

const exported = generated as unknown as Record<string, unknown>;
const REF = "#/components/schemas/";

/**
 * Values shaped by a schema: valid ones for the most part (patterns, bounds and required keys respected), with
 * unknown keys beside the declared ones and the edge values (bounds, empty strings, null) fast-check favours.
 */
function shaped(schema: JsonSchema, schemas: Record<string, JsonSchema>): fc.Arbitrary<unknown> {
  if (schema.$ref) return shaped(schemas[schema.$ref.slice(REF.length)] as JsonSchema, schemas);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.oneOf ?? schema.anyOf;
  if (union) return fc.oneof(...union.map((s) => shaped(s, schemas)));
  if (schema.allOf) {
    return fc
      .tuple(...schema.allOf.map((s) => shaped(s, schemas)))
      .map((parts) => Object.assign({}, ...parts.filter((p) => typeof p === "object" && p !== null)));
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? (schema.properties ? "object" : "any")];
  return fc.oneof(...types.map((t) => shapedType(t, schema, schemas)));
}

function shapedType(type: string, schema: JsonSchema, schemas: Record<string, JsonSchema>): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: schema.maxLength ?? 12 });
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(shaped(schema.items as JsonSchema, schemas), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case "object": {
      const required = schema.required ?? [];
      const declared = fc.record(
        Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, shaped(s, schemas)])),
        { requiredKeys: required },
      );
      const extra = schema.additionalProperties;
      if (extra === undefined || extra === false) return declared;
      const extraValue = extra === true ? fc.jsonValue({ maxDepth: 2 }) : shaped(extra, schemas);
      return fc
        .tuple(declared, fc.dictionary(fc.string({ maxLength: 6 }), extraValue, { maxKeys: 2 }))
        .map(([d, e]) => ({ ...e, ...d }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** One change somewhere inside a value: a replaced, removed or added member, at any depth. */
function mutated(value: unknown): fc.Arbitrary<unknown> {
  const replacement = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(null, "", 0, -1, 1.5, 2 ** 53, "__proto__", true, [], {}),
  );
  return fc
    .tuple(fc.nat(), fc.nat(), replacement, fc.string({ maxLength: 6 }))
    .map(([pathSeed, op, newValue, newKey]) => {
      const copy: unknown = structuredClone(value);
      let target: unknown = copy;
      let seed = pathSeed;
      // Walk down a few levels, picking members by the seed.
      for (let depth = 0; depth < 3; depth++) {
        if (typeof target !== "object" || target === null) break;
        const keys = Object.keys(target);
        if (keys.length === 0 || seed % 3 === 0) break;
        const next = (target as Record<string, unknown>)[keys[seed % keys.length] as string];
        if (typeof next !== "object" || next === null) break;
        target = next;
        seed = Math.floor(seed / 7);
      }
      if (typeof target !== "object" || target === null) return newValue;
      const keys = Object.keys(target);
      const key = keys.length > 0 ? (keys[seed % keys.length] as string) : newKey;
      const record = target as Record<string, unknown>;
      if (op % 3 === 0) {
        if (Array.isArray(target)) target.splice(seed % Math.max(1, target.length), 1);
        else delete record[key];
      } else if (op % 3 === 1) record[key] = newValue;
      else if (Array.isArray(target)) target.push(newValue);
      else
        Object.defineProperty(record, newKey, {
          value: newValue,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return copy;
    });
}

type Case = { file: string; name: string; schema: JsonSchema; schemas: Record<string, JsonSchema> };
const cases: Case[] = [];
for (const file of generated.OPENAPI_DOCUMENTS) {
  const json = readFileSync(new URL(`../openapi/${file.replace(/\.yaml$/, ".json")}`, import.meta.url), "utf8");
  const schemas = (JSON.parse(json) as Document).components?.schemas ?? {};
  for (const [name, schema] of Object.entries(schemas)) cases.push({ file, name, schema, schemas });
}

describe("every generated guard agrees with its zod schema", () => {
  test("each schema has a guard", () => {
    expect(cases.length).toBeGreaterThan(50);
    for (const { name } of cases) expect(typeof exported[`is${name}`], name).toBe("function");
  });

  test.each(cases)("$file $name: on shaped, mutated and arbitrary JSON values", ({ name, schema, schemas }) => {
    const zodSchema = exported[name] as z.ZodType;
    const guard = exported[`is${name}`] as (value: unknown) => boolean;
    const valid = shaped(schema, schemas);
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(valid, valid.chain(mutated), fc.jsonValue({ maxDepth: 3 })), (value) => {
        const expected = zodSchema.safeParse(value).success;
        expect(guard(value), JSON.stringify(value)).toBe(expected);
        if (expected) accepted++;
        else refused++;
      }),
      { numRuns: 300 },
    );
    // Both answers were exercised, so the agreement above says something about each.
    expect(accepted, "values the schema accepts").toBeGreaterThan(20);
    if (schema.type !== undefined || schema.enum !== undefined || schema.$ref !== undefined) {
      expect(refused, "values the schema refuses").toBeGreaterThan(20);
    }
  });
});

describe("beyond JSON a guard is stricter, never looser", () => {
  test("an object with a symbol key or a foreign prototype", () => {
    const body = {
      project_id: "p",
      task_id: "t",
      event_type: "RECORD_OVER",
      publish_domain: "d",
      app: "a",
      stream: "s",
    };
    expect(generated.isHuaweiLiveRecordCallback(body)).toBe(true);
    const withSymbol = { ...body, [Symbol("x")]: 1 };
    expect(generated.HuaweiLiveRecordCallback.safeParse(withSymbol).success).toBe(true);
    expect(generated.isHuaweiLiveRecordCallback(withSymbol)).toBe(false);
    const dense = { ...body, notify_event_subscription: ["RECORD_OVER", "RECORD_FAILED"] };
    expect(generated.isHuaweiLiveRecordCallbackConfigRequest({ ...dense, key: "k" })).toBe(true);
    const holes = { ...body, notify_event_subscription: new Array(2) };
    expect(generated.HuaweiLiveRecordCallbackConfigRequest.safeParse({ ...holes, key: "k" }).success).toBe(false);
    expect(generated.isHuaweiLiveRecordCallbackConfigRequest({ ...holes, key: "k" })).toBe(false);
    class Event {
      project_id = "p";
      task_id = "t";
      event_type = "RECORD_OVER";
      publish_domain = "d";
      app = "a";
      stream = "s";
    }
    expect(generated.isHuaweiLiveRecordCallback(new Event())).toBe(
      generated.HuaweiLiveRecordCallback.safeParse(new Event()).success,
    );
  });
});

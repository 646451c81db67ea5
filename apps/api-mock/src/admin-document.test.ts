import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { z } from "zod";
import * as generated from "./generated/index.js";

// The admin document's examples are its promises to readers: each one must pass the zod schema generated from it
// (core's schema-examples test does the same for the vendor documents).

type Node = Record<string, unknown>;
type Case = { name: string; schemaName: string; example: unknown };
const REF = "#/components/schemas/";
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;

/** Examples on schemas, on media types beside a `$ref` schema, and in named `examples` maps. */
function collect(node: unknown, where: string, into: Case[], schemaName?: string): void {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) collect(item, `${where}[${i}]`, into);
    return;
  }
  if (!isNode(node)) return;
  const schema = node.schema;
  const name =
    schemaName ?? (isNode(schema) && typeof schema.$ref === "string" ? schema.$ref.slice(REF.length) : undefined);
  if (name !== undefined && !name.includes("/")) {
    if ("example" in node) into.push({ name: `${where} example`, schemaName: name, example: node.example });
    if (Array.isArray(node.examples)) {
      for (const [i, example] of node.examples.entries()) {
        into.push({ name: `${where} examples[${i}]`, schemaName: name, example });
      }
    } else if (isNode(node.examples)) {
      for (const [key, value] of Object.entries(node.examples)) {
        if (isNode(value) && "value" in value) {
          into.push({ name: `${where} examples.${key}`, schemaName: name, example: value.value });
        }
      }
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "example" || key === "examples") continue;
    collect(value, `${where}.${key}`, into, where.endsWith("components.schemas") ? key : undefined);
  }
}

const exported = generated as unknown as Record<string, z.ZodType | undefined>;
const cases: Case[] = [];
for (const file of generated.OPENAPI_DOCUMENTS) {
  const json = readFileSync(new URL(`../openapi/${file.replace(/\.yaml$/, ".json")}`, import.meta.url), "utf8");
  collect(JSON.parse(json), file, cases);
}

describe("every example in the admin document passes the zod schema generated from it", () => {
  test("the document carries examples", () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  test.each(cases)("$name", ({ schemaName, example }) => {
    const schema = exported[schemaName];
    expect(schema, `no zod export named ${schemaName}`).toBeDefined();
    const result = schema?.safeParse(example);
    expect(result?.success, JSON.stringify(result?.error?.issues)).toBe(true);
  });
});

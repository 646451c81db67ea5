import { describe, expect, test } from "vitest";
import { z } from "zod";
import { dependencyOrder, enumConstName, type JsonSchema, renderZodModule, zodExpression } from "./zod-codegen.js";

/** Evaluates generated source the way a consumer would import it. */
async function load(source: string): Promise<Record<string, z.ZodType>> {
  const body = source
    .replace('import { z } from "zod";', "")
    .replace(/export type [^\n]*\n/g, "")
    .replace(/export const (\w+) =/g, "const $1 = exports.$1 =")
    .replaceAll(" as const;", ";");
  const exports: Record<string, z.ZodType> = {};
  new Function("z", "exports", body)(z, exports);
  return exports;
}

describe("zodExpression", () => {
  test("strings, integers and arrays carry their bounds", () => {
    expect(zodExpression({ type: "string", minLength: 1, maxLength: 5, pattern: "^a+$" }, "s")).toBe(
      'z.string().min(1).max(5).regex(new RegExp("^a+$"))',
    );
    expect(zodExpression({ type: "integer", minimum: 0, maximum: 4096 }, "i")).toBe("z.int().min(0).max(4096)");
    expect(zodExpression({ type: "array", items: { $ref: "#/components/schemas/E" }, maxItems: 4 }, "a")).toBe(
      "z.array(E).max(4)",
    );
  });

  test("keywords outside the supported subset are refused, not ignored", () => {
    expect(() => zodExpression({ type: "string", contentEncoding: "base64" } as JsonSchema, "x")).toThrow(
      /contentEncoding/,
    );
    expect(() => zodExpression({ $ref: "other.yaml#/X" }, "x")).toThrow(/unsupported \$ref/);
    expect(() => zodExpression({ type: ["string", "integer"] }, "x")).toThrow(/type arrays/);
    expect(() => zodExpression({ type: "object", required: ["a"], properties: {} }, "o")).toThrow(
      /required property "a"/,
    );
  });
});

describe("renderZodModule", () => {
  const schemas: Record<string, JsonSchema> = {
    Config: {
      type: "object",
      required: ["domain"],
      properties: {
        domain: { type: "string", minLength: 1 },
        sign_type: { $ref: "#/components/schemas/SignType" },
        events: { type: "array", items: { type: "string" }, default: ["A"] },
      },
    },
    SignType: { type: "string", enum: ["MD5", "HMACSHA256"] },
    Callback: { type: "object", additionalProperties: true, properties: { event: { type: "string" } } },
  };

  test("orders schemas after their dependencies and names enum arrays", () => {
    expect(dependencyOrder(schemas)).toEqual(["SignType", "Config", "Callback"]);
    expect(enumConstName("HuaweiLiveSignType")).toBe("HUAWEI_LIVE_SIGN_TYPE_VALUES");
    expect(() => dependencyOrder({ A: { $ref: "#/components/schemas/B" } })).toThrow(/missing schema B/);
  });

  test("the generated schemas validate, apply defaults and keep unknown callback fields", async () => {
    const module = renderZodModule(schemas, "// header");
    expect(module.enumConstNames).toEqual(["SIGN_TYPE_VALUES"]);
    expect(module.inputTypeNames).toEqual(["ConfigInput"]);
    const { Config, Callback } = await load(module.source);
    expect(Config?.parse({ domain: "d" })).toEqual({ domain: "d", events: ["A"] });
    expect(Config?.safeParse({ domain: "" }).success).toBe(false);
    expect(Config?.safeParse({ domain: "d", sign_type: "SHA1" }).success).toBe(false);
    expect(Callback?.parse({ event: "x", added_by_vendor: 1 })).toEqual({ event: "x", added_by_vendor: 1 });
    expect(Callback?.safeParse({ event: 1 }).success).toBe(false);
  });
});

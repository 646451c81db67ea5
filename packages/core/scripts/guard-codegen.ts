/**
 * Turns the `components.schemas` of an OpenAPI 3.1 document into type guards: per schema X, a function
 * `isX(value)` that is true exactly when the generated zod schema X accepts `value` (`X.safeParse(value).success`)
 * for any JSON value, without building zod's output copy or its issues. A receiver checks every event: it asks the
 * guard first and runs zod only for the rare body that fails, to report why. Beyond JSON (class instances, symbol
 * keys) a guard may answer false where zod accepts, never the other way round.
 *
 * It mirrors zod-codegen.ts keyword by keyword (the same subset, the same refusals), so each guard checks what its
 * zod schema checks: `format` and `uniqueItems` are documentation there, and so here. guards.test.ts holds the two
 * together on generated and mutated values of every schema of every document.
 */
import { dependencyOrder, type JsonSchema, refName, zodExpression } from "./zod-codegen.js";

export const guardName = (schemaName: string): string => `is${schemaName}`;

const literal = (value: unknown): string => JSON.stringify(value);

/** Collects the module-level constants and helper functions a module's guards share. */
class GuardModuleWriter {
  private readonly hoisted: string[] = [];
  /** Declarations by their text without the name, so two fields with one pattern share one RegExp. */
  private readonly byText = new Map<string, string>();
  private counter = 0;

  constructor(private readonly schemas: Record<string, JsonSchema>) {}

  hoist(prefix: string, source: (name: string) => string): string {
    const text = source("$");
    const existing = this.byText.get(text);
    if (existing !== undefined) return existing;
    const name = `${prefix}${++this.counter}`;
    this.byText.set(text, name);
    this.hoisted.push(source(name));
    return name;
  }

  get declarations(): readonly string[] {
    return this.hoisted;
  }

  /** A boolean expression testing `x`, which must be a plain identifier (it is read more than once). */
  test(schema: JsonSchema, x: string, where: string): string {
    if (schema.$ref) {
      const name = refName(schema.$ref);
      if (!this.schemas[name]) throw new Error(`${where}: $ref to missing schema ${name}`);
      return `${guardName(name)}(${x})`;
    }
    if (schema.const !== undefined) return `${x} === ${literal(schema.const)}`;
    if (schema.enum) return this.enumTest(schema.enum as string[], x);
    const union = schema.oneOf ?? schema.anyOf;
    if (union) return `(${union.map((s, i) => this.test(s, x, `${where}|${i}`)).join(" || ")})`;
    if (schema.allOf) {
      for (const [i, member] of schema.allOf.entries()) {
        // zod merges the outputs of an intersection; two defaults for one key could conflict where the inputs
        // do not, which a guard that never builds outputs cannot see.
        if (Object.values(member.properties ?? {}).some((p) => p.default !== undefined))
          throw new Error(`${where}&${i}: defaults inside allOf are not supported by the guard codegen`);
      }
      return `(${schema.allOf.map((s, i) => this.test(s, x, `${where}&${i}`)).join(" && ")})`;
    }
    if (Array.isArray(schema.type)) {
      const only = schema.type.find((t) => t !== "null") as string;
      const base = this.typeTest(only, schema, x, where);
      return schema.type.includes("null") ? `(${x} === null || ${base})` : base;
    }
    if (schema.type === undefined) return schema.properties ? `${this.objectFunction(schema, where)}(${x})` : "true";
    return this.typeTest(schema.type, schema, x, where);
  }

  private enumTest(values: readonly string[], x: string): string {
    if (values.length <= 4) return `(${values.map((v) => `${x} === ${literal(v)}`).join(" || ")})`;
    const set = this.hoist("VALUES_", (n) => `const ${n}: ReadonlySet<unknown> = new Set(${literal(values)});`);
    return `${set}.has(${x})`;
  }

  private typeTest(type: string, schema: JsonSchema, x: string, where: string): string {
    const parts: string[] = [];
    switch (type) {
      case "string":
        parts.push(`typeof ${x} === "string"`);
        if (schema.minLength !== undefined) parts.push(`${x}.length >= ${schema.minLength}`);
        if (schema.maxLength !== undefined) parts.push(`${x}.length <= ${schema.maxLength}`);
        if (schema.pattern !== undefined) {
          const re = this.hoist("PATTERN_", (n) => `const ${n} = new RegExp(${literal(schema.pattern)});`);
          parts.push(`${re}.test(${x})`);
        }
        break;
      case "integer":
      case "number":
        // z.int() accepts safe integers only; z.number() finite numbers only.
        parts.push(type === "integer" ? `Number.isSafeInteger(${x})` : `Number.isFinite(${x})`);
        if (schema.minimum !== undefined) parts.push(`(${x} as number) >= ${schema.minimum}`);
        if (schema.maximum !== undefined) parts.push(`(${x} as number) <= ${schema.maximum}`);
        if (schema.exclusiveMinimum !== undefined) parts.push(`(${x} as number) > ${schema.exclusiveMinimum}`);
        if (schema.exclusiveMaximum !== undefined) parts.push(`(${x} as number) < ${schema.exclusiveMaximum}`);
        break;
      case "boolean":
        parts.push(`typeof ${x} === "boolean"`);
        break;
      case "null":
        parts.push(`${x} === null`);
        break;
      case "array": {
        parts.push(`Array.isArray(${x})`);
        if (schema.minItems !== undefined) parts.push(`${x}.length >= ${schema.minItems}`);
        if (schema.maxItems !== undefined) parts.push(`${x}.length <= ${schema.maxItems}`);
        const item = this.test(schema.items as JsonSchema, "item", `${where}[]`);
        if (item !== "true") parts.push(`everyItem(${x}, (item) => ${item})`);
        break;
      }
      case "object":
        return `${this.objectFunction(schema, where)}(${x})`;
      default:
        throw new Error(`${where}: type "${type}" is not supported`);
    }
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" && ")})`;
  }

  /**
   * An object check as a function, since its properties are checked in statements: exported as the guard of a
   * named object schema, else hoisted and called. It covers what zod-codegen writes for objects: z.object,
   * z.strictObject, or z.object & z.record(z.string(), T).
   */
  objectFunction(schema: JsonSchema, where: string, exportedAs?: { name: string; predicate: string }): string {
    const required = new Set(schema.required ?? []);
    const lines: string[] = ["if (!isObject(value)) return false;"];
    const entries = Object.entries(schema.properties ?? {});
    for (const [i, [name, sub]] of entries.entries()) {
      const v = `p${i}`;
      const test = this.test(sub, v, `${where}.${name}`);
      if (test === "true") continue;
      const optional = sub.default !== undefined || !required.has(name);
      lines.push(`const ${v} = value[${literal(name)}];`);
      lines.push(
        optional ? `if (${v} !== undefined && !${wrap(test)}) return false;` : `if (!${wrap(test)}) return false;`,
      );
    }
    const extra = schema.additionalProperties;
    if (extra === false) {
      const known = this.hoist(
        "KNOWN_",
        (n) => `const ${n}: ReadonlySet<string> = new Set(${literal(entries.map(([k]) => k))});`,
      );
      lines.push(`if (!hasOnlyKeys(value, ${known})) return false;`);
    } else if (extra === true || typeof extra === "object") {
      lines.push("if (!isPlainRecord(value)) return false;");
      if (typeof extra === "object") {
        const test = this.test(extra, "item", `${where}[*]`);
        if (test !== "true") lines.push(`if (!everyValue(value, (item) => ${test})) return false;`);
      }
    }
    lines.push("return true;");
    const body = lines.map((l) => `  ${l}`).join("\n");
    if (exportedAs !== undefined) {
      return `export function ${exportedAs.name}(value: unknown): value is ${exportedAs.predicate} {\n${body}\n}`;
    }
    return this.hoist("object", (n) => `function ${n}(value: unknown): boolean {\n${body}\n}`);
  }
}

const wrap = (test: string): string => `(${test})`;

export type GuardModule = { source: string; guardNames: string[] };

/** Emits one module of guards, `is<Schema>` for every schema, typed as predicates on zod's input types. */
export function renderGuardModule(
  schemas: Record<string, JsonSchema>,
  header: string,
  schemasModule: string,
): GuardModule {
  const writer = new GuardModuleWriter(schemas);
  const blocks: string[] = [];
  const guardNames: string[] = [];
  for (const name of dependencyOrder(schemas)) {
    const schema = schemas[name] as JsonSchema;
    // zod-codegen refuses what it cannot express; no guard is written for a schema that has no zod twin.
    zodExpression(schema, name);
    const fn = guardName(name);
    guardNames.push(fn);
    const predicate = `z.input<typeof schemas.${name}>`;
    const doc = `/** True exactly when \`${name}.safeParse(value).success\` for a JSON value, at a fraction of its cost. */\n`;
    const isObjectShape =
      (schema.type === "object" || (schema.type === undefined && schema.properties !== undefined)) &&
      !schema.enum &&
      schema.const === undefined;
    if (isObjectShape) {
      blocks.push(doc + writer.objectFunction(schema, name, { name: fn, predicate }));
    } else {
      const test = writer.test(schema, "value", name);
      blocks.push(`${doc}export function ${fn}(value: unknown): value is ${predicate} {\n  return ${test};\n}`);
    }
  }
  const usesHelpers = ["isObject", "isPlainRecord", "hasOnlyKeys", "everyItem", "everyValue"];
  const all = [...writer.declarations, ...blocks].join("\n\n");
  const helpers = usesHelpers.filter((h) => new RegExp(`\\b${h}\\(`).test(all));
  const imports = [
    helpers.length > 0 ? `import { ${helpers.join(", ")} } from "../guard-primitives.js";` : "",
    'import type { z } from "zod";',
    `import type * as schemas from "./${schemasModule}";`,
  ]
    .filter((l) => l !== "")
    .join("\n");
  return { source: `${header}\n${imports}\n\n${all}\n`, guardNames };
}

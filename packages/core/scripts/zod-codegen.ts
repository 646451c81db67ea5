/**
 * Turns the `components.schemas` of an OpenAPI 3.1 document into zod v4 source.
 *
 * Hand-written on purpose: the generators that exist either target zod v3 or need Node 22,
 * and the subset of JSON Schema our documents use is small. Anything outside that subset
 * is an error, so a document can never silently produce a looser schema than it states.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
  [extension: string]: unknown;
};

const SUPPORTED_KEYWORDS = new Set([
  "$ref",
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "oneOf",
  "anyOf",
  "allOf",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "uniqueItems",
  "default",
  "description",
  "title",
  "format",
  "example",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "discriminator",
  "externalDocs",
]);

const REF_PREFIX = "#/components/schemas/";

export function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref}: only ${REF_PREFIX}* is supported`);
  return ref.slice(REF_PREFIX.length);
}

/** `HuaweiLiveSignType` -> `HUAWEI_LIVE_SIGN_TYPE_VALUES`: the `as const` array behind a named enum. */
export function enumConstName(schemaName: string): string {
  return `${schemaName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_VALUES`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const propertyKey = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
const literal = (value: unknown): string => JSON.stringify(value);

function collectRefs(schema: JsonSchema, into: Set<string>): Set<string> {
  if (schema.$ref) into.add(refName(schema.$ref));
  for (const sub of Object.values(schema.properties ?? {})) collectRefs(sub, into);
  for (const sub of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) collectRefs(sub, into);
  if (schema.items) collectRefs(schema.items, into);
  if (typeof schema.additionalProperties === "object") collectRefs(schema.additionalProperties, into);
  return into;
}

/** Schema names in an order where every schema comes after the ones it refers to. */
export function dependencyOrder(schemas: Record<string, JsonSchema>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting")
      throw new Error(`recursive schemas are not supported: ${[...path, name].join(" -> ")}`);
    const schema = schemas[name];
    if (!schema) throw new Error(`$ref to missing schema ${name} (from ${path.at(-1) ?? "?"})`);
    state.set(name, "visiting");
    for (const dep of [...collectRefs(schema, new Set())].sort()) visit(dep, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of Object.keys(schemas)) visit(name, []);
  return order;
}

function checkKeywords(schema: JsonSchema, where: string): void {
  for (const key of Object.keys(schema)) {
    if (!SUPPORTED_KEYWORDS.has(key) && !key.startsWith("x-")) {
      throw new Error(`${where}: keyword "${key}" is not supported by the zod codegen`);
    }
  }
}

function withBounds(base: string, schema: JsonSchema, kind: "string" | "number" | "array"): string {
  let out = base;
  if (kind === "string") {
    if (schema.minLength !== undefined) out += `.min(${schema.minLength})`;
    if (schema.maxLength !== undefined) out += `.max(${schema.maxLength})`;
    if (schema.pattern !== undefined) out += `.regex(new RegExp(${literal(schema.pattern)}))`;
  } else if (kind === "number") {
    if (schema.minimum !== undefined) out += `.min(${schema.minimum})`;
    if (schema.maximum !== undefined) out += `.max(${schema.maximum})`;
    if (schema.exclusiveMinimum !== undefined) out += `.gt(${schema.exclusiveMinimum})`;
    if (schema.exclusiveMaximum !== undefined) out += `.lt(${schema.exclusiveMaximum})`;
  } else {
    if (schema.minItems !== undefined) out += `.min(${schema.minItems})`;
    if (schema.maxItems !== undefined) out += `.max(${schema.maxItems})`;
  }
  return out;
}

function objectExpression(schema: JsonSchema, where: string): string {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).map(([name, sub]) => {
    let expr = zodExpression(sub, `${where}.${name}`);
    if (sub.default !== undefined) expr += `.default(${literal(sub.default)})`;
    else if (!required.has(name)) expr += ".optional()";
    return `  ${propertyKey(name)}: ${expr},`;
  });
  for (const name of required) {
    if (!schema.properties?.[name]) throw new Error(`${where}: required property "${name}" is not declared`);
  }
  const shape = entries.length === 0 ? "{}" : `{\n${entries.join("\n")}\n}`;
  const extra = schema.additionalProperties;
  if (extra === false) return `z.strictObject(${shape})`;
  // An intersection with a record, rather than z.looseObject, keeps unknown keys at run time and infers
  // the very type openapi-typescript writes (`{ …known } & { [key: string]: T }`), so the type tests hold.
  if (extra === true || typeof extra === "object") {
    const record = `z.record(z.string(), ${extra === true ? "z.unknown()" : zodExpression(extra, `${where}[*]`)})`;
    return entries.length === 0 ? record : `z.intersection(z.object(${shape}), ${record})`;
  }
  return `z.object(${shape})`;
}

function typeExpression(type: string, schema: JsonSchema, where: string): string {
  switch (type) {
    case "string":
      return withBounds("z.string()", schema, "string");
    case "integer":
      return withBounds("z.int()", schema, "number");
    case "number":
      return withBounds("z.number()", schema, "number");
    case "boolean":
      return "z.boolean()";
    case "null":
      return "z.null()";
    case "array":
      if (!schema.items) throw new Error(`${where}: an array needs items`);
      return withBounds(`z.array(${zodExpression(schema.items, `${where}[]`)})`, schema, "array");
    case "object":
      return objectExpression(schema, where);
    default:
      throw new Error(`${where}: type "${type}" is not supported`);
  }
}

export function zodExpression(schema: JsonSchema, where: string): string {
  checkKeywords(schema, where);
  if (schema.$ref) return refName(schema.$ref);
  if (schema.const !== undefined) return `z.literal(${literal(schema.const)})`;
  if (schema.enum) {
    if (!schema.enum.every((v) => typeof v === "string")) throw new Error(`${where}: only string enums are supported`);
    return `z.enum(${literal(schema.enum)})`;
  }
  const union = schema.oneOf ?? schema.anyOf;
  if (union) {
    if (schema.type !== undefined || schema.properties)
      throw new Error(`${where}: oneOf/anyOf beside type is not supported`);
    return `z.union([${union.map((s, i) => zodExpression(s, `${where}|${i}`)).join(", ")}])`;
  }
  if (schema.allOf) {
    const [first, ...rest] = schema.allOf.map((s, i) => zodExpression(s, `${where}&${i}`));
    if (!first) throw new Error(`${where}: empty allOf`);
    return rest.reduce((acc, expr) => `z.intersection(${acc}, ${expr})`, first);
  }
  if (Array.isArray(schema.type)) {
    const nonNull = schema.type.filter((t) => t !== "null");
    const [only] = nonNull;
    if (nonNull.length !== 1 || only === undefined)
      throw new Error(`${where}: only [T, "null"] type arrays are supported`);
    const base = typeExpression(only, schema, where);
    return schema.type.includes("null") ? `${base}.nullable()` : base;
  }
  if (schema.type === undefined) {
    if (schema.properties) return objectExpression(schema, where);
    return "z.unknown()";
  }
  return typeExpression(schema.type, schema, where);
}

function docComment(schema: JsonSchema): string {
  const text = schema.description?.trim().split("\n")[0]?.trim();
  return text ? `/** ${text.replaceAll("*/", "*\\/")} */\n` : "";
}

export type SchemaModule = {
  source: string;
  schemaNames: string[];
  enumConstNames: string[];
  inputTypeNames: string[];
};

const hasDefaults = (schema: JsonSchema): boolean =>
  Object.values(schema.properties ?? {}).some((p) => p.default !== undefined);

/** Emits one module: per schema an exported zod const and a type of the same name (zod's convention). */
export function renderZodModule(schemas: Record<string, JsonSchema>, header: string): SchemaModule {
  const blocks: string[] = [];
  const enumConstNames: string[] = [];
  const inputTypeNames: string[] = [];
  const order = dependencyOrder(schemas);
  for (const name of order) {
    const schema = schemas[name] as JsonSchema;
    const comment = docComment(schema);
    if (schema.enum && (schema.type === "string" || schema.type === undefined)) {
      const constName = enumConstName(name);
      enumConstNames.push(constName);
      blocks.push(
        `${comment}export const ${constName} = ${literal(schema.enum)} as const;\n` +
          `${comment}export const ${name} = z.enum(${constName});\n` +
          `export type ${name} = z.infer<typeof ${name}>;`,
      );
      continue;
    }
    let block = `${comment}export const ${name} = ${zodExpression(schema, name)};\nexport type ${name} = z.infer<typeof ${name}>;`;
    if (hasDefaults(schema)) {
      inputTypeNames.push(`${name}Input`);
      block += `\n/** What a client may send: fields with a default may be left out. */\nexport type ${name}Input = z.input<typeof ${name}>;`;
    }
    blocks.push(block);
  }
  const source = `${header}\nimport { z } from "zod";\n\n${blocks.join("\n\n")}\n`;
  return { source, schemaNames: order, enumConstNames, inputTypeNames };
}

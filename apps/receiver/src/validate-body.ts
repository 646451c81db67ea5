/**
 * Schema validation with core's generated zod schemas. Vendors add fields without notice, so unknown fields
 * are never an error: they are listed (and counted) and the body is stored exactly as received.
 *
 * zod alone decides. Core used to generate beside each schema a guard giving zod's verdict without zod's output
 * copy, asked first here; measured on the Huawei Live body, the guard took 0.2–0.4 µs and safeParse of the
 * object half (planFor) 0.55 µs: about 0.3 µs of some 52 µs of event-loop CPU per event, under 1%, and an
 * end-to-end run without the guard was no slower. Generated code has to earn its keep (issue 16), so it went.
 */
import type { z } from "zod";

/** A generated zod schema from @livehook/core (`HuaweiLiveRecordCallback` and the rest). */
export type CallbackSchema = z.ZodType;

type Plan = { target: z.ZodType; known: Set<string> | undefined };

const plans = new WeakMap<z.ZodType, Plan>();

/**
 * How to validate against a generated schema. Core writes "object with additional properties" as
 * `object & record(string, unknown)`; the record half accepts every object, so validating the object half
 * alone gives the same verdict and issues without zod building and merging a second copy of the body.
 */
function planFor(schema: z.ZodType): Plan {
  const cached = plans.get(schema);
  if (cached !== undefined) return cached;
  // `def` is zod 4's public description of a schema (`.def.type`, an intersection's `left` and `right`).
  const def = schema.def;
  let target = schema;
  if (def.type === "intersection") {
    const { left, right } = def as z.core.$ZodIntersectionDef<z.ZodType, z.ZodType>;
    if (left.def.type === "object" && right.def.type === "record") target = left;
  }
  const known = target.def.type === "object" ? new Set(Object.keys((target as z.ZodObject).shape)) : undefined;
  const plan = { target, known };
  plans.set(schema, plan);
  return plan;
}

/** The declared property names of an object schema, or of the object half of `object & record(string, unknown)`. */
export function knownKeys(schema: z.ZodType): Set<string> | undefined {
  return planFor(schema).known;
}

export type Validation = {
  valid: boolean;
  issues: { path: (string | number)[]; code: string; message: string }[];
  unknownFields: string[];
};

// Shared by every valid event, so frozen: a caller that tried to add to one would throw, not corrupt the next.
const NO_ISSUES = Object.freeze([]) as unknown as Validation["issues"];
const NO_FIELDS = Object.freeze([]) as unknown as string[];

function unknownFieldsOf(body: unknown, known: Set<string> | undefined): string[] {
  if (known === undefined || typeof body !== "object" || body === null || Array.isArray(body)) return NO_FIELDS;
  let unknown: string[] | undefined;
  for (const key of Object.keys(body)) {
    if (known.has(key)) continue;
    if (unknown === undefined) unknown = [key];
    else unknown.push(key);
  }
  return unknown ?? NO_FIELDS;
}

export function validateBody(schema: CallbackSchema, body: unknown): Validation {
  const plan = planFor(schema);
  const unknownFields = unknownFieldsOf(body, plan.known);
  const result = plan.target.safeParse(body);
  const issues = result.success
    ? NO_ISSUES
    : result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
        code: i.code,
        message: i.message,
      }));
  return { valid: result.success, issues, unknownFields };
}

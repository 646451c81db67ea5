/**
 * Schema validation with core's generated zod schemas. Vendors add fields without notice, so unknown fields
 * are never an error: they are listed (and counted) and the body is stored exactly as received.
 *
 * Core generates beside every zod schema a guard that gives zod's verdict on any JSON value without building
 * zod's output copy (core: guards.test.ts holds the two together). Almost every callback is valid, so the guard
 * answers for it and zod runs only for a body the guard refuses, to say why: about 2.5 µs less per event on the
 * event loop (BENCHMARKS.md, ninth pass).
 */
import type { z } from "zod";

/** A generated zod schema and its generated guard (`X` and `isX` from @livehook/core). */
export type CallbackSchema = { schema: z.ZodType; accepts: (value: unknown) => boolean };

type Def = {
  type?: string;
  shape?: Record<string, unknown>;
  left?: { _zod?: { def?: Def } };
  right?: { _zod?: { def?: Def } };
};
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
  const def = (schema as unknown as { _zod?: { def?: Def } })._zod?.def;
  let target = schema;
  let objectDef = def;
  if (
    def?.type === "intersection" &&
    def.left?._zod?.def?.type === "object" &&
    def.right?._zod?.def?.type === "record"
  ) {
    target = def.left as unknown as z.ZodType;
    objectDef = def.left._zod.def;
  }
  const known =
    objectDef?.type === "object" && objectDef.shape !== undefined ? new Set(Object.keys(objectDef.shape)) : undefined;
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

export function validateBody({ schema, accepts }: CallbackSchema, body: unknown): Validation {
  const plan = planFor(schema);
  const unknownFields = unknownFieldsOf(body, plan.known);
  if (accepts(body)) return { valid: true, issues: NO_ISSUES, unknownFields };
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

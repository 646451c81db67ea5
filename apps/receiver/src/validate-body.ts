/**
 * Schema validation with core's generated zod schemas. Vendors add fields without notice, so unknown fields
 * are never an error: they are listed (and counted) and the body is stored exactly as received.
 */
import type { z } from "zod";

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

export function validateBody(schema: z.ZodType, body: unknown): Validation {
  const plan = planFor(schema);
  const result = plan.target.safeParse(body);
  const issues = result.success
    ? []
    : result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
        code: i.code,
        message: i.message,
      }));
  const known = plan.known;
  const unknownFields =
    known !== undefined && typeof body === "object" && body !== null && !Array.isArray(body)
      ? Object.keys(body).filter((k) => !known.has(k))
      : [];
  return { valid: result.success, issues, unknownFields };
}

/**
 * Schema validation with core's generated zod schemas. Vendors add fields without notice, so unknown fields
 * are never an error: they are listed (and counted) and the body is stored exactly as received.
 */
import type { z } from "zod";

type Def = { type?: string; shape?: Record<string, unknown>; left?: { _zod?: { def?: Def } } };

/** The declared property names of an object schema, or of the object half of `object & record(string, unknown)`. */
export function knownKeys(schema: z.ZodType): Set<string> | undefined {
  let def = (schema as unknown as { _zod?: { def?: Def } })._zod?.def;
  if (def?.type === "intersection") def = def.left?._zod?.def;
  return def?.type === "object" && def.shape !== undefined ? new Set(Object.keys(def.shape)) : undefined;
}

export type Validation = {
  valid: boolean;
  issues: { path: (string | number)[]; code: string; message: string }[];
  unknownFields: string[];
};

export function validateBody(schema: z.ZodType, body: unknown): Validation {
  const result = schema.safeParse(body);
  const issues = result.success
    ? []
    : result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
        code: i.code,
        message: i.message,
      }));
  const known = knownKeys(schema);
  const unknownFields =
    known !== undefined && typeof body === "object" && body !== null && !Array.isArray(body)
      ? Object.keys(body).filter((k) => !known.has(k))
      : [];
  return { valid: result.success, issues, unknownFields };
}

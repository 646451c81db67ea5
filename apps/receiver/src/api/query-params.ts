/**
 * Validation of the query API's parameters (issue 15, item 3). A parameter the store cannot take as it is (a NUL
 * byte: PostgreSQL text refuses it and the query failed with a 500), an over-long value or a malformed number is
 * a client mistake, answered 400 on both stores with the parameter's name and a reason, before any query runs.
 * Every reason is the zod message of the check that failed, so the schemas below are the list of reasons.
 */

import { VENDORS } from "@livehook/core";
import { z } from "zod";
import { CONTROL_CHARACTER, LONE_SURROGATE } from "../storable-text.js";
import { VERDICT_FILTERS } from "../store/types.js";

/** Longer than any domain, app, stream or task id a vendor sends; anything longer is not a filter value. */
export const MAX_TEXT_PARAMETER = 256;

export const TextParameter = z
  .string()
  .min(1, { error: "empty" })
  .max(MAX_TEXT_PARAMETER, { error: "too_long" })
  // C0 controls (NUL among them) and DEL: no vendor identifier holds one, and PostgreSQL refuses NUL.
  .refine((s) => !CONTROL_CHARACTER.test(s), { error: "control_character" })
  .refine((s) => !LONE_SURROGATE.test(s), { error: "invalid_unicode" });

/** Ids are positive integers well inside both stores' bigint and JavaScript's safe integers. */
export const IdParameter = z
  .string()
  .regex(/^\d{1,15}$/, { error: "not_an_id" })
  .transform(Number);

const IsoTime = z.iso.datetime({ offset: true });
/** Epoch milliseconds or ISO 8601 with an offset. */
const TimeParameter = z
  .string()
  .max(64, { error: "too_long" })
  .refine((s) => /^\d{1,15}$/.test(s) || IsoTime.safeParse(s).success, {
    error: "not_a_time",
  })
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s)));

const countParameter = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, { error: "not_an_integer" })
    .transform(Number)
    .pipe(z.number().min(1, { error: "out_of_range" }).max(max, { error: "out_of_range" }))
    .default(fallback);

const VendorParameter = z.enum(VENDORS, { error: "unknown_vendor" });

export const EventsQuery = z.object({
  vendor: VendorParameter.optional(),
  eventType: TextParameter.optional(),
  domain: TextParameter.optional(),
  app: TextParameter.optional(),
  stream: TextParameter.optional(),
  session: TextParameter.optional(),
  /** Substring filters (case-insensitive for ASCII letters): what the inspector's text boxes send. */
  eventTypeContains: TextParameter.optional(),
  domainContains: TextParameter.optional(),
  appContains: TextParameter.optional(),
  streamContains: TextParameter.optional(),
  since: TimeParameter.optional(),
  until: TimeParameter.optional(),
  verdict: z.enum(VERDICT_FILTERS, { error: "unknown_verdict" }).optional(),
  cursor: IdParameter.optional(),
  after: IdParameter.optional(),
  limit: countParameter(500, 50),
});

export const SessionsQuery = z.object({
  vendor: VendorParameter.optional(),
  since: TimeParameter.optional(),
  until: TimeParameter.optional(),
  session: TextParameter.optional(),
  /** How many of the latest events to group. */
  scan: countParameter(20_000, 2000),
});

export const RejectionsQuery = z.object({
  vendor: VendorParameter.optional(),
  cursor: IdParameter.optional(),
});

const Flag = z.enum(["1", "true", "0", "false"], { error: "not_a_flag" }).transform((v) => v === "1" || v === "true");

export const StreamQuery = z.object({
  after: IdParameter.optional(),
  /** Also stream rejected attempts (`event: rejection`), from `rejectionsAfter` or from now. */
  rejections: Flag.default(false),
  rejectionsAfter: IdParameter.optional(),
});

/**
 * The stream's `id:` (and so EventSource's Last-Event-ID): the last event id, and with rejections the last
 * rejection id after a colon (`42:7`), so one header resumes both.
 */
export const StreamPosition = z
  .string()
  .regex(/^\d{1,15}(:\d{1,15})?$/, { error: "not_a_stream_position" })
  .transform((s) => {
    const [events, rejections] = s.split(":");
    return { after: Number(events), rejectionsAfter: rejections === undefined ? undefined : Number(rejections) };
  });

/** The 400 body: which parameter, and why. */
export type ParameterProblem = { error: "invalid_parameter"; parameter: string; reason: string };

export function parameterProblem(error: z.ZodError): ParameterProblem {
  const issue = error.issues[0];
  return {
    error: "invalid_parameter",
    parameter: String(issue?.path[0] ?? "query"),
    reason: issue?.message ?? "invalid",
  };
}

/**
 * Parses the query against `schema`, or says what is wrong with it. `raw` is Hono's `c.req.queries()`: a
 * parameter of the schema given twice is ambiguous, so it is refused rather than resolved by position; others
 * (such as `token`, read by the admin check) are not this function's business.
 */
export function parseQuery<S extends z.ZodObject>(
  schema: S,
  raw: Record<string, string[]>,
): { ok: true; data: z.output<S> } | { ok: false; problem: ParameterProblem } {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(raw)) {
    if (values.length > 1 && name in schema.shape) {
      return { ok: false, problem: { error: "invalid_parameter", parameter: name, reason: "repeated" } };
    }
    if (values[0] !== undefined) single[name] = values[0];
  }
  const parsed = schema.safeParse(single);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problem: parameterProblem(parsed.error) };
}

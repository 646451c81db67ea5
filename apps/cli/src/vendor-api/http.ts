/** One HTTP exchange with a management API: network failures become UnreachableError, bodies are read as text. */
import type { z } from "zod";
import type { CliContext } from "../context.js";
import { CliError, EXIT, UnreachableError } from "../errors.js";
import { networkCause } from "../network-error.js";

export type HttpReply = { status: number; headers: Headers; text: string };

const API_TIMEOUT_MS = 15_000;

export async function exchange(
  ctx: CliContext,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  /** Said after "cannot reach <url>" when nothing answers (errors.ts, MOCK_NEXT_STEP…). */
  nextStep?: string,
): Promise<HttpReply> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { ...init, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(API_TIMEOUT_MS)]) });
  } catch (err) {
    // Ctrl-C aborts the request: that is the user stopping, not the server being unreachable.
    if (ctx.signal.aborted) throw new CliError("interrupted", EXIT.interrupted);
    throw new UnreachableError(new URL(url).origin, networkCause(err), nextStep);
  }
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function parseJson(reply: HttpReply): unknown {
  if (reply.text === "") return undefined;
  try {
    return JSON.parse(reply.text);
  } catch {
    return undefined;
  }
}

/** Checks a success body against core's schema; a vendor that changed its reply is a failure, not a crash. */
export function expectShape<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid";
    throw new CliError(`unexpected ${what} reply (${where})`, EXIT.failure);
  }
  return parsed.data;
}

export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || "(empty body)";
}

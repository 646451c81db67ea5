/**
 * How the CLI shows the receiver's forwarding (`start` and `receive` with `--forward-to`): at start, where events go
 * and the secret the user's app verifies them with; then one line per forward with the app's answer and its time.
 * Both come from the receiver's own output: its listening line and its `forwarded` log lines.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Output } from "./output.js";

/** What the receiver's listening line says of its outbox and of where its forwarding secret is kept. */
const Outbox = z.looseObject({
  outbox: z.record(z.string(), z.array(z.string())).optional(),
  forwardSecretSource: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("file"), path: z.string(), created: z.boolean() }),
      z.object({ kind: z.literal("env") }),
      z.object({ kind: z.literal("memory") }),
    ])
    .optional(),
});

/** The banner lines: targets with their vendors, and the signing secret (read from the receiver's file, never logged). */
export function forwardingBanner(out: Output, listening: Record<string, unknown>): string[] {
  const parsed = Outbox.safeParse(listening);
  if (!parsed.success) return [];
  const byTarget = new Map<string, string[]>();
  for (const [vendor, targets] of Object.entries(parsed.data.outbox ?? {})) {
    for (const target of targets) byTarget.set(target, [...(byTarget.get(target) ?? []), vendor]);
  }
  const lines = [...byTarget].map(
    ([target, vendors], i) =>
      `  ${i === 0 ? "forwarding to    " : "                 "}${out.color.ok(target)} (${vendors.join(", ")})`,
  );
  const source = parsed.data.forwardSecretSource;
  if (source?.kind === "file") {
    let value: string;
    try {
      value = readFileSync(source.path, "utf8").trim();
    } catch {
      value = `(in ${source.path})`;
    }
    lines.push(
      `  signing secret   ${out.color.bold(value)} ${out.color.dim(`(Standard Webhooks; kept in ${source.path})`)}`,
    );
  } else if (source !== undefined) {
    const where = source.kind === "env" ? "from LIVEHOOK_FORWARD_SECRET" : "made for this run only";
    lines.push(`  signing secret   ${out.color.dim(`${where} (Standard Webhooks)`)}`);
  }
  return lines;
}

const Forwarded = z.object({
  msg: z.literal("forwarded"),
  time: z.number(),
  eventId: z.number(),
  vendor: z.string(),
  eventType: z.string().nullable(),
  target: z.string(),
  status: z.number().nullable(),
  error: z.string().optional(),
  ms: z.number(),
  next: z.enum(["delivered", "retry", "dead", "resend"]),
  retryInMs: z.number().optional(),
});

/** One line for a receiver's `forwarded` log line, or undefined for any other line. */
export function forwardLine(out: Output, line: string): string | undefined {
  if (!line.includes('"msg":"forwarded"')) return undefined;
  let parsed: z.infer<typeof Forwarded>;
  try {
    const result = Forwarded.safeParse(JSON.parse(line));
    if (!result.success) return undefined;
    parsed = result.data;
  } catch {
    return undefined;
  }
  const f = parsed;
  const time = new Date(f.time).toISOString().slice(11, 19);
  const ok = f.status !== null && f.status >= 200 && f.status < 300;
  const answer =
    f.status === null ? out.color.bad(f.error ?? "unreachable") : (ok ? out.color.ok : out.color.bad)(String(f.status));
  const then =
    f.next === "retry" && f.retryInMs !== undefined
      ? `, retry in ${seconds(f.retryInMs)}`
      : f.next === "dead"
        ? `, ${out.color.bad("gave up (dead letter)")}`
        : f.next === "resend"
          ? " (resend)"
          : "";
  return `${out.color.dim(time)} ${out.color.dim("→")} ${f.vendor.padEnd(11)} ${(f.eventType ?? "?").padEnd(24)} ${f.target} ${answer} in ${f.ms} ms${then} ${out.color.dim(`#${f.eventId}`)}`;
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

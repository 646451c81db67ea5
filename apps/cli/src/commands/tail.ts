import type { CliContext } from "../context.js";
import { receiverUrl } from "../env.js";
import { type EventFilters, eventLine, matches } from "../event-line.js";
import { createOutput } from "../output.js";
import { parseInteger } from "../parse-values.js";
import { followEvents, latestEvents, type ReceivedEvent } from "../receiver-client.js";
import type { TailOptions } from "./tail.command.js";

/** `livehook tail`: follows a receiver's stored events until Ctrl-C (or `--count` events). */
export async function runTail(opts: TailOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const base = receiverUrl(ctx, opts.url);
  const filters: EventFilters = {};
  for (const k of ["vendor", "eventType", "domain", "app", "stream"] as const) {
    const v = opts[k];
    if (v !== undefined) filters[k] = v;
  }
  const count = opts.count === undefined ? undefined : parseInteger(opts.count, "--count", 1);
  const history = opts.history === undefined ? 0 : parseInteger(opts.history, "--history", 0, 500);
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  let shown = 0;
  const show = (e: ReceivedEvent) => {
    if (!matches(e, filters) || signal.aborted) return;
    if (opts.json) out.json(e);
    else out.line(eventLine(out, e));
    shown += 1;
    if (count !== undefined && shown >= count) stop.abort();
  };
  // The newest events first give context; the stream then continues after the newest one.
  const recent = await latestEvents(ctx, base, Math.max(1, history));
  const newest = recent[0]?.id ?? 0;
  for (const e of recent.slice(0, history).reverse()) show(e);
  if (signal.aborted) return;
  if (!opts.json) out.note(out.color.dim(`following ${base}/api/events/stream (Ctrl-C to stop)`));
  await followEvents(ctx, base, { after: newest, signal, onEvent: show });
}

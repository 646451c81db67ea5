import type { CliContext } from "../context.js";
import { receiverUrl } from "../env.js";
import { type EventFilters, eventLine, matches, rejectionLine } from "../event-line.js";
import { createOutput } from "../output.js";
import { parseInteger } from "../parse-values.js";
import {
  type ConnectionChange,
  followEvents,
  latestEvents,
  latestRejections,
  type ReceivedEvent,
  type RejectedAttempt,
} from "../receiver-client.js";
import type { TailOptions } from "./tail.command.js";

/**
 * `livehook tail`: follows a receiver's stored events and rejected deliveries until Ctrl-C (or `--count`
 * events), after `--history` of the latest of both. A lost connection is said and retried; the stream resumes
 * after the last event and rejection shown.
 */
export async function runTail(opts: TailOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const base = receiverUrl(ctx, opts.receiver);
  const filters: EventFilters = {};
  for (const k of ["vendor", "eventType", "domain", "app", "stream"] as const) {
    const v = opts[k];
    if (v !== undefined) filters[k] = v;
  }
  // A rejected attempt has a vendor but no event type or stream: with such a filter, only events can match.
  const showRejections = [filters.eventType, filters.domain, filters.app, filters.stream].every((f) => f === undefined);
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
  const showRejection = (r: RejectedAttempt) => {
    if ((filters.vendor !== undefined && r.vendor !== filters.vendor) || signal.aborted) return;
    if (opts.json) out.json({ kind: "rejection", ...r });
    else out.line(rejectionLine(out, r));
  };
  const connection = (change: ConnectionChange) => {
    if (change.state === "lost") {
      const wait = (change.retryInMs / 1000).toFixed(change.retryInMs < 1000 ? 2 : 0);
      out.note(
        out.color.warn(
          `lost the connection to ${base} (${change.cause}); retry ${change.attempt} in ${wait} s (Ctrl-C to stop)`,
        ),
      );
    } else {
      out.note(out.color.ok(`reconnected to ${base}; resuming after event #${change.afterEvent}`));
    }
  };
  // The newest events and rejected deliveries first give context, oldest first; the stream then continues after
  // the newest of each, so nothing recorded between the two reads and the stream is missed or shown twice.
  const recent = await latestEvents(ctx, base, Math.max(1, history));
  const newest = recent[0]?.id ?? 0;
  const pastRejections =
    showRejections && history > 0 ? await latestRejections(ctx, base, history, filters.vendor) : [];
  const past = [
    ...recent.slice(0, history).map((e) => ({ at: e.receivedAt, show: () => show(e) })),
    ...pastRejections.map((r) => ({ at: r.receivedAt, show: () => showRejection(r) })),
  ];
  past.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  for (const item of past.slice(0, history).reverse()) item.show();
  if (signal.aborted) return;
  if (!opts.json) out.note(out.color.dim(`following ${base}/api/events/stream (Ctrl-C to stop)`));
  await followEvents(ctx, base, {
    after: newest,
    // With no rejection recorded yet, after 0: one recorded before the stream opens is still shown.
    ...(showRejections && history > 0 ? { afterRejection: pastRejections[0]?.id ?? 0 } : {}),
    signal,
    onEvent: show,
    ...(showRejections ? { onRejection: showRejection } : {}),
    onConnection: connection,
  });
}

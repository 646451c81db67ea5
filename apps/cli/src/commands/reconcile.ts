import type { MockAdminDelivery } from "@livehook/api-mock/admin";
import { eventDigest, MAX_BODY_DEPTH, nestsDeeperThan, type Vendor } from "@livehook/core";
import type { CliContext } from "../context.js";
import { mockUrl, receiverUrl } from "../env.js";
import { CheckFailed } from "../errors.js";
import { listAllDeliveries, redeliver } from "../mock-admin.js";
import { createOutput } from "../output.js";
import { parseInstant, parseInteger } from "../parse-values.js";
import { eventBody, listAllEvents } from "../receiver-client.js";
import type { ReconcileOptions } from "./reconcile.command.js";

const POLL_MS = 250;
const DETAIL_CONCURRENCY = 8;
const CLOCK_SLACK_MS = 5 * 60_000;

export type Gap = {
  identity: string;
  vendor: string;
  eventType: string;
  stream: string;
  deliveryIds: string[];
  statuses: string[];
};
export type Reconciliation = {
  expected: number;
  stored: number;
  missing: Gap[];
  duplicated: { identity: string; eventIds: number[] }[];
  pending: number;
};

type Scope = { mockUrl: string; receiverUrl: string; vendor?: string; sessionId?: string; since?: Date };

/**
 * What deliveries and stored events are matched by: the vendor and the event digest the receiver keys events by
 * (@livehook/core, byte for byte). The receiver refuses a body nested deeper than MAX_BODY_DEPTH and stores none,
 * while a delivery record can hold anything, so such a body gets one shared identity that no stored event has.
 */
function eventIdentity(vendor: Vendor, body: unknown): string {
  if (nestsDeeperThan(body, MAX_BODY_DEPTH)) return `${vendor}:too_deeply_nested`;
  return `${vendor}:${eventDigest(vendor, body)}`;
}

function parseBody(d: MockAdminDelivery): unknown {
  try {
    return JSON.parse(d.body);
  } catch {
    return d.body;
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Compares what the mock sent (every delivery record) with what the receiver stored, by event identity. */
export async function reconcile(ctx: CliContext, scope: Scope): Promise<Reconciliation> {
  const deliveries = (
    await listAllDeliveries(ctx, scope.mockUrl, {
      ...(scope.vendor === undefined ? {} : { vendor: scope.vendor }),
      ...(scope.sessionId === undefined ? {} : { session_id: scope.sessionId }),
    })
  ).filter((d) => scope.since === undefined || Date.parse(d.created_at) >= scope.since.getTime());
  // A config without URL sends nothing (D14): nothing is owed for it.
  const owed = deliveries.filter((d) => d.status !== "skipped");
  // Deliveries by identity. Two genuine events can share a body (a SparkRTC job's file starts carry only job-level
  // fields), so each identity owes as many stored events as it has deliveries that are not a `duplicate_of` copy.
  const sent = new Map<string, { deliveries: MockAdminDelivery[]; events: number }>();
  for (const d of owed) {
    const id = eventIdentity(d.vendor, parseBody(d));
    const entry = sent.get(id) ?? { deliveries: [], events: 0 };
    entry.deliveries.push(d);
    if (d.duplicate_of === undefined) entry.events += 1;
    sent.set(id, entry);
  }
  const expectedEvents = [...sent.values()].reduce((n, e) => n + e.events, 0);

  if (sent.size === 0) return { expected: 0, stored: 0, missing: [], duplicated: [], pending: 0 };
  // Only events received since the first delivery (with slack for clock skew between the two hosts) can match:
  // this bounds the per-event body fetches on a long-lived receiver.
  const firstSent = Math.min(...owed.map((d) => Date.parse(d.created_at)));
  const events = await listAllEvents(ctx, scope.receiverUrl, {
    ...(scope.vendor === undefined ? {} : { vendor: scope.vendor }),
    ...(Number.isFinite(firstSent) ? { since: new Date(firstSent - CLOCK_SLACK_MS).toISOString() } : {}),
  });
  const bodies = await mapLimit(events, DETAIL_CONCURRENCY, (e) => eventBody(ctx, scope.receiverUrl, e.id));
  const stored = new Map<string, number[]>();
  events.forEach((e, i) => {
    const id = eventIdentity(e.vendor, bodies[i]);
    stored.set(id, [...(stored.get(id) ?? []), e.id]);
  });

  const missing: Gap[] = [];
  const duplicated: Reconciliation["duplicated"] = [];
  let storedEvents = 0;
  for (const [identity, { deliveries: ds, events: owedEvents }] of sent) {
    const eventIds = stored.get(identity) ?? [];
    storedEvents += Math.min(eventIds.length, owedEvents);
    if (eventIds.length > owedEvents) duplicated.push({ identity, eventIds });
    const first = ds[0] as MockAdminDelivery;
    // One gap per event still owed; each names the deliveries that carried this body.
    for (let k = eventIds.length; k < owedEvents; k++) {
      missing.push({
        identity,
        vendor: first.vendor,
        eventType: first.event_type,
        stream: first.stream,
        deliveryIds: ds.map((d) => d.id),
        statuses: ds.map((d) => d.status),
      });
    }
  }
  return {
    expected: expectedEvents,
    stored: storedEvents,
    missing,
    duplicated,
    pending: owed.filter((d) => d.status === "pending").length,
  };
}

/** Waits (bounded) until the mock has no pending delivery in scope. */
async function settle(ctx: CliContext, scope: Scope, deadline: number): Promise<void> {
  while (Date.now() < deadline && !ctx.signal.aborted) {
    const pending = await listAllDeliveries(ctx, scope.mockUrl, {
      status: "pending",
      ...(scope.vendor === undefined ? {} : { vendor: scope.vendor }),
      ...(scope.sessionId === undefined ? {} : { session_id: scope.sessionId }),
    });
    if (pending.length === 0) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** `livehook reconcile`: what the mock sent versus what the receiver stored; `--redeliver` fills the gaps. */
export async function runReconcile(opts: ReconcileOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const vendor = opts.vendor;
  const scope: Scope = {
    mockUrl: mockUrl(ctx, opts.mock),
    receiverUrl: receiverUrl(ctx, opts.receiver),
    ...(vendor === undefined ? {} : { vendor }),
    ...(opts.session === undefined ? {} : { sessionId: opts.session }),
    ...(opts.since === undefined ? {} : { since: parseInstant(opts.since, "--since") }),
  };
  const waitMs = parseInteger(opts.timeout ?? 60, "--timeout", 0, 3600) * 1000;
  const rounds = parseInteger(opts.rounds ?? 3, "--rounds", 1, 100);
  await settle(ctx, scope, Date.now() + waitMs);
  let report = await reconcile(ctx, scope);
  const redelivered: string[] = [];
  for (let round = 0; opts.redeliver && report.missing.length > 0 && round < rounds; round++) {
    // One delivery per missing event is enough: the receiver stores each event once. Gaps that share a body get
    // different deliveries of it, so each owed event is sent again.
    const used = new Map<string, number>();
    const ids = report.missing.map((g) => {
      const k = used.get(g.identity) ?? 0;
      used.set(g.identity, k + 1);
      return g.deliveryIds[k % g.deliveryIds.length] as string;
    });
    out.note(`redelivering ${ids.length} missing event${ids.length === 1 ? "" : "s"} (round ${round + 1})`);
    await redeliver(ctx, scope.mockUrl, ids);
    redelivered.push(...ids);
    await settle(ctx, scope, Date.now() + waitMs);
    report = await reconcile(ctx, scope);
  }

  if (opts.json) out.json({ ...report, redelivered });
  else {
    out.line(`${out.color.bold("expected")}   ${report.expected} events sent by the mock`);
    out.line(`${out.color.bold("stored")}     ${report.stored} of them stored by the receiver`);
    if (redelivered.length > 0) out.line(`${out.color.bold("redelivered")} ${redelivered.length}`);
    if (report.pending > 0) out.line(`${out.color.warn("pending")}    ${report.pending} deliveries still in flight`);
    if (report.missing.length > 0) {
      out.line(out.color.bad(`missing ${report.missing.length}:`));
      out.table(report.missing, [
        { header: "VENDOR", value: (g) => g.vendor },
        { header: "EVENT", value: (g) => g.eventType },
        { header: "STREAM", value: (g) => g.stream },
        { header: "DELIVERY", value: (g) => g.deliveryIds.join(",") },
        { header: "STATUS", value: (g) => g.statuses.join(",") },
      ]);
    }
    if (report.duplicated.length > 0) {
      out.line(out.color.bad(`stored more than once ${report.duplicated.length}:`));
      for (const d of report.duplicated) out.line(`  ${d.identity} events ${d.eventIds.join(", ")}`);
    }
    if (report.missing.length === 0 && report.duplicated.length === 0) {
      out.line(out.color.ok("no gap: every event sent is stored exactly once"));
    }
  }
  if (report.missing.length > 0 || report.duplicated.length > 0) {
    const hint = opts.redeliver ? "" : " (run with --redeliver to fill the gaps)";
    throw new CheckFailed(`${report.missing.length} missing, ${report.duplicated.length} duplicated${hint}`);
  }
}

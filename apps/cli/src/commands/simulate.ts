import type { MockAdminDelivery, MockAdminFaults, MockAdminSession } from "@livehook/api-mock/admin";
import type { CliContext } from "../context.js";
import { deliveryStats, failedDeliveries, failuresByReason } from "../delivery-stats.js";
import { DEMO } from "../demo-setup.js";
import { mockUrl } from "../env.js";
import { CheckFailed, CliError, EXIT, UsageError } from "../errors.js";
import { createSession, listAllDeliveries } from "../mock-admin.js";
import { createOutput, type Output } from "../output.js";
import { parseInteger } from "../parse-values.js";
import { VENDORS, type Vendor } from "../vendors.js";
import type { SimulateOptions } from "./simulate.command.js";

const POLL_MS = 250;

function rate(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new UsageError(`${option}: expected a rate from 0 to 1, got "${value}"`);
  return n;
}

function faultsFrom(opts: SimulateOptions): MockAdminFaults {
  const f: MockAdminFaults = {};
  const set = <K extends keyof MockAdminFaults>(k: K, v: MockAdminFaults[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set("drop_rate", rate(opts.dropRate, "--drop-rate"));
  set("duplicate_rate", rate(opts.duplicateRate, "--duplicate-rate"));
  set("wrong_signature_rate", rate(opts.wrongSignatureRate, "--wrong-signature-rate"));
  set("expired_timestamp_rate", rate(opts.expiredRate, "--expired-rate"));
  if (opts.outOfOrder) f.out_of_order = true;
  if (opts.latencyMs !== undefined) f.latency_ms = parseInteger(opts.latencyMs, "--latency-ms", 0, 600_000);
  return f;
}

/** SparkRTC sessions have no domain: a --domain applies to Huawei Live and Alibaba only. */
function sessionDomain(plan: SimulationPlan, demoDomain: string | undefined): string | undefined {
  return demoDomain === undefined ? undefined : (plan.domain ?? demoDomain);
}

function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
}

export type SimulationResult = { sessions: MockAdminSession[]; deliveries: MockAdminDelivery[]; timedOut: boolean };

export type SimulationPlan = {
  mockUrl: string;
  vendors: readonly Vendor[];
  count: number;
  concurrency: number;
  segments: number;
  outcome: "success" | "failed";
  faults: MockAdminFaults;
  timeoutMs: number;
  runId: string;
  /** Instead of the demo domain and app (for configs of your own on the mock). */
  domain?: string;
  app?: string;
};

/**
 * Starts `count` sessions per vendor, at most `concurrency` at a time, and waits (bounded) until none of their
 * deliveries is pending. A session's slot is freed once its deliveries have settled.
 */
export async function simulate(ctx: CliContext, plan: SimulationPlan, out: Output): Promise<SimulationResult> {
  const jobs = plan.vendors.flatMap((vendor) => Array.from({ length: plan.count }, (_, i) => ({ vendor, i })));
  const sessions: MockAdminSession[] = [];
  const settled = new Map<string, MockAdminDelivery[]>();
  const deadline = Date.now() + plan.timeoutMs;
  let next = 0;
  let timedOut = false;
  const progress = () => {
    const all = [...settled.values()].flat();
    const s = deliveryStats(all);
    out.status(
      `simulate ${bar(settled.size, jobs.length)} ${settled.size}/${jobs.length} sessions · ${s.delivered} delivered · ${s.retried} retried · ${s.failed} failed`,
    );
  };

  const worker = async () => {
    while (next < jobs.length && !ctx.signal.aborted) {
      const job = jobs[next++] as { vendor: Vendor; i: number };
      const demo = DEMO[job.vendor];
      const domain = sessionDomain(plan, demo.domain);
      const session = await createSession(ctx, plan.mockUrl, {
        vendor: job.vendor,
        ...(domain === undefined ? {} : { domain }),
        app: plan.app ?? demo.app,
        // Unique per session, so events of different sessions never share a body.
        stream: `sim-${plan.runId}-${job.vendor}-${job.i + 1}`,
        segments: plan.segments,
        outcome: plan.outcome,
        ...(Object.keys(plan.faults).length > 0 ? { faults: plan.faults } : {}),
      });
      sessions.push(session);
      for (;;) {
        const deliveries = await listAllDeliveries(ctx, plan.mockUrl, { session_id: session.id });
        // delivery_count is known when the session starts; duplicates injected later only add to it.
        const allCreated = deliveries.length >= session.delivery_count;
        if (allCreated && deliveries.every((d) => d.status !== "pending")) {
          settled.set(session.id, deliveries);
          break;
        }
        if (Date.now() > deadline || ctx.signal.aborted) {
          timedOut = !ctx.signal.aborted;
          settled.set(session.id, deliveries);
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      progress();
    }
  };
  progress();
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, jobs.length) }, worker));
  out.clearStatus();
  return { sessions, deliveries: [...settled.values()].flat(), timedOut };
}

/** Sessions that found no callback config on the mock (or one without a URL), by vendor, domain and app. */
export type UnmatchedSessions = {
  vendor: Vendor;
  domain: string | null;
  app: string;
  why: "no_config" | "no_url";
  sessions: string[];
};

export function unmatchedSessions(sessions: readonly MockAdminSession[]): UnmatchedSessions[] {
  const groups = new Map<string, UnmatchedSessions>();
  for (const s of sessions) {
    const why = s.config === undefined ? "no_config" : s.config.url_set ? undefined : "no_url";
    if (why === undefined) continue;
    const key = `${s.vendor}|${s.domain ?? ""}|${s.app}|${why}`;
    const group = groups.get(key) ?? { vendor: s.vendor, domain: s.domain ?? null, app: s.app, why, sessions: [] };
    group.sessions.push(s.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function unmatchedText(u: UnmatchedSessions): string {
  const where = u.domain === null ? `app ${u.app}` : `domain ${u.domain}, app ${u.app}`;
  const what = u.why === "no_config" ? "no callback config" : "a callback config without a URL";
  const n = u.sessions.length;
  return `${u.vendor} ${where}: ${what} (${n} session${n === 1 ? "" : "s"}: ${u.sessions.join(", ")})`;
}

/** `livehook simulate`: recording sessions on the mock, then a summary of what was delivered. */
export async function runSimulate(opts: SimulateOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const vendors = opts.vendor ?? [];
  const plan: SimulationPlan = {
    mockUrl: mockUrl(ctx, opts.mock),
    vendors: vendors.length > 0 ? vendors : VENDORS,
    count: parseInteger(opts.count ?? 3, "--count", 1, 10_000),
    concurrency: parseInteger(opts.concurrency ?? 4, "--concurrency", 1, 256),
    segments: parseInteger(opts.segments ?? 2, "--segments", 1, 1000),
    outcome: opts.outcome ?? "success",
    faults: faultsFrom(opts),
    timeoutMs: parseInteger(opts.timeout ?? 120, "--timeout", 1, 86_400) * 1000,
    runId: opts.runId ?? ctx.now().getTime().toString(36),
    ...(opts.domain === undefined ? {} : { domain: opts.domain }),
    ...(opts.app === undefined ? {} : { app: opts.app }),
  };
  const result = await simulate(ctx, plan, out);
  if (ctx.signal.aborted) throw new CliError("interrupted", EXIT.interrupted);
  const stats = deliveryStats(result.deliveries);
  const unmatched = unmatchedSessions(result.sessions);
  const failures = failedDeliveries(result.deliveries);
  const reasons = failuresByReason(failures);
  if (opts.json) {
    out.json({
      sessions: result.sessions.length,
      ...stats,
      timedOut: result.timedOut,
      unmatched,
      failureReasons: reasons,
      failures,
    });
  } else {
    const ms = (v: number | null) => (v === null ? "n/a" : `${v} ms`);
    out.line(`${out.color.bold("sessions")}   ${result.sessions.length} (${plan.vendors.join(", ")})`);
    out.line(
      `${out.color.bold("deliveries")} ${stats.deliveries} (${stats.attempts} attempts, ${stats.duplicates} duplicates injected)`,
    );
    out.line(`${out.color.bold("delivered")}  ${out.color.ok(String(stats.delivered))}`);
    out.line(`${out.color.bold("retried")}    ${stats.retried}`);
    out.line(`${out.color.bold("failed")}     ${stats.failed > 0 ? out.color.bad(String(stats.failed)) : "0"}`);
    if (stats.dropped > 0)
      out.line(
        `${out.color.bold("dropped")}    ${stats.dropped} (injected; \`${ctx.self} reconcile --redeliver\` fills the gap)`,
      );
    if (stats.skipped > 0) out.line(`${out.color.bold("skipped")}    ${stats.skipped} (no callback URL configured)`);
    out.line(`${out.color.bold("latency")}    p50 ${ms(stats.latencyP50Ms)}, p99 ${ms(stats.latencyP99Ms)}`);
    for (const u of unmatched) out.line(out.color.warn(`no config    ${unmatchedText(u)}`));
    if (reasons.length > 0) {
      out.line(out.color.bad("failed by reason (the receiver's answer to the last attempt):"));
      for (const r of reasons) out.line(`  ${String(r.count).padStart(5)}× ${r.reason}`);
      if (opts.verbose) {
        out.table(failures, [
          { header: "DELIVERY", value: (f) => f.id },
          { header: "VENDOR", value: (f) => f.vendor },
          { header: "EVENT", value: (f) => f.eventType },
          { header: "STREAM", value: (f) => f.stream },
          { header: "ATTEMPTS", value: (f) => String(f.attempts) },
          { header: "STATUS", value: (f) => (f.status === null ? "-" : String(f.status)) },
          { header: "REASON", value: (f) => f.reason },
        ]);
      } else out.line(out.color.dim("  (--verbose lists every failed delivery)"));
    }
  }
  if (result.timedOut) throw new CheckFailed(`${stats.pending} deliveries still pending after --timeout`);
  if (result.deliveries.length === 0) {
    const which =
      unmatched.length > 0
        ? `no callback config on the mock matched ${unmatched.map(unmatchedText).join("; ")}`
        : "is a callback configured on the mock?";
    throw new CheckFailed(`no deliveries: ${which} (\`${ctx.self} start\` sets up the demo configs)`);
  }
  if (stats.failed > 0) throw new CheckFailed(`${stats.failed} deliveries failed`);
}

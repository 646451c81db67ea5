/**
 * The load run: sends signed callbacks from the event feed over keep-alive pools, at a fixed rate (open loop, see
 * pacer.ts) or as fast as the target answers (closed loop: each connection sends its next request when the last
 * one is answered), and counts what came back. Requests are signed in small batches just before they are sent, so
 * signatures are fresh and signing costs little per request.
 */
import { judgeAttempt, RETRY_PROFILES } from "@livehook/api-mock/recording-events";
import type { Pool } from "undici";
import { randomRand, signCallback } from "../outgoing-callback.js";
import type { Vendor } from "../vendors.js";
import { type AttemptOutcome, connectionPool, type SendRequest, sendAttempt } from "./attempt.js";
import { EventFeed, type LoadEvent } from "./event-feed.js";
import { Latencies, type LatencySummary } from "./latency.js";
import { type LoadClock, Pacer, realClock } from "./pacer.js";

export type LoadPlan = {
  /** Callback URLs; `{vendor}` in one is replaced by the vendor. Requests go to them in turn. */
  urls: readonly string[];
  vendors: readonly Vendor[];
  keys: Record<Vendor, string>;
  /** Requests per second; undefined: as fast as the target answers. */
  rate: number | undefined;
  /** Requests to send (retries come on top); the run also ends at `durationMs`. */
  count: number;
  durationMs: number;
  /** Connections per URL. */
  connections: number;
  /** Share (0–1) of requests that resend an event already sent, signed afresh as a vendor's resend is. */
  duplicates: number;
  /** Resends of a failed delivery (the vendor's own rule says what failed), each signed afresh. */
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  runId: string;
  signal: AbortSignal;
  /** Wall clock for signatures and event times. */
  nowMs: () => number;
  clock?: LoadClock;
  random?: () => number;
  /** Called about once a second with the responses so far. */
  onProgress?: (responses: number, elapsedMs: number) => void;
};

export type StatusCount = { status: number | "error"; reason: string | null; count: number };

export type LoadResult = {
  /** Requests sent on the schedule (new events plus duplicates). */
  sent: number;
  events: number;
  duplicates: number;
  retries: number;
  /** Every HTTP attempt that finished (answered or not). */
  attempts: number;
  /** Deliveries (a request and its retries) that the vendor's rule calls a success, or that failed for good. */
  delivered: number;
  failed: number;
  elapsedMs: number;
  /** Finished attempts per second. */
  achievedRate: number;
  statuses: StatusCount[];
  latencyMs: LatencySummary;
  /** True when no attempt got an HTTP answer. */
  unreachable: boolean;
  /** The reason of the first attempt without an HTTP answer, for the error message. */
  firstError: string | undefined;
};

type Target = { url: string; path: string; pool: Pool };
type Prepared = { event: LoadEvent; duplicate: boolean; urlIndex: number; request: SendRequest };

const RECENT_EVENTS = 4096;
const MAX_BATCH = 256;
/** At a fixed rate a batch covers at most this long, so a signature is never older than that when it is sent. */
const BATCH_SPAN_MS = 50;

export function expandUrl(url: string, vendor: Vendor): string {
  return url.replaceAll("{vendor}", vendor);
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const clock = plan.clock ?? realClock;
  const random = plan.random ?? Math.random;
  const pools = new Map<string, Pool>();
  const targets = plan.urls.map((template) => {
    const byVendor = new Map<Vendor, Target>();
    for (const vendor of plan.vendors) {
      const url = new URL(expandUrl(template, vendor));
      let pool = pools.get(url.origin);
      if (pool === undefined) {
        pool = connectionPool(url.origin, plan.connections);
        pools.set(url.origin, pool);
      }
      byVendor.set(vendor, { url: url.href, path: `${url.pathname}${url.search}`, pool });
    }
    return byVendor;
  });
  const target = (urlIndex: number, vendor: Vendor) => targets[urlIndex]?.get(vendor) as Target;

  const feed = new EventFeed(plan.vendors, plan.runId, plan.nowMs);
  const recent: LoadEvent[] = [];
  const latencies = new Latencies();
  const counts = new Map<string, StatusCount>();
  const r: Omit<LoadResult, "statuses" | "latencyMs" | "elapsedMs" | "achievedRate" | "unreachable"> = {
    sent: 0,
    events: 0,
    duplicates: 0,
    retries: 0,
    attempts: 0,
    delivered: 0,
    failed: 0,
    firstError: undefined,
  };
  let answered = 0;

  const sign = (event: LoadEvent, urlIndex: number, now = new Date(plan.nowMs())): SendRequest => {
    const t = target(urlIndex, event.vendor);
    const signed = signCallback(event.vendor, event.payload, {
      key: plan.keys[event.vendor],
      now,
      url: t.url,
      rand: randomRand(random),
    });
    return { path: t.path, headers: signed.headers, body: signed.body };
  };

  const start = clock.now();
  const deadline = start + plan.durationMs;
  const pacer = plan.rate === undefined ? undefined : new Pacer(clock, plan.rate, start);
  const batchSize =
    plan.rate === undefined
      ? MAX_BATCH
      : Math.max(1, Math.min(MAX_BATCH, Math.floor((plan.rate * BATCH_SPAN_MS) / 1000)));
  let batch: Prepared[] = [];
  let batchAt = 0;
  let prepared = 0;

  /** New events, signed a batch at a time. */
  const prepareBatch = () => {
    batch = [];
    batchAt = 0;
    const now = new Date(plan.nowMs());
    for (let k = 0; k < batchSize; k++, prepared++) {
      const event = feed.next();
      const urlIndex = prepared % plan.urls.length;
      batch.push({ event, duplicate: false, urlIndex, request: sign(event, urlIndex, now) });
    }
  };
  /**
   * Request i: an exact share (`duplicates`) of the requests resend a recent event already sent, signed afresh as
   * a vendor's resend is; the others are the next new events.
   */
  const nextRequest = (i: number): Prepared => {
    const duplicate = Math.floor((i + 1) * plan.duplicates) > Math.floor(i * plan.duplicates);
    if (duplicate && recent.length > 0) {
      const event = recent[Math.floor(random() * recent.length)] as LoadEvent;
      const urlIndex = i % plan.urls.length;
      return { event, duplicate: true, urlIndex, request: sign(event, urlIndex) };
    }
    if (batchAt === batch.length) prepareBatch();
    return batch[batchAt++] as Prepared;
  };

  const record = (outcome: AttemptOutcome, latencyMs: number) => {
    r.attempts++;
    if (outcome.status !== undefined) answered++;
    else r.firstError ??= outcome.reason;
    latencies.add(latencyMs);
    const key = `${outcome.status ?? "error"} ${outcome.reason ?? ""}`;
    const c = counts.get(key);
    if (c === undefined)
      counts.set(key, { status: outcome.status ?? "error", reason: outcome.reason ?? null, count: 1 });
    else c.count++;
  };

  const retriesRunning = new Set<Promise<void>>();
  /** Judges an attempt by the vendor's own rule; a retryable failure is sent again later, re-signed. */
  const settle = (job: Prepared, outcome: AttemptOutcome, attempt: number) => {
    const verdict = judgeAttempt(RETRY_PROFILES[job.event.vendor], outcome.status);
    if (verdict === "success") r.delivered++;
    else if (verdict === "fail" || attempt > plan.retries || plan.signal.aborted) r.failed++;
    else {
      const retry = (async () => {
        await new Promise((resolve) => setTimeout(resolve, plan.retryDelayMs));
        if (plan.signal.aborted) {
          r.failed++;
          return;
        }
        // The next URL, as a load balancer in front of several receivers would choose.
        const urlIndex = (job.urlIndex + 1) % plan.urls.length;
        const again: Prepared = {
          event: job.event,
          duplicate: job.duplicate,
          urlIndex,
          request: sign(job.event, urlIndex),
        };
        r.retries++;
        const due = clock.now();
        const next = await sendAttempt(target(urlIndex, job.event.vendor).pool, again.request, plan.timeoutMs);
        if (plan.signal.aborted) return;
        record(next, clock.now() - due);
        settle(again, next, attempt + 1);
      })();
      retriesRunning.add(retry);
      void retry.finally(() => retriesRunning.delete(retry));
    }
  };

  let claimed = 0;
  const claim = (): number | undefined => {
    if (plan.signal.aborted || claimed >= plan.count) return undefined;
    const i = claimed;
    if (pacer === undefined ? clock.now() >= deadline : pacer.dueAt(i) >= deadline) return undefined;
    claimed++;
    return i;
  };

  const worker = async () => {
    for (let i = claim(); i !== undefined; i = claim()) {
      const wait = pacer?.wait(i);
      if (wait !== undefined) await wait;
      if (plan.signal.aborted) return;
      const job = nextRequest(i);
      r.sent++;
      if (job.duplicate) r.duplicates++;
      else {
        r.events++;
        if (recent.length < RECENT_EVENTS) recent.push(job.event);
        else recent[r.events % RECENT_EVENTS] = job.event;
      }
      // At a fixed rate latency counts from when the request was due, not from when it could be sent.
      const from = pacer === undefined ? clock.now() : pacer.dueAt(i);
      const outcome = await sendAttempt(target(job.urlIndex, job.event.vendor).pool, job.request, plan.timeoutMs);
      if (plan.signal.aborted) return;
      record(outcome, clock.now() - from);
      settle(job, outcome, 1);
    }
  };

  const progress =
    plan.onProgress === undefined
      ? undefined
      : setInterval(() => plan.onProgress?.(r.attempts, clock.now() - start), 1000);
  try {
    await Promise.all(Array.from({ length: plan.connections * plan.urls.length }, worker));
    while (retriesRunning.size > 0) await Promise.all([...retriesRunning]);
  } finally {
    if (progress !== undefined) clearInterval(progress);
    // After Ctrl-C, requests still in flight are dropped rather than waited for (up to --timeout).
    await Promise.all([...pools.values()].map((p) => (plan.signal.aborted ? p.destroy() : p.close())));
  }
  const elapsedMs = clock.now() - start;
  return {
    ...r,
    elapsedMs,
    achievedRate: elapsedMs > 0 ? (r.attempts * 1000) / elapsedMs : 0,
    statuses: [...counts.values()].sort((a, b) => b.count - a.count),
    latencyMs: latencies.summary(),
    unreachable: r.attempts > 0 && answered === 0,
  };
}

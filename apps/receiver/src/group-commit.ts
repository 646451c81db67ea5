/**
 * Group commit: every event submitted during one event-loop turn is written in one transaction, and each
 * submitter's promise settles only after that transaction committed (or failed). One commit (and one fsync with
 * synchronous=FULL) is then shared by all the requests that were ready together, which is what makes durable
 * acknowledgement cheap under load. A store takes at most `pipelineDepth` batches at once (1 by default); beyond
 * that, new events wait for the next batch, so batches grow with load instead of transactions piling up. SQLite
 * takes one (its writer thread commits while the event loop collects the next batch; handing the thread up to 8
 * in advance measured no gain, BENCHMARKS.md); PostgreSQL (one per core, at least 2) writes each in its own
 * transaction on its own connection, so one batch is written while another waits for its commit.
 */

import type { Vendor } from "@livehook/core";
import type { EventStore, NewEvent, NewRejection, WriteOutcome } from "./store/types.js";

const MAX_TRANSACTION_EVENTS = 1000;

type Pending = {
  event: NewEvent;
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
  /** performance.now() at submit: the store wait bound counts from here. */
  submittedAt: number;
  /** Answered already: by the store, or with StoreWaitExceeded. */
  settled: boolean;
};

/**
 * The store did not commit within the bound. The event is not acknowledged (the vendor gets a 503 and retries);
 * its write may still commit later, and the retry is then a duplicate of it, so nothing acknowledged is lost.
 */
export class StoreWaitExceeded extends Error {
  override name = "StoreWaitExceeded";
}

export type GroupCommitHooks = {
  /**
   * Flush at once when this many events are queued, instead of waiting for the end of the turn. Smaller batches
   * let early replies go out while the rest of a large burst is still being parsed and verified.
   */
  maxBatch?: number;
  /** Called after each committed batch with its events and outcomes (SSE, forwarding, metrics). */
  onCommit?: (events: readonly NewEvent[], outcomes: readonly WriteOutcome[]) => void;
  onError?: (err: unknown, kind: "events" | "rejections") => void;
  /** Called after rejected attempts were recorded (the event stream shows them). */
  onRejectionsRecorded?: (rejections: readonly NewRejection[]) => void;
  /** Rejected attempts kept per vendor; older ones are deleted as new ones are recorded. Default 1000. */
  keepRejectionsPerVendor?: number;
  /**
   * Per vendor, at most `burst` rejected attempts at once and `perSecond` after that are recorded (a token bucket
   * on their `receivedAt`); unlimited when absent.
   */
  rejectionRate?: { perSecond: number; burst: number };
  /** Called when a rejected attempt is not recorded: over the rate, or too many already wait for the store. */
  onRejectionDropped?: (rejection: NewRejection) => void;
  /**
   * Longest an event waits for its commit, from submit (ms). Past it, the submitter gets StoreWaitExceeded, so a
   * blocked store answers deliveries within the vendors' timeouts (Alibaba's is 5 s) instead of hanging them.
   */
  storeWaitMs?: number;
};

/**
 * At most this many rejected attempts wait in memory for the store; beyond it a flood of bad requests is only
 * counted, so it can neither grow the heap nor delay the writes of genuine events.
 */
export const MAX_QUEUED_REJECTIONS = 1000;

export class GroupCommitter {
  private queue: Pending[] = [];
  private rejections: NewRejection[] = [];
  private scheduled = false;
  private readonly writing = new Set<Promise<void>>();
  /** The batches being written and when each was handed to the store, for the bound and for `stalledMs`. */
  private readonly inFlight = new Set<{ batch: Pending[]; startedAt: number }>();
  private readonly depth: number;
  private readonly rejectionTokens = new Map<Vendor, { tokens: number; at: number }>();
  private watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly hooks: GroupCommitHooks = {},
  ) {
    this.depth = Math.max(1, store.pipelineDepth ?? 1);
  }

  /**
   * `since`: performance.now() when the event's wait began, from which the store wait bound counts; a request
   * handler passes the request's start (it has read the clock already, and that is the wait the vendor sees).
   */
  submit(event: NewEvent, since = performance.now()): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject, submittedAt: since, settled: false });
      if (this.watchdog === undefined) this.armWatchdog();
      if (this.queue.length >= (this.hooks.maxBatch ?? Number.POSITIVE_INFINITY) && this.writing.size < this.depth) {
        void this.flush();
      } else this.schedule();
    });
  }

  /**
   * How long the oldest write still running has been in the store's hands (ms), 0 when none is. Longer than the
   * store wait bound means the store is blocked (a locked table answers a `SELECT 1` ping but takes no write), so
   * /readyz reports it.
   */
  stalledMs(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const f of this.inFlight) oldest = Math.min(oldest, f.startedAt);
    return oldest === Number.POSITIVE_INFINITY ? 0 : performance.now() - oldest;
  }

  /** Best effort: a rejected attempt is recorded for inspection, but its reply never waits for the store. */
  recordRejection(rejection: NewRejection): void {
    if (this.rejections.length >= MAX_QUEUED_REJECTIONS || !this.takeRejectionToken(rejection)) {
      this.hooks.onRejectionDropped?.(rejection);
      return;
    }
    this.rejections.push(rejection);
    this.schedule();
  }

  private takeRejectionToken(rejection: NewRejection): boolean {
    const rate = this.hooks.rejectionRate;
    if (rate === undefined) return true;
    const at = rejection.receivedAt;
    let bucket = this.rejectionTokens.get(rejection.vendor);
    if (bucket === undefined) {
      bucket = { tokens: rate.burst, at };
      this.rejectionTokens.set(rejection.vendor, bucket);
    } else if (at > bucket.at) {
      // Only time moving forward refills, so a clock stepping back cannot mint tokens.
      bucket.tokens = Math.min(rate.burst, bucket.tokens + ((at - bucket.at) * rate.perSecond) / 1000);
      bucket.at = at;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Resolves once everything submitted so far has been written. */
  async drain(): Promise<void> {
    while (this.writing.size > 0 || this.queue.length > 0 || this.rejections.length > 0) {
      const waiting = this.queue.length > 0 || this.rejections.length > 0;
      if (waiting && this.writing.size < this.depth) await this.flush();
      else await Promise.race(this.writing);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing.size >= this.depth) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // A full batch may have been flushed since; a write that settles schedules the rest.
      if (this.writing.size < this.depth) void this.flush();
    });
  }

  private flush(): Promise<void> {
    // Bounded, so one transaction never outgrows a statement's parameter limit (PostgreSQL: 65535).
    const batch = this.queue.splice(0, MAX_TRANSACTION_EVENTS);
    const rejections = this.rejections.splice(0, MAX_TRANSACTION_EVENTS);
    if (batch.length === 0 && rejections.length === 0) return Promise.resolve();
    const run: Promise<void> = this.write(batch, rejections).finally(() => {
      this.writing.delete(run);
      if (this.queue.length > 0 || this.rejections.length > 0) this.schedule();
    });
    this.writing.add(run);
    return run;
  }

  private async write(batch: Pending[], rejections: NewRejection[]): Promise<void> {
    const flight = { batch, startedAt: performance.now() };
    this.inFlight.add(flight);
    try {
      if (batch.length > 0) await this.writeEvents(batch);
    } finally {
      this.inFlight.delete(flight);
    }
    if (rejections.length > 0) {
      const flight = { batch: [], startedAt: performance.now() };
      this.inFlight.add(flight);
      try {
        await this.store.recordRejections(rejections, this.hooks.keepRejectionsPerVendor ?? 1000);
        this.hooks.onRejectionsRecorded?.(rejections);
      } catch (err) {
        this.hooks.onError?.(err, "rejections");
      } finally {
        this.inFlight.delete(flight);
      }
    }
  }

  private async writeEvents(batch: Pending[]): Promise<void> {
    const events = batch.map((p) => p.event);
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.store.writeBatch(events);
    } catch (err) {
      this.hooks.onError?.(err, "events");
      for (const p of batch) {
        p.settled = true;
        p.reject(err);
      }
      return;
    }
    if (outcomes.length !== batch.length) {
      const err = new Error(`store answered ${outcomes.length} outcomes for ${batch.length} events`);
      this.hooks.onError?.(err, "events");
      for (const p of batch) {
        p.settled = true;
        p.reject(err);
      }
      return;
    }
    // Submitters already answered StoreWaitExceeded keep that answer (a promise settles once): their events are
    // committed now, unacknowledged, and the vendor's retry will be a duplicate of them.
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending;
      p.settled = true;
      p.resolve(outcomes[i] as WriteOutcome);
    }
    this.hooks.onCommit?.(events, outcomes);
  }

  /** One timer at a time, for the earliest deadline of an event not yet answered. */
  private armWatchdog(): void {
    const bound = this.hooks.storeWaitMs;
    if (bound === undefined || this.watchdog !== undefined) return;
    let earliest = Number.POSITIVE_INFINITY;
    const first = this.queue[0];
    if (first !== undefined) earliest = first.submittedAt;
    for (const f of this.inFlight)
      for (const p of f.batch) if (!p.settled) earliest = Math.min(earliest, p.submittedAt);
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.watchdog = setTimeout(() => this.expire(bound), Math.max(0, earliest + bound - performance.now()));
    // Never what keeps a process alive: the store's own sockets and timeouts do that while a write runs.
    this.watchdog.unref();
  }

  /** Answers every event older than the bound with StoreWaitExceeded; queued ones are dropped, never written. */
  private expire(bound: number): void {
    this.watchdog = undefined;
    const late = performance.now() - bound;
    const err = new StoreWaitExceeded(`the store did not commit within ${bound} ms`);
    const first = this.queue[0];
    if (first !== undefined && first.submittedAt <= late) {
      const kept: Pending[] = [];
      for (const p of this.queue) {
        if (p.submittedAt <= late) {
          p.settled = true;
          p.reject(err);
        } else kept.push(p);
      }
      this.queue = kept;
    }
    for (const f of this.inFlight) {
      for (const p of f.batch) {
        if (!p.settled && p.submittedAt <= late) {
          p.settled = true;
          p.reject(err);
        }
      }
    }
    this.armWatchdog();
  }
}

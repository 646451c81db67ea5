/**
 * Group commit: every event submitted during one event-loop turn is written in one transaction, and each
 * submitter's promise settles only after that transaction committed (or failed). One commit (and one fsync with
 * synchronous=FULL) is then shared by all the requests that were ready together, which is what makes durable
 * acknowledgement cheap under load. A store takes at most `pipelineDepth` batches at once (1 by default); beyond
 * that, new events wait for the next batch, so batches grow with load instead of transactions piling up. The
 * SQLite writer thread (8) queues the batches it gets and commits all that are queued in one transaction, so the
 * event loop never waits for a commit to hand over the next batch; PostgreSQL (3) writes each in its own
 * transaction on its own connection, so one batch is written while another waits for its commit.
 */
import type { EventStore, NewEvent, NewRejection, WriteOutcome } from "./store/types.js";
import type { Vendor } from "./vendors.js";

const MAX_TRANSACTION_EVENTS = 1000;

type Pending = { event: NewEvent; resolve: (o: WriteOutcome) => void; reject: (e: unknown) => void };

export type GroupCommitHooks = {
  /**
   * Flush at once when this many events are queued, instead of waiting for the end of the turn. Smaller batches
   * let early replies go out while the rest of a large burst is still being parsed and verified.
   */
  maxBatch?: number;
  /** Called after each committed batch with its events and outcomes (SSE, forwarding, metrics). */
  onCommit?: (events: readonly NewEvent[], outcomes: readonly WriteOutcome[]) => void;
  onError?: (err: unknown, kind: "events" | "rejections") => void;
  /** Rejected attempts kept per vendor; older ones are deleted as new ones are recorded. Default 1000. */
  keepRejectionsPerVendor?: number;
  /**
   * Per vendor, at most `burst` rejected attempts at once and `perSecond` after that are recorded (a token bucket
   * on their `receivedAt`); unlimited when absent.
   */
  rejectionRate?: { perSecond: number; burst: number };
  /** Called when a rejected attempt is not recorded: over the rate, or too many already wait for the store. */
  onRejectionDropped?: (rejection: NewRejection) => void;
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
  private readonly depth: number;
  private readonly rejectionTokens = new Map<Vendor, { tokens: number; at: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly hooks: GroupCommitHooks = {},
  ) {
    this.depth = Math.max(1, store.pipelineDepth ?? 1);
  }

  submit(event: NewEvent): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.queue.length >= (this.hooks.maxBatch ?? Number.POSITIVE_INFINITY) && this.writing.size < this.depth) {
        void this.flush();
      } else this.schedule();
    });
  }

  /** See EventStore.pollWrites. */
  pollWrites(): void {
    if (this.writing.size > 0) this.store.pollWrites?.();
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
    if (batch.length > 0) {
      const events = batch.map((p) => p.event);
      let outcomes: WriteOutcome[];
      try {
        outcomes = await this.store.writeBatch(events);
      } catch (err) {
        this.hooks.onError?.(err, "events");
        for (const p of batch) p.reject(err);
        outcomes = [];
      }
      if (outcomes.length === batch.length) {
        for (let i = 0; i < batch.length; i++) batch[i]?.resolve(outcomes[i] as WriteOutcome);
        this.hooks.onCommit?.(events, outcomes);
      }
    }
    if (rejections.length > 0) {
      try {
        await this.store.recordRejections(rejections, this.hooks.keepRejectionsPerVendor ?? 1000);
      } catch (err) {
        this.hooks.onError?.(err, "rejections");
      }
    }
  }
}

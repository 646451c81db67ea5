/**
 * The outbox. Each accepted event of a vendor with targets (HTTP forwarding, NATS JetStream, RabbitMQ:
 * src/outbox/) is queued in the same transaction that stores it (forward_state = pending). A pass claims due
 * events with a lease (the store's `claimForwards`: several receivers on one PostgreSQL never take the same
 * event, and a killed receiver's claims come due again when their lease runs out), hands each target the events
 * it has not confirmed yet, and marks an event delivered once every target of its vendor confirmed it. Failures
 * are retried on an explicit schedule (svix-style `retryScheduleInMs`); when the schedule is exhausted the event
 * is dead-lettered (forward_state = dead plus a dead_letters row). Delivery is at least once: a target that
 * confirmed an event just before its receiver died gets it again from the next claim.
 */

import type { Clock, Vendor } from "@livehook/core";
import type { Logger } from "pino";
import type { OutboxTarget } from "./outbox/target.js";
import type { EventStore, ForwardMark, ForwardTask } from "./store/types.js";

export const DEFAULT_LEASE_MS = 30_000;
/** Events claimed per pass. */
const CLAIM_BATCH = 200;
/** Share of the lease a pass may spend delivering, so its marks are written before the lease runs out. */
const DELIVER_SHARE_OF_LEASE = 0.8;

export type ForwarderOptions = {
  store: EventStore;
  targets: Partial<Record<Vendor, readonly OutboxTarget[]>>;
  retryScheduleMs: readonly number[];
  /** How long a claim keeps its events from other receivers (ms). */
  leaseMs?: number | undefined;
  clock: Clock;
  log: Logger;
};

export class Forwarder {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly leaseMs: number;

  constructor(private readonly opts: ForwarderOptions) {
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Runs one pass over due events; resolves when every attempt of the pass has been recorded. */
  async runOnce(): Promise<number> {
    const tasks = await this.opts.store.claimForwards(this.opts.clock.now().getTime(), this.leaseMs, CLAIM_BATCH);
    if (tasks.length === 0) return 0;
    const lease = AbortSignal.timeout(this.leaseMs * DELIVER_SHARE_OF_LEASE);
    const done = new Map(tasks.map((t) => [t.id, new Set(t.done)]));
    const errors = new Map<number, string[]>();
    const byVendor = new Map<Vendor, ForwardTask[]>();
    for (const task of tasks) byVendor.set(task.vendor, [...(byVendor.get(task.vendor) ?? []), task]);
    const deliveries = [...byVendor].flatMap(([vendor, vendorTasks]) =>
      (this.opts.targets[vendor] ?? []).map(async (target) => {
        const open = vendorTasks.filter((t) => !done.get(t.id)?.has(target.name));
        if (open.length === 0) return;
        const results = await target.deliver(open, lease);
        open.forEach((task, i) => {
          const error = results[i];
          if (error === undefined) done.get(task.id)?.add(target.name);
          else errors.set(task.id, [...(errors.get(task.id) ?? []), `${target.name}: ${error}`]);
        });
      }),
    );
    await Promise.all(deliveries);

    const now = this.opts.clock.now().getTime();
    const marks = tasks.map((task): ForwardMark => {
      const targets = this.opts.targets[task.vendor] ?? [];
      const confirmed = done.get(task.id) ?? new Set<string>();
      if (targets.length > 0 && targets.every((t) => confirmed.has(t.name))) return { id: task.id, state: "delivered" };
      const error = targets.length === 0 ? "no forwarding target configured" : (errors.get(task.id) ?? []).join("; ");
      // Only names of targets still configured: one removed since would otherwise block `delivered` forever.
      const kept = targets.filter((t) => confirmed.has(t.name)).map((t) => t.name);
      const delay = this.opts.retryScheduleMs[task.attempts];
      if (delay !== undefined) return { id: task.id, state: "pending", nextAt: now + delay, error, done: kept };
      this.opts.log.warn({ eventId: task.id, error }, "forwarding failed for good; dead-lettered");
      return { id: task.id, state: "dead", error, done: kept };
    });
    await this.opts.store.markForwards(now, marks);
    return tasks.length;
  }

  /** Starts polling; `wake()` runs a pass at once (called after each commit). */
  start(intervalMs = 1000): void {
    const tick = () => {
      if (this.stopped) return;
      this.wake();
      this.timer = setTimeout(tick, intervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Runs passes until the queue has nothing due; a wake during a pass runs one more after it. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      for (;;) {
        this.again = false;
        const claimed = await this.runOnce();
        if (this.stopped || (claimed < CLAIM_BATCH && !this.again)) return;
      }
    })()
      .catch((err) => this.opts.log.error({ err }, "forwarding pass failed"))
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }
}

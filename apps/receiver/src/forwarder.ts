/**
 * Forwarding: each accepted event of a vendor with a target URL is queued in the same transaction that stores
 * it (forward_state = pending), then POSTed as JSON to the target. Failures are retried on an explicit schedule
 * (svix-style `retryScheduleInMs`); when the schedule is exhausted the event is dead-lettered (forward_state =
 * dead plus a dead_letters row). The queue lives in the database, so a restart resumes where it stopped.
 */

import type { Logger } from "pino";
import { authenticatedOf } from "./api/event-json.js";
import type { Clock } from "./deps.js";
import type { EventStore, ForwardTask } from "./store/types.js";
import type { Vendor } from "./vendors.js";

export type ForwarderOptions = {
  store: EventStore;
  targets: Partial<Record<Vendor, string>>;
  retryScheduleMs: readonly number[];
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export function forwardPayload(task: ForwardTask): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(task.rawBody));
  } catch {
    body = null;
  }
  const s = task.summary;
  return {
    id: s.id,
    vendor: s.vendor,
    receivedAt: new Date(s.receivedAt).toISOString(),
    eventType: s.eventType,
    authenticated: authenticatedOf(s),
    bodyAuthenticated: s.authScope === "body",
    anomaly: s.anomaly,
    valid: s.valid,
    body,
  };
}

export class Forwarder {
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: ForwarderOptions) {
    this.fetch = opts.fetch ?? fetch;
  }

  /** Runs one pass over due events; resolves when every attempt of the pass has been recorded. */
  async runOnce(): Promise<number> {
    const now = this.opts.clock.now().getTime();
    const tasks = await this.opts.store.dueForwards(now, 50);
    for (const task of tasks) await this.attempt(task);
    return tasks.length;
  }

  private async attempt(task: ForwardTask): Promise<void> {
    const target = this.opts.targets[task.vendor];
    let error: string;
    if (target === undefined) {
      error = "no forwarding target configured";
    } else {
      try {
        const res = await this.fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json", "x-livehook-event-id": String(task.id) },
          body: JSON.stringify(forwardPayload(task)),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        await res.body?.cancel().catch(() => {});
        if (res.ok) {
          await this.opts.store.markForward(task.id, this.opts.clock.now().getTime(), { state: "delivered" });
          return;
        }
        error = `HTTP ${res.status}`;
      } catch (err) {
        error = (err as Error).message;
      }
    }
    const now = this.opts.clock.now().getTime();
    const delay = this.opts.retryScheduleMs[task.attempts];
    if (delay === undefined) {
      this.opts.log.warn({ eventId: task.id, error }, "forwarding failed for good; dead-lettered");
      await this.opts.store.markForward(task.id, now, { state: "dead", error });
    } else {
      await this.opts.store.markForward(task.id, now, { state: "pending", nextAt: now + delay, error });
    }
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

  wake(): void {
    if (this.running !== undefined || this.stopped) return;
    this.running = this.runOnce()
      .then(() => undefined)
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

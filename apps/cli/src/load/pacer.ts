/**
 * Open-loop, fixed-rate scheduling (the wrk2 model): request i is due at `start + i / rate`, whatever happened to
 * the requests before it. A sender that falls behind sends late requests at once and their latency counts from
 * when they were due, so a stalled target shows as high latency instead of as fewer, faster requests (coordinated
 * omission). One timer serves every waiting sender: requests are claimed in order, so the waiters are too.
 */
export type LoadClock = {
  /** Monotonic milliseconds. */
  now: () => number;
  /** Calls `wake` at (or after) `at`. */
  wakeAt: (at: number, wake: () => void) => void;
};

export const realClock: LoadClock = {
  now: () => performance.now(),
  wakeAt: (at, wake) => {
    setTimeout(wake, Math.max(0, at - performance.now()));
  },
};

export class Pacer {
  readonly #clock: LoadClock;
  readonly #intervalMs: number;
  readonly #start: number;
  readonly #waiters: { at: number; release: () => void }[] = [];
  #head = 0;
  #timerAt = Number.POSITIVE_INFINITY;

  /** `rate` in requests per second, counted from `start` (a `clock.now()` value). */
  constructor(clock: LoadClock, rate: number, start: number) {
    this.#clock = clock;
    this.#intervalMs = 1000 / rate;
    this.#start = start;
  }

  /** When request `i` (from 0) is due. */
  dueAt(i: number): number {
    return this.#start + i * this.#intervalMs;
  }

  /** Resolves once request `i` is due; undefined when it already is (no promise, no tick). */
  wait(i: number): Promise<void> | undefined {
    const at = this.dueAt(i);
    if (at <= this.#clock.now()) return undefined;
    return new Promise<void>((release) => {
      this.#waiters.push({ at, release });
      if (at < this.#timerAt) this.#arm(at);
    });
  }

  #arm(at: number): void {
    this.#timerAt = at;
    this.#clock.wakeAt(at, () => this.#fire(at));
  }

  #fire(armedAt: number): void {
    if (armedAt !== this.#timerAt) return;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    while (this.#head < this.#waiters.length && (this.#waiters[this.#head] as { at: number }).at <= now) {
      (this.#waiters[this.#head] as { release: () => void }).release();
      this.#head++;
    }
    if (this.#head === this.#waiters.length) {
      this.#waiters.length = 0;
      this.#head = 0;
      return;
    }
    this.#arm((this.#waiters[this.#head] as { at: number }).at);
  }
}

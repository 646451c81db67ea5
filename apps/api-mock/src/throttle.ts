/** Fixed-window request counters for the optional vendor throttling (D16), on the injected clock. */
import type { Clock } from "@livehook/core";

export class Throttle {
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly clock: Clock) {}

  /** True when the call fits in the budget of its window; counts it either way. */
  take(key: string, limit: number, windowMs: number): boolean {
    const now = this.clock.now().getTime();
    const start = now - (now % windowMs);
    const w = this.#windows.get(key);
    if (w === undefined || w.start !== start) {
      this.#windows.set(key, { start, count: 1 });
      return 1 <= limit;
    }
    w.count++;
    return w.count <= limit;
  }

  reset(): void {
    this.#windows.clear();
  }
}

/** Alibaba's documented per-action QPS per user (§4.2). */
export const ALIYUN_QPS: Readonly<Record<string, number>> = {
  AddLiveRecordNotifyConfig: 30,
  UpdateLiveRecordNotifyConfig: 30,
  DescribeLiveRecordNotifyConfig: 50,
  DeleteLiveRecordNotifyConfig: 30,
  DescribeLiveRecordNotifyRecords: 100,
};

/**
 * Response latencies of a load run, in Node's own HdrHistogram (`perf_hooks.createHistogram`): constant memory
 * however long the run, percentiles within 0.1 % (three significant digits), microsecond resolution. The maximum is
 * kept exactly beside it.
 */
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";

export type LatencySummary = { p50: number; p90: number; p99: number; max: number } | null;

/** An hour, in microseconds: longer latencies are recorded as an hour (the maximum stays exact). */
const HIGHEST_US = 3_600_000_000;

const ms = (us: number) => Math.round(us / 10) / 100;

export class Latencies {
  readonly #histogram: RecordableHistogram = createHistogram({ lowest: 1, highest: HIGHEST_US, figures: 3 });
  #maxMs = 0;
  #count = 0;

  add(latencyMs: number): void {
    this.#histogram.record(Math.min(HIGHEST_US, Math.max(1, Math.round(latencyMs * 1000))));
    if (latencyMs > this.#maxMs) this.#maxMs = latencyMs;
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  /** p50, p90 and p99 (each within 0.1 %) and the exact max, in ms rounded to 0.01 ms; null when nothing was measured. */
  summary(): LatencySummary {
    if (this.#count === 0) return null;
    const at = (p: number) => Math.min(ms(this.#histogram.percentile(p)), Math.round(this.#maxMs * 100) / 100);
    return { p50: at(50), p90: at(90), p99: at(99), max: Math.round(this.#maxMs * 100) / 100 };
  }
}

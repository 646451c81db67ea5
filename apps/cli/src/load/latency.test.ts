import { describe, expect, test } from "vitest";
import { Latencies } from "./latency.js";

/** Within 0.1 % (the histogram's three significant digits). */
const near = (actual: number | undefined, exact: number) =>
  expect(Math.abs((actual ?? 0) - exact)).toBeLessThanOrEqual(exact / 1000);

describe("Latencies", () => {
  test("p50, p90, p99 and max of 1..100 ms, whatever the insertion order", () => {
    const l = new Latencies();
    for (let v = 100; v >= 1; v--) l.add(v);
    const s = l.summary();
    near(s?.p50, 50);
    near(s?.p90, 90);
    near(s?.p99, 99);
    expect(s?.max).toBe(100);
  });

  test("a long tail: 99 % fast, 1 % slow; the max exact", () => {
    const l = new Latencies();
    for (let i = 0; i < 100_000; i++) l.add(i % 100 === 99 ? 250 + (i % 7) : 1.5);
    l.add(1234.5678);
    expect(l.count).toBe(100_001);
    const s = l.summary();
    near(s?.p50, 1.5);
    near(s?.p90, 1.5);
    // 99,000 of the 100,001 values are fast: the 99,001st, nearest-rank p99, is the fastest slow one.
    near(s?.p99, 250);
    expect(s?.max).toBe(1234.57);
    const tail = new Latencies();
    for (let i = 0; i < 1000; i++) tail.add(i < 980 ? 2 : 300);
    near(tail.summary()?.p99, 300);
  });

  test("a single value is every percentile; nothing measured is null", () => {
    const one = new Latencies();
    one.add(3);
    expect(one.summary()).toEqual({ p50: 3, p90: 3, p99: 3, max: 3 });
    expect(new Latencies().summary()).toBeNull();
  });
});

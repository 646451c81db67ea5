import { Worker } from "node:worker_threads";
import { expect, test } from "vitest";
import { cpuPerEvent, threadCpuSeconds } from "./thread-cpu.js";

const linux = process.platform === "linux";

/**
 * Spins until this thread has run for `ms` of CPU time by its own /proc reading, not for `ms` of wall time: on a
 * loaded machine (CI runs the packages' tests side by side) a thread can be off the CPU for much of a wall-clock
 * spin. Gives up after ten seconds of wall time.
 */
function burnCpu(ms: number) {
  const own = () => threadCpuSeconds(process.pid)?.get(process.pid) ?? Number.NaN;
  const start = own();
  const giveUp = performance.now() + 10_000;
  let x = 0;
  while ((own() - start) * 1000 < ms && performance.now() < giveUp) {
    const until = performance.now() + 5;
    while (performance.now() < until) x += Math.sqrt(x + 1);
  }
  return x;
}

test.runIf(linux)("reads every thread of a process and charges the event loop with its own work", async () => {
  const worker = new Worker("setInterval(() => {}, 1000)", { eval: true });
  await new Promise((resolve) => worker.once("online", resolve));
  try {
    const before = threadCpuSeconds(process.pid);
    expect(before?.has(process.pid)).toBe(true);
    expect(before?.size).toBeGreaterThan(1);
    burnCpu(200);
    const after = threadCpuSeconds(process.pid);
    const cost = cpuPerEvent(process.pid, before, after, 1000);
    // 200 ms of the event loop's CPU over 1000 "events": about 200 µs each, counted at clock-tick granularity.
    expect(cost?.eventLoopUs).toBeGreaterThan(100);
    expect(cost?.allThreadsUs).toBeGreaterThanOrEqual(cost?.eventLoopUs ?? Number.POSITIVE_INFINITY);
  } finally {
    await worker.terminate();
  }
});

test("no reading, no figures", () => {
  expect(threadCpuSeconds(-1)).toBeUndefined();
  expect(cpuPerEvent(1, undefined, new Map(), 10)).toBeUndefined();
  expect(cpuPerEvent(1, new Map(), new Map(), 0)).toBeUndefined();
});

test("threads that started between the readings count from zero", () => {
  const cost = cpuPerEvent(
    7,
    new Map([[7, 1]]),
    new Map([
      [7, 2],
      [8, 0.5],
    ]),
    1_000_000,
  );
  expect(cost).toEqual({ eventLoopUs: 1, allThreadsUs: 1.5 });
});

import { expect, test } from "vitest";
import { cpuTicks, parseCpuTicks, stealPercent } from "./steal-time.js";

const SAMPLE = `cpu  4705 150 1120 16250 520 0 33 222 0 0
cpu0 2355 75 560 8125 260 0 16 111 0 0
intr 114930548 113199788 3 0 5 263 0 4 [...]
`;

test("reads the machine-wide line, steal being the eighth counter", () => {
  expect(parseCpuTicks(SAMPLE)).toEqual({ steal: 222, total: 4705 + 150 + 1120 + 16250 + 520 + 0 + 33 + 222 });
});

test("a line it cannot read gives no figure", () => {
  expect(parseCpuTicks("cpu0 1 2 3\n")).toBeUndefined();
  expect(parseCpuTicks("cpu  1 2 3 4\n")).toBeUndefined();
  expect(parseCpuTicks("cpu  1 2 3 4 5 6 7 x\n")).toBeUndefined();
});

test("steal as a share of all time between two readings", () => {
  expect(stealPercent({ steal: 10, total: 1000 }, { steal: 30, total: 1400 })).toBeCloseTo(5);
  expect(stealPercent({ steal: 10, total: 1000 }, { steal: 10, total: 1000 })).toBeUndefined();
  expect(stealPercent(undefined, { steal: 1, total: 2 })).toBeUndefined();
});

test.runIf(process.platform === "linux")("reads this machine's counters", () => {
  const ticks = cpuTicks();
  expect(ticks?.total).toBeGreaterThan(0);
  expect(ticks?.steal).toBeGreaterThanOrEqual(0);
});

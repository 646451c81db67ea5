/**
 * Time the hypervisor gave this machine's vCPUs to someone else ("steal", from the first line of Linux's
 * /proc/stat). On a shared VM a run with steal measures the neighbours as much as the server, and it hits a
 * server that needs both cores (the receiver and its writer thread) harder than one that needs one (the bare
 * server), so the bench reports it per run (BENCHMARKS.md, seventh pass). Elsewhere than Linux: undefined.
 */
import { readFileSync } from "node:fs";

export type CpuTicks = { steal: number; total: number };

/**
 * The machine-wide counters of /proc/stat's "cpu" line. `total` sums user, nice, system, idle, iowait, irq,
 * softirq and steal; guest time is already inside user and nice.
 */
export function parseCpuTicks(procStat: string): CpuTicks | undefined {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (line === undefined) return undefined;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  return { steal: fields[7] as number, total: fields.reduce((a, b) => a + b, 0) };
}

export function cpuTicks(): CpuTicks | undefined {
  try {
    return parseCpuTicks(readFileSync("/proc/stat", "utf8"));
  } catch {
    return undefined;
  }
}

/** Stolen share of all vCPU time between two readings, in per cent. */
export function stealPercent(before: CpuTicks | undefined, after: CpuTicks | undefined): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : undefined;
}

/**
 * CPU time per thread of a process, from Linux's /proc/<pid>/task/<tid>/stat, so the bench can say what each
 * event cost the server's event loop (the thread whose id is the pid) and all its threads together. On two cores
 * shared with the load generator these figures explain throughput better than throughput itself (BENCHMARKS.md,
 * fourth pass). Elsewhere than Linux the readings are undefined and the bench leaves the columns empty.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const clockTicks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;

/** Seconds of user + system time per thread id, or undefined when /proc cannot tell. */
export function threadCpuSeconds(pid: number): Map<number, number> | undefined {
  try {
    const times = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      // Fields after the parenthesised command name (which may contain spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      times.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / clockTicks);
    }
    return times;
  } catch {
    return undefined;
  }
}

export type CpuPerEvent = { eventLoopUs: number; allThreadsUs: number };

/** Microseconds of CPU per event between two readings; threads that started in between count from zero. */
export function cpuPerEvent(
  pid: number,
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
  events: number,
): CpuPerEvent | undefined {
  if (before === undefined || after === undefined || events === 0) return undefined;
  let all = 0;
  for (const [tid, seconds] of after) all += seconds - (before.get(tid) ?? 0);
  const loop = (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  return { eventLoopUs: (loop / events) * 1e6, allThreadsUs: (all / events) * 1e6 };
}

/** Summary of mock delivery records: what `simulate` prints at the end. */
import type { MockAdminDelivery } from "@livehook/core";

export type DeliveryStats = {
  deliveries: number;
  delivered: number;
  retried: number;
  failed: number;
  dropped: number;
  skipped: number;
  pending: number;
  duplicates: number;
  attempts: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
};

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export function deliveryStats(deliveries: readonly MockAdminDelivery[]): DeliveryStats {
  const latencies: number[] = [];
  const s: DeliveryStats = {
    deliveries: deliveries.length,
    delivered: 0,
    retried: 0,
    failed: 0,
    dropped: 0,
    skipped: 0,
    pending: 0,
    duplicates: 0,
    attempts: 0,
    latencyP50Ms: null,
    latencyP99Ms: null,
  };
  for (const d of deliveries) {
    s.attempts += d.attempts.length;
    if (d.attempts.length > 1) s.retried += 1;
    if (d.duplicate_of !== undefined) s.duplicates += 1;
    if (d.status === "success") {
      s.delivered += 1;
      const ok = d.attempts.find((a) => a.ok);
      if (ok) latencies.push(ok.latency_ms);
    } else if (d.status === "failed") s.failed += 1;
    else if (d.status === "dropped") s.dropped += 1;
    else if (d.status === "skipped") s.skipped += 1;
    else s.pending += 1;
  }
  latencies.sort((a, b) => a - b);
  s.latencyP50Ms = percentile(latencies, 50);
  s.latencyP99Ms = percentile(latencies, 99);
  return s;
}

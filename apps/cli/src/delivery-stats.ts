/** Summary of mock delivery records: what `simulate` prints at the end. */
import type { MockAdminDelivery } from "@livehook/api-mock/admin";

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

/**
 * Why a failed delivery failed, from its last attempt: the HTTP status and the receiver's reason (livehook's
 * `{"error":"bad_signature"}`, else the start of the reply), or the network error when nothing answered.
 */
export function failureReason(d: MockAdminDelivery): { status: number | null; reason: string } {
  const last = d.attempts[d.attempts.length - 1];
  if (last === undefined) return { status: null, reason: "never attempted" };
  if (last.status_code === undefined) return { status: null, reason: last.error ?? "no reply" };
  return { status: last.status_code, reason: replyReason(last.response_snippet) };
}

function replyReason(snippet: string): string {
  try {
    const body: unknown = JSON.parse(snippet);
    if (typeof body === "object" && body !== null) {
      const { error, message } = body as { error?: unknown; message?: unknown };
      if (typeof error === "string" && error !== "") return error;
      if (typeof message === "string" && message !== "") return message;
    }
  } catch {
    // Not JSON (or cut at 512 characters): the text itself says what the receiver answered.
  }
  const flat = snippet.replace(/\s+/g, " ").trim();
  if (flat === "") return "(empty reply)";
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

export type FailedDelivery = {
  id: string;
  vendor: string;
  eventType: string;
  stream: string;
  attempts: number;
  status: number | null;
  reason: string;
};

export function failedDeliveries(deliveries: readonly MockAdminDelivery[]): FailedDelivery[] {
  return deliveries
    .filter((d) => d.status === "failed")
    .map((d) => ({
      id: d.id,
      vendor: d.vendor,
      eventType: d.event_type,
      stream: d.stream,
      attempts: d.attempts.length,
      ...failureReason(d),
    }));
}

/** Failures grouped by status and reason, most frequent first: `401 bad_signature` → 3. */
export function failuresByReason(failures: readonly FailedDelivery[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const f of failures) {
    const key = f.status === null ? f.reason : `${f.status} ${f.reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

/**
 * Prometheus counters and a latency histogram, kept in memory per process and rendered as text at /metrics.
 * Every instance counts only what it handled itself and starts from zero; the scraper's `instance` label tells
 * instances apart, and every series of a metric has the same labels, with a zero line for each vendor from the
 * start, so `sum without (instance) (rate(...))` aggregates several receivers without gaps (README "Metrics").
 */
import { VENDORS, type Vendor } from "@livehook/core";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

export class Metrics {
  private readonly accepted = new Map<Vendor, number>();
  private readonly duplicates = new Map<Vendor, number>();
  private readonly invalid = new Map<Vendor, number>();
  private readonly unknownFields = new Map<Vendor, number>();
  private readonly forgedVariants = new Map<Vendor, number>();
  private readonly rejected = new Map<string, number>();
  private readonly rejectionsDropped = new Map<Vendor, number>();
  private storeFailures = 0;
  private readonly buckets = new Map<Vendor, number[]>();
  private readonly latencySum = new Map<Vendor, number>();
  private readonly latencyCount = new Map<Vendor, number>();

  private static bump<K>(map: Map<K, number>, key: K, by = 1): void {
    map.set(key, (map.get(key) ?? 0) + by);
  }

  accept(vendor: Vendor, opts: { valid: boolean; unknownFields: number }): void {
    Metrics.bump(this.accepted, vendor);
    if (!opts.valid) Metrics.bump(this.invalid, vendor);
    if (opts.unknownFields > 0) Metrics.bump(this.unknownFields, vendor, opts.unknownFields);
  }
  /** A stored event that shares its signature and signed fields with another but not its other fields. */
  forgedVariant(vendor: Vendor): void {
    Metrics.bump(this.forgedVariants, vendor);
  }
  duplicate(vendor: Vendor): void {
    Metrics.bump(this.duplicates, vendor);
  }
  reject(vendor: Vendor, reason: string): void {
    Metrics.bump(this.rejected, `${vendor}\u0000${reason}`);
  }
  /** A rejected attempt that was counted but not recorded: over the recording rate, or the queue was full. */
  rejectionDropped(vendor: Vendor): void {
    Metrics.bump(this.rejectionsDropped, vendor);
  }
  storeFailure(): void {
    this.storeFailures++;
  }
  /** Seconds from the first byte read to the reply, for every hook request. */
  observe(vendor: Vendor, seconds: number): void {
    let counts = this.buckets.get(vendor);
    if (counts === undefined) {
      counts = LATENCY_BUCKETS.map(() => 0);
      this.buckets.set(vendor, counts);
    }
    // Buckets are cumulative; the loop starts at the first bucket the observation falls in.
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[i] as number)) i++;
    for (; i < counts.length; i++) counts[i] = (counts[i] as number) + 1;
    Metrics.bump(this.latencySum, vendor, seconds);
    Metrics.bump(this.latencyCount, vendor);
  }

  render(): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, map: Map<Vendor, number>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const vendor of VENDORS) lines.push(`${name}{vendor="${vendor}"} ${map.get(vendor) ?? 0}`);
    };
    counter("livehook_events_accepted_total", "Verified events stored (first delivery).", this.accepted);
    counter("livehook_events_duplicate_total", "Verified redeliveries acknowledged without storing.", this.duplicates);
    counter("livehook_events_invalid_total", "Verified events stored although they failed the schema.", this.invalid);
    counter("livehook_unknown_fields_total", "Fields not in the vendor schema, kept as received.", this.unknownFields);
    counter(
      "livehook_events_forged_variant_total",
      "Events stored and flagged: same signature and signed fields as another event, other unsigned fields.",
      this.forgedVariants,
    );
    counter(
      "livehook_rejections_dropped_total",
      "Rejected attempts counted but not recorded (over the recording rate, or recording queue full).",
      this.rejectionsDropped,
    );
    lines.push(
      "# HELP livehook_events_rejected_total Attempts answered with 4xx, by reason.",
      "# TYPE livehook_events_rejected_total counter",
    );
    for (const [key, n] of this.rejected) {
      const [vendor, reason] = key.split("\u0000");
      lines.push(`livehook_events_rejected_total{vendor="${vendor}",reason="${reason}"} ${n}`);
    }
    lines.push(
      "# HELP livehook_store_failures_total Batches that failed to commit (answered 503).",
      "# TYPE livehook_store_failures_total counter",
      `livehook_store_failures_total ${this.storeFailures}`,
      "# HELP livehook_request_duration_seconds Hook request latency, body read to reply.",
      "# TYPE livehook_request_duration_seconds histogram",
    );
    for (const vendor of VENDORS) {
      const counts = this.buckets.get(vendor);
      LATENCY_BUCKETS.forEach((le, i) => {
        lines.push(`livehook_request_duration_seconds_bucket{vendor="${vendor}",le="${le}"} ${counts?.[i] ?? 0}`);
      });
      const count = this.latencyCount.get(vendor) ?? 0;
      lines.push(`livehook_request_duration_seconds_bucket{vendor="${vendor}",le="+Inf"} ${count}`);
      lines.push(`livehook_request_duration_seconds_sum{vendor="${vendor}"} ${this.latencySum.get(vendor) ?? 0}`);
      lines.push(`livehook_request_duration_seconds_count{vendor="${vendor}"} ${count}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

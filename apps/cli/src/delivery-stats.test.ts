import type { MockAdminDelivery } from "@livehook/api-mock/admin";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { deliveryStats, failedDeliveries, failuresByReason, percentile } from "./delivery-stats.js";

function delivery(status: MockAdminDelivery["status"], latencies: number[], extra: Partial<MockAdminDelivery> = {}) {
  return {
    id: "d",
    session_id: "s",
    vendor: "huawei-live",
    event_type: "RECORD_OVER",
    app: "live",
    stream: "s",
    url: "http://127.0.0.1/",
    status,
    attempts: latencies.map((ms, i) => ({
      attempt: i + 1,
      started_at: "2026-03-01T00:00:00Z",
      latency_ms: ms,
      ok: status === "success" && i === latencies.length - 1,
      response_snippet: "",
      fault: "none",
    })),
    body: "{}",
    headers: {},
    created_at: "2026-03-01T00:00:00Z",
    updated_at: "2026-03-01T00:00:00Z",
    ...extra,
  } as MockAdminDelivery;
}

describe("delivery stats", () => {
  test("counts outcomes, retries and duplicates", () => {
    const s = deliveryStats([
      delivery("success", [10]),
      delivery("success", [5, 30]),
      delivery("failed", [1, 1, 1]),
      delivery("dropped", []),
      delivery("skipped", []),
      delivery("success", [20], { duplicate_of: "d" }),
    ]);
    expect(s).toMatchObject({
      deliveries: 6,
      delivered: 3,
      retried: 2,
      failed: 1,
      dropped: 1,
      skipped: 1,
      duplicates: 1,
    });
    // Latency of the successful attempt only: 10, 20, 30.
    expect(s.latencyP50Ms).toBe(20);
    expect(s.latencyP99Ms).toBe(30);
  });

  test("percentile is nearest-rank and stays within the data", () => {
    expect(percentile([], 50)).toBeNull();
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1 }),
        fc.integer({ min: 1, max: 100 }),
        (xs, p) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const v = percentile(sorted, p) as number;
          expect(sorted).toContain(v);
          expect(sorted.filter((x) => x <= v).length / sorted.length).toBeGreaterThanOrEqual(p / 100);
        },
      ),
    );
  });
});

describe("failed deliveries", () => {
  /** A failed delivery whose one attempt got this answer. */
  const failed = (answer: Partial<MockAdminDelivery["attempts"][number]>): MockAdminDelivery => {
    const d = delivery("failed", [1]);
    return { ...d, attempts: d.attempts.map((a) => ({ ...a, ...answer })) };
  };

  test("each failure has its last attempt's status and the receiver's reason; the summary groups them", () => {
    const list = failedDeliveries([
      failed({ status_code: 401, response_snippet: '{"error":"bad_signature"}' }),
      failed({ status_code: 401, response_snippet: '{"error":"bad_signature"}' }),
      failed({ status_code: 404, response_snippet: '{"error":"vendor_not_configured","message":"no keys"}' }),
      failed({ status_code: 500, response_snippet: "<html>Internal   Server Error</html>" }),
      failed({ error: "connection_error: ECONNREFUSED", response_snippet: "" }),
      delivery("success", [3]),
    ]);
    expect(list.map((f) => [f.status, f.reason])).toEqual([
      [401, "bad_signature"],
      [401, "bad_signature"],
      [404, "vendor_not_configured"],
      [500, "<html>Internal Server Error</html>"],
      [null, "connection_error: ECONNREFUSED"],
    ]);
    expect(failuresByReason(list)).toEqual([
      { reason: "401 bad_signature", count: 2 },
      { reason: "404 vendor_not_configured", count: 1 },
      { reason: "500 <html>Internal Server Error</html>", count: 1 },
      { reason: "connection_error: ECONNREFUSED", count: 1 },
    ]);
  });
});

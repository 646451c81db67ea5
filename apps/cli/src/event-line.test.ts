import { describe, expect, test } from "vitest";
import { eventLine, rejectionLine } from "./event-line.js";
import type { Output } from "./output.js";
import { ReceivedEvent } from "./receiver-client.js";

const plain = (s: string) => s;
/** Only the colors matter to eventLine; each one marks its text so the test can see which was used. */
const out = {
  color: {
    ok: (s: string) => `<ok>${s}`,
    bad: (s: string) => `<bad>${s}`,
    warn: (s: string) => `<warn>${s}`,
    rejected: (s: string) => `<rejected>${s}`,
    dim: plain,
    bold: plain,
  },
} as unknown as Output;

/** A summary as the receiver's /api/events sends it (after migration 0005). */
const summary = (over: Record<string, unknown>) =>
  ReceivedEvent.parse({
    id: 4,
    vendor: "huawei-live",
    receivedAt: "2026-03-01T00:00:07.000Z",
    eventType: "RECORD_FILE_COMPLETE",
    domain: "push.example.com",
    app: "live",
    stream: "mystream",
    sessionKey: "task-1",
    verdict: "verified_fields",
    authenticated: { scope: "fields", fields: ["auth_timestamp", "event_type"] },
    bodyAuthenticated: false,
    valid: true,
    duplicates: 0,
    anomaly: null,
    ...over,
  });

describe("event lines", () => {
  test("only a whole-body signature is shown as plain verified", () => {
    expect(eventLine(out, summary({ verdict: "verified" }))).toContain("<ok>verified ");
    expect(eventLine(out, summary({}))).toContain("<warn>verified_fields ");
    expect(eventLine(out, summary({ verdict: "verified_signature_only" }))).toContain("<warn>verified_signature_only");
  });

  test("a forged variant names the event it copies the signature of", () => {
    const line = eventLine(out, summary({ anomaly: { kind: "forged_variant", otherEventId: 3 } }));
    expect(line).toContain("<bad>forged-variant of #3");
    expect(line).toMatch(/#4$/);
    expect(eventLine(out, summary({}))).not.toContain("forged");
  });

  test("summaries from receivers before the anomaly column still parse", () => {
    const { anomaly: _a, ...older } = summary({});
    expect(eventLine(out, ReceivedEvent.parse(older))).not.toContain("forged");
  });
});

describe("rejectionLine", () => {
  test("a rejected delivery shows its status and reason in the rejection colour", () => {
    const line = rejectionLine(out, {
      id: 9,
      vendor: "aliyun-live",
      receivedAt: "2026-03-01T00:00:08.000Z",
      status: 401,
      reason: "bad_signature",
    });
    expect(line).toBe("00:00:08 aliyun-live <rejected>rejected 401 bad_signature rejection #9");
  });
});

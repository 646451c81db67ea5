import { describe, expect, expectTypeOf, test } from "vitest";
import {
  CALLBACK_FAILURE_REASONS,
  type CallbackFailureReason,
  callbackFailure,
  REQUEST_FAILURE_REASONS,
  type RequestFailureReason,
  requestFailure,
} from "./verdict.js";

describe("verdict", () => {
  test("the reason lists are the reason types", () => {
    expectTypeOf<(typeof CALLBACK_FAILURE_REASONS)[number]>().toEqualTypeOf<CallbackFailureReason>();
    expectTypeOf<(typeof REQUEST_FAILURE_REASONS)[number]>().toEqualTypeOf<RequestFailureReason>();
    expect(CALLBACK_FAILURE_REASONS).toEqual([
      "missing_signature",
      "malformed",
      "expired",
      "not_yet_valid",
      "bad_signature",
    ]);
    expect(REQUEST_FAILURE_REASONS).toContain("content_hash_mismatch");
  });

  test("failure helpers", () => {
    expect(callbackFailure("expired")).toEqual({ ok: false, reason: "expired" });
    expect(requestFailure("malformed")).toEqual({ ok: false, reason: "malformed" });
    expect(requestFailure("malformed", "Timestamp")).toEqual({ ok: false, reason: "malformed", field: "Timestamp" });
  });
});

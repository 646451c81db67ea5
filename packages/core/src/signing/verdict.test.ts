import { describe, expect, expectTypeOf, test } from "vitest";
import {
  type AUTHENTICATION_SCOPES,
  type AuthenticationScope,
  CALLBACK_FAILURE_REASONS,
  type CallbackFailureReason,
  callbackFailure,
  callbackSuccess,
  HUAWEI_LIVE_HMAC_SIGNED_FIELDS,
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

  test("success verdicts say what was authenticated; bodyAuthenticated is true only for the whole body", () => {
    expectTypeOf<(typeof AUTHENTICATION_SCOPES)[number]>().toEqualTypeOf<AuthenticationScope>();
    expect(callbackSuccess.body(1)).toEqual({
      ok: true,
      keyIndex: 1,
      authenticated: { scope: "body" },
      bodyAuthenticated: true,
    });
    expect(callbackSuccess.huaweiLiveHmacFields(0)).toEqual({
      ok: true,
      keyIndex: 0,
      authenticated: {
        scope: "fields",
        fields: ["auth_timestamp", "event_type", "publish_domain", "app", "stream", "download_url", "play_url"],
      },
      bodyAuthenticated: false,
    });
    expect(callbackSuccess.none(2)).toEqual({
      ok: true,
      keyIndex: 2,
      authenticated: { scope: "none" },
      bodyAuthenticated: false,
    });
    // Shared between verdicts, so frozen: one caller cannot change what another is told.
    expect(Object.isFrozen(HUAWEI_LIVE_HMAC_SIGNED_FIELDS)).toBe(true);
    const verdict = callbackSuccess.huaweiLiveHmacFields(0);
    expect(verdict.ok && Object.isFrozen(verdict.authenticated)).toBe(true);
  });
});

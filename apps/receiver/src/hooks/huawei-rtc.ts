import { HuaweiRtcRecordCallback, verifyHuaweiRtcCallback } from "@livehook/core";
import { epochMs, text, type VendorHook } from "./vendor-hook.js";

export function huaweiRtcHook(opts: { toleranceSeconds: number }): VendorHook {
  return {
    vendor: "huawei-rtc",
    verify: ({ raw, headers, keys, now }) =>
      verifyHuaweiRtcCallback(raw, headers, keys, { now, toleranceSeconds: opts.toleranceSeconds }),
    schemaFor: () => HuaweiRtcRecordCallback,
    facts: (body, header) => {
      const app = text(body, "app_id");
      const room = text(body, "room_id");
      const stream = text(body, "stream_name");
      return {
        eventType: text(body, "event_type"),
        domain: room,
        app,
        stream,
        sessionKey: text(body, "job_id") ?? (app && stream ? `${app}/${room ?? ""}/${stream}` : null),
        fileKey: null,
        eventTime: epochMs(header("x-rtc-timestamp")),
        identityless: false,
      };
    },
    // The signature travels in headers, so the whole body is the event.
    authFields: [],
    ack: { status: 1, result: "success" },
  };
}

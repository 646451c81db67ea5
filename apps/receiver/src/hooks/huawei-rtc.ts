import { type HuaweiRtcCallbackEventType, HuaweiRtcRecordCallback, verifyHuaweiRtcCallback } from "@livehook/core";
import type { FileSequence } from "../store/types.js";
import { keyTime } from "./key-time.js";
import { epochMs, text, type VendorHook } from "./vendor-hook.js";

const FILE_START: HuaweiRtcCallbackEventType = "RECORD_NEW_FILE_START";
const FILE_COMPLETE: HuaweiRtcCallbackEventType = "RECORD_FILE_COMPLETE";

/**
 * A SparkRTC file start carries only job-level fields (vendor-spec §5.2), so every file start of one job and
 * format is byte-identical: it has no identity of its own. It is a duplicate only when it arrives within the
 * dedupe window of the stored one AND no completion of that job and format was stored in between (the store
 * counts completions per scope inside the write transaction). docs/receiver-internals.md "Idempotency keys".
 */
function fileSequence(eventType: string | null, job: string | null, format: string | null): FileSequence | undefined {
  if (job === null || (eventType !== FILE_START && eventType !== FILE_COMPLETE)) return undefined;
  return { scope: `huawei-rtc:${job}:${format ?? ""}`, role: eventType === FILE_START ? "start" : "complete" };
}

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
      const eventType = text(body, "event_type");
      const job = text(body, "job_id");
      return {
        eventType,
        domain: room,
        app,
        stream,
        sessionKey: job ?? (app && stream ? `${app}/${room ?? ""}/${stream}` : null),
        fileKey: null,
        eventTime: epochMs(header("x-rtc-timestamp")),
        keyTime: keyTime("huawei-rtc", body),
        identityless: eventType === FILE_START,
        fileSequence: fileSequence(eventType, job, text(body, "record_format")),
      };
    },
    ack: Object.freeze({ status: 1, result: "success" }),
  };
}

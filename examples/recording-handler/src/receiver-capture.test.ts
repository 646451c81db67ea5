/**
 * The livehook receiver as a recorder of what the vendor sends: the mock delivers a recording to it, waitForEvents
 * returns the stored callbacks as soon as they are committed, and their bodies, as received, go through the
 * handler's own mapping.
 */
import { startMock } from "@livehook/api-mock";
import { HuaweiLiveRecordCallback } from "@livehook/core";
import { startReceiver } from "@livehook/receiver";
import { expect, test } from "vitest";
import { recordedFileFrom } from "./recording-handler.js";

const KEY = "aKeyOfAtLeast32LettersAndDigits0123";

test("each file of a recording the receiver stored maps to one kept file, duplicates counted apart", async () => {
  const receiver = await startReceiver({ keys: { "huawei-live": [KEY] } });
  const mock = await startMock();
  try {
    await mock.createHuaweiLiveCallback({
      publish_domain: "push.example.com",
      app: "live",
      notify_callback_url: receiver.hookUrl("huawei-live"),
      notify_event_subscription: ["RECORD_FILE_COMPLETE"],
      key: KEY,
    });
    await mock.createSession({
      vendor: "huawei-live",
      domain: "push.example.com",
      app: "live",
      stream: "room-4",
      formats: ["HLS", "MP4"],
      segments: 3,
      segment_seconds: 30,
      faults: { duplicate_rate: 1, out_of_order: true },
    });

    const stored = await receiver.waitForEvents(
      { stream: "room-4", eventType: "RECORD_FILE_COMPLETE" },
      { count: 6, timeoutMs: 10_000 },
    );
    expect(stored.map((e) => e.verdict)).toEqual(stored.map(() => "verified_fields"));

    const files = await Promise.all(
      stored.map(async (e) => recordedFileFrom(HuaweiLiveRecordCallback.parse((await receiver.event(e.id)).body))),
    );
    expect(new Set(files.map((f) => f?.downloadUrl)).size).toBe(6);
    expect(files.map((f) => f?.durationSeconds)).toEqual([30, 30, 30, 30, 30, 30]);
    expect(files.filter((f) => f?.format === "MP4")).toHaveLength(3);

    // Once every copy is delivered, the receiver still holds six events, each with its one duplicate counted.
    await mock.idle();
    const { events } = await receiver.events({ stream: "room-4", eventType: "RECORD_FILE_COMPLETE" });
    expect(events.map((e) => e.duplicates)).toEqual([1, 1, 1, 1, 1, 1]);
  } finally {
    await mock.close();
    await receiver.close();
  }
});

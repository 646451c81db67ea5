import { expect, test } from "vitest";
import { buildSessions } from "./sessions.js";
import type { EventSummary } from "./store/types.js";

let nextId = 1;
/** A SparkRTC event as stored: file starts and completions carry no file key, the job is the session. */
function rtc(eventType: string): EventSummary {
  const id = nextId++;
  return {
    id,
    vendor: "huawei-rtc",
    receivedAt: id * 1000,
    eventType,
    domain: "room01",
    app: "app",
    stream: "s",
    sessionKey: "job-1",
    fileKey: null,
    eventTime: id * 1000,
    authScope: "body",
    keyIndex: 0,
    valid: true,
    unknownFields: [],
    duplicates: 0,
    forwardState: null,
    anomaly: null,
  };
}

test("a SparkRTC job with one start per file pairs every start with a completion", () => {
  const events = ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE"]
    .concat(["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "CLOUD_RECORD_SERVER_OVER"])
    .map(rtc);
  const [session] = buildSessions(events);
  expect(session?.ended).toBe(true);
  expect(session?.anomalies).toEqual([]);
});

test("SparkRTC: a start never completed, and a completion before its start, are flagged", () => {
  const events = [
    "RECORD_NEW_FILE_START",
    "RECORD_FILE_COMPLETE",
    "RECORD_FILE_COMPLETE",
    "RECORD_NEW_FILE_START",
    "RECORD_NEW_FILE_START",
    "CLOUD_RECORD_SERVER_OVER",
  ].map(rtc);
  const [session] = buildSessions(events);
  expect(session?.anomalies.map((a) => [a.kind, a.detail])).toEqual([
    ["out_of_order", "file complete before its start"],
    ["file_start_without_complete", "1 file start(s) never completed"],
  ]);
});

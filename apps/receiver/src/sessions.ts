/**
 * Groups events per recording job or stream (the event's session key) and flags what looks wrong:
 * a file start without its completion once the session ended, events after the end, complete before start,
 * vendor send times that go backwards in arrival order, and forged variants the store flagged.
 */
import type { HuaweiLiveCallbackEventType, HuaweiRtcCallbackEventType } from "@livehook/core";
import type { EventSummary } from "./store/types.js";

export type Anomaly = {
  kind: "file_start_without_complete" | "event_after_end" | "out_of_order" | "forged_variant";
  eventId: number;
  detail: string;
};

export type Session = {
  vendor: string;
  sessionKey: string;
  domain: string | null;
  app: string | null;
  stream: string | null;
  firstAt: number;
  lastAt: number;
  ended: boolean;
  eventIds: number[];
  eventTypes: (string | null)[];
  anomalies: Anomaly[];
};

// Typed against core's generated enums, so a renamed event type breaks the build instead of the anomaly rules.
type CallbackEventType = HuaweiLiveCallbackEventType | HuaweiRtcCallbackEventType;
const END_EVENTS = new Set<string>([
  "RECORD_OVER",
  "RECORD_FAILED",
  "CLOUD_RECORD_SERVER_OVER",
  "CLOUD_RECORD_OVER",
] satisfies CallbackEventType[]);
const FILE_START: CallbackEventType = "RECORD_NEW_FILE_START";
const FILE_COMPLETE: CallbackEventType = "RECORD_FILE_COMPLETE";

/** `events` in any order; each session's events are analysed in arrival (id) order. */
export function buildSessions(events: readonly EventSummary[]): Session[] {
  const fileIdOf = (e: EventSummary) => e.fileKey;
  const groups = new Map<string, EventSummary[]>();
  for (const e of events) {
    if (e.sessionKey === null) continue;
    const k = `${e.vendor}\u0000${e.sessionKey}`;
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [e]);
    else list.push(e);
  }
  const sessions: Session[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => a.id - b.id);
    const first = list[0] as EventSummary;
    const anomalies: Anomaly[] = [];
    let endedBy: EventSummary | undefined;
    let lastTime: number | null = null;
    const openFiles = new Map<string, EventSummary>();
    let unnamedStarts = 0;
    /** Completions without a file id that arrived while no such start was open; a later start pairs with one. */
    let earlyCompletes = 0;
    const completedFiles = new Set<string>();
    for (const e of list) {
      if (e.anomaly?.kind === "forged_variant") {
        anomalies.push({
          kind: "forged_variant",
          eventId: e.id,
          detail: `same signature and signed fields as #${e.anomaly.otherEventId}, other unsigned fields`,
        });
      }
      if (endedBy !== undefined) {
        anomalies.push({
          kind: "event_after_end",
          eventId: e.id,
          detail: `${e.eventType ?? "event"} after ${endedBy.eventType}`,
        });
      }
      if (e.eventTime !== null) {
        if (lastTime !== null && e.eventTime < lastTime) {
          anomalies.push({ kind: "out_of_order", eventId: e.id, detail: "sent before an event that arrived earlier" });
        }
        lastTime = Math.max(lastTime ?? e.eventTime, e.eventTime);
      }
      const fileId = fileIdOf(e);
      if (e.eventType === FILE_START) {
        if (fileId === null) {
          if (earlyCompletes > 0) earlyCompletes--;
          else unnamedStarts++;
        } else openFiles.set(fileId, e);
      } else if (e.eventType === FILE_COMPLETE) {
        if (fileId !== null && !openFiles.has(fileId) && !completedFiles.has(fileId)) {
          // A completion whose start has not arrived yet is an out-of-order delivery, unless no start ever comes.
          if (list.some((o) => o.id > e.id && o.eventType === FILE_START && fileIdOf(o) === fileId)) {
            anomalies.push({ kind: "out_of_order", eventId: e.id, detail: "file complete before its start" });
          }
        }
        if (fileId === null) {
          // SparkRTC starts carry no file id (docs/receiver-internals.md "Idempotency keys"): starts and completions pair up by count.
          if (
            unnamedStarts === 0 &&
            list.some((o) => o.id > e.id && o.eventType === FILE_START && o.fileKey === null)
          ) {
            anomalies.push({ kind: "out_of_order", eventId: e.id, detail: "file complete before its start" });
          }
          if (unnamedStarts === 0) earlyCompletes++;
          else unnamedStarts--;
        } else {
          openFiles.delete(fileId);
          completedFiles.add(fileId);
        }
      }
      if (e.eventType !== null && END_EVENTS.has(e.eventType) && endedBy === undefined) endedBy = e;
    }
    if (endedBy !== undefined) {
      for (const [fileId, start] of openFiles) {
        if (!completedFiles.has(fileId)) {
          anomalies.push({
            kind: "file_start_without_complete",
            eventId: start.id,
            detail: `file ${fileId} never completed`,
          });
        }
      }
      if (unnamedStarts > 0) {
        anomalies.push({
          kind: "file_start_without_complete",
          eventId: endedBy.id,
          detail: `${unnamedStarts} file start(s) never completed`,
        });
      }
    }
    sessions.push({
      vendor: first.vendor,
      sessionKey: first.sessionKey as string,
      domain: first.domain,
      app: first.app,
      stream: first.stream,
      firstAt: first.receivedAt,
      lastAt: (list[list.length - 1] as EventSummary).receivedAt,
      ended: endedBy !== undefined,
      eventIds: list.map((e) => e.id),
      eventTypes: list.map((e) => e.eventType),
      anomalies,
    });
  }
  return sessions.sort((a, b) => b.lastAt - a.lastAt);
}

/**
 * The event sequence of one simulated recording, per vendor (§5): realistic bodies with ids that link events
 * (Huawei `task_id` per recording task and `job_id` per file; SparkRTC `job_id` per job), download URLs, sizes,
 * durations, resolution and times. Pure: randomness and the start time are parameters.
 */

import type { Random } from "../deps.js";
import type { MockAdminRecordFormat, MockAdminSessionCreateRequest } from "../generated/index.js";
import { hex, isoSeconds } from "../ids.js";

export type PlannedEvent = {
  /** Huawei `event_type`, or Alibaba `NotifyType`. */
  eventType: string;
  /** The unsigned body. */
  payload: Record<string, unknown>;
  /** Virtual time of the event (ms since the epoch); dispatch follows it. */
  at: number;
};

/** `tasks` holds each recording task's own events (the same objects as `events`, which has all of them in order). */
export type Plan = { taskIds: string[]; events: PlannedEvent[]; tasks: { taskId: string; events: PlannedEvent[] }[] };

/** Seconds the vendor waits for a paused stream before it ends the task: the old end lands after a reconnect. */
export const MAX_PAUSE_SECONDS = 30;
/** A reconnecting publisher is back this many seconds after the break. */
export const RECONNECT_GAP_SECONDS = 2;

const EXT: Record<MockAdminRecordFormat, string> = { HLS: "m3u8", FLV: "flv", MP4: "mp4" };
const REGION = "cn-north-4";
const BUCKET = "livehook-mock-record";

type Task = {
  request: MockAdminSessionCreateRequest;
  segments: number;
  outcome: "success" | "failed";
  startMs: number;
  consoleParity: boolean;
  projectId: string;
};

/** Bytes of a file of `seconds` at roughly 2 Mbit/s, ±10 %. */
const fileSize = (random: Random, seconds: number): number =>
  Math.round(seconds * 250_000 * (0.9 + 0.2 * random.float()));
const epoch = (ms: number): number => Math.floor(ms / 1000);
const compact = (ms: number): string => isoSeconds(new Date(ms)).replace(/[-:TZ]/g, "");

function huaweiLiveTask(t: Task, random: Random): { taskId: string; events: PlannedEvent[] } {
  const r = t.request;
  const taskId = hex(random, 16);
  const seg = r.segment_seconds * 1000;
  const base = {
    project_id: t.projectId,
    task_id: taskId,
    publish_domain: r.domain ?? "",
    app: r.app,
    stream: r.stream,
  };
  const first = r.formats[0] ?? "HLS";
  const events: PlannedEvent[] = [];
  const taskEvent = (event_type: string, at: number, extra: Record<string, unknown> = {}) =>
    events.push({
      eventType: event_type,
      at,
      payload: {
        project_id: base.project_id,
        task_id: taskId,
        event_type,
        publish_domain: base.publish_domain,
        app: base.app,
        stream: base.stream,
        record_format: first,
        ...extra,
      },
    });
  if (t.consoleParity) taskEvent("RECORD_START", t.startMs);
  for (let i = 0; i < t.segments; i++) {
    const from = t.startMs + i * seg;
    const to = from + seg;
    const failsHere = t.outcome === "failed" && i === t.segments - 1;
    const jobs = r.formats.map((format) => ({ format, jobId: random.uuid() }));
    for (const { format, jobId } of jobs) {
      events.push({
        eventType: "RECORD_NEW_FILE_START",
        at: from,
        payload: {
          project_id: base.project_id,
          job_id: jobId,
          task_id: taskId,
          event_type: "RECORD_NEW_FILE_START",
          publish_domain: base.publish_domain,
          app: base.app,
          stream: base.stream,
          record_format: format,
        },
      });
    }
    if (failsHere) {
      taskEvent("RECORD_FAILED", to, { error_message: "upload the record file to OBS failed" });
      return { taskId, events };
    }
    for (const { format, jobId } of jobs) {
      const object = `live/record-${taskId.slice(0, 8)}-${r.stream}-${epoch(from)}/record-${base.publish_domain}-${r.app}-${r.stream}-${epoch(from)}.${EXT[format]}`;
      events.push({
        eventType: "RECORD_FILE_COMPLETE",
        at: to,
        payload: {
          project_id: base.project_id,
          job_id: jobId,
          task_id: taskId,
          event_type: "RECORD_FILE_COMPLETE",
          publish_domain: base.publish_domain,
          app: base.app,
          stream: base.stream,
          record_format: format,
          download_url: `https://${BUCKET}.obs.${REGION}.myhuaweicloud.com/${object}`,
          asset_id: hex(random, 16),
          file_size: fileSize(random, r.segment_seconds),
          record_duration: r.segment_seconds,
          start_time: isoSeconds(new Date(from)),
          end_time: isoSeconds(new Date(to)),
          width: r.width,
          height: r.height,
          obs_location: REGION,
          obs_bucket: BUCKET,
          obs_object: object,
        },
      });
    }
  }
  taskEvent("RECORD_OVER", t.startMs + t.segments * seg + MAX_PAUSE_SECONDS * 1000);
  return { taskId, events };
}

function huaweiRtcTask(t: Task, random: Random): { taskId: string; events: PlannedEvent[] } {
  const r = t.request;
  const jobId = hex(random, 16);
  const seg = r.segment_seconds * 1000;
  const ids = { app_id: r.app, room_id: r.room_id ?? "room01", stream_name: r.stream, job_id: jobId };
  const events: PlannedEvent[] = [];
  for (let i = 0; i < t.segments; i++) {
    const from = t.startMs + i * seg;
    const to = from + seg;
    for (const format of r.formats) {
      events.push({
        eventType: "RECORD_NEW_FILE_START",
        at: from,
        payload: { event_type: "RECORD_NEW_FILE_START", ...ids, record_format: format },
      });
    }
    if (t.outcome === "failed" && i === t.segments - 1) {
      events.push({
        eventType: "CLOUD_RECORD_SERVER_OVER",
        at: to,
        payload: {
          event_type: "CLOUD_RECORD_SERVER_OVER",
          ...ids,
          detail_message: "record failed: upload to OBS failed",
        },
      });
      return { taskId: jobId, events };
    }
    for (const format of r.formats) {
      const object = `Record/${r.stream}-${compact(from)}.${EXT[format]}`;
      events.push({
        eventType: "RECORD_FILE_COMPLETE",
        at: to,
        payload: {
          event_type: "RECORD_FILE_COMPLETE",
          ...ids,
          record_format: format,
          download_url: `https://${BUCKET}.obs.${REGION}.myhuaweicloud.com/${object}`,
          file_size: fileSize(random, r.segment_seconds),
          record_duration: r.segment_seconds,
          start_time: isoSeconds(new Date(from)),
          end_time: isoSeconds(new Date(to)),
          width: r.width,
          height: r.height,
          obs_location: `http://obs.${REGION}.myhuaweicloud.com`,
          obs_bucket: BUCKET,
          obs_object: object,
        },
      });
    }
  }
  // D9: the job end is sent whatever the subscription says.
  events.push({
    eventType: "CLOUD_RECORD_SERVER_OVER",
    at: t.startMs + t.segments * seg + MAX_PAUSE_SECONDS * 1000,
    payload: { event_type: "CLOUD_RECORD_SERVER_OVER", ...ids },
  });
  return { taskId: jobId, events };
}

function aliyunTask(t: Task, random: Random): { taskId: string; events: PlannedEvent[] } {
  const r = t.request;
  const seg = r.segment_seconds * 1000;
  const ids = { domain: r.domain ?? "", app: r.app, stream: r.stream };
  const events: PlannedEvent[] = [
    { eventType: "record_started", at: t.startMs, payload: { ...ids, event: "record_started" } },
  ];
  for (let i = 0; i < t.segments; i++) {
    const from = t.startMs + i * seg;
    const to = from + seg;
    if (t.outcome === "failed" && i === t.segments - 1) {
      events.push({
        eventType: "record_error",
        at: to,
        payload: { ...ids, event: "record_error", error_message: "write record file to OSS failed" },
      });
      break;
    }
    const last = i === t.segments - 1;
    if (last) {
      // The stream stops: the recording pauses, and the last file is closed only when no push resumes it within
      // the pause window. So after a reconnect the old file's callback lands after the new record_started.
      events.push({ eventType: "record_paused", at: to, payload: { ...ids, event: "record_paused" } });
    }
    for (const format of r.formats) {
      const stamp = (ms: number) => isoSeconds(new Date(ms)).slice(0, 19).replace(/[T:]/g, "-");
      events.push({
        eventType: "file_created",
        at: last ? to + MAX_PAUSE_SECONDS * 1000 : to,
        payload: {
          ...ids,
          uri: `record/${r.app}/${r.stream}/${stamp(from)}_${stamp(to)}.${EXT[format]}`,
          duration: r.segment_seconds + Math.round(random.float() * 1000) / 1000,
          start_time: epoch(from),
          stop_time: epoch(to),
          push_args: {},
        },
      });
    }
  }
  // Alibaba sends no task id; a per-task tag keeps reconnect sessions apart in the admin view.
  return { taskId: hex(random, 8), events };
}

/**
 * Builds the whole session, every task, ordered by virtual time (a stable sort keeps the generation order of
 * simultaneous events). Scenario `reconnect`: a one-file task breaks, the publisher is back after
 * RECONNECT_GAP_SECONDS, and the old task's end event (after MAX_PAUSE_SECONDS) lands after the new start.
 */
export function planSession(
  request: MockAdminSessionCreateRequest,
  opts: { random: Random; startMs: number; consoleParity: boolean; projectId: string },
): Plan {
  const build =
    request.vendor === "huawei-live" ? huaweiLiveTask : request.vendor === "huawei-rtc" ? huaweiRtcTask : aliyunTask;
  const common = { request, consoleParity: opts.consoleParity, projectId: opts.projectId };
  const tasks =
    request.scenario === "reconnect"
      ? [
          build({ ...common, segments: 1, outcome: "success", startMs: opts.startMs }, opts.random),
          build(
            {
              ...common,
              segments: request.segments,
              outcome: request.outcome,
              startMs: opts.startMs + (request.segment_seconds + RECONNECT_GAP_SECONDS) * 1000,
            },
            opts.random,
          ),
        ]
      : [
          build(
            { ...common, segments: request.segments, outcome: request.outcome, startMs: opts.startMs },
            opts.random,
          ),
        ];
  const events = tasks.flatMap((t) => t.events);
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  return { taskIds: tasks.map((t) => t.taskId), events: ordered.map((x) => x.e), tasks };
}

/** Virtual length of the session in ms, from its start to its last event. */
export function planSpan(plan: Plan): number {
  const first = plan.events[0]?.at ?? 0;
  return (plan.events.at(-1)?.at ?? first) - first;
}

/**
 * The events a task sends when it is stopped at `cutMs` (POST /_mock/sessions/{id}/stop), given that it began at
 * or before the cut and its planned end lies after it. `over`: the files open at the cut are closed there (their
 * planned completion, shortened), then the normal end event; `failed`: the vendor's failure event. Pure.
 */
export function stopTask(
  vendor: MockAdminSessionCreateRequest["vendor"],
  task: { events: readonly PlannedEvent[] },
  cutMs: number,
  outcome: "over" | "failed",
): PlannedEvent[] {
  const out: PlannedEvent[] = [];
  const pending = task.events.filter((e) => e.at > cutMs);
  const closeOpenFiles = (type: string, span: (p: Record<string, unknown>) => [number, number] | undefined) => {
    for (const e of pending) {
      if (e.eventType !== type) continue;
      const times = span(e.payload);
      if (times === undefined || times[0] > cutMs) continue;
      out.push({
        eventType: type,
        at: cutMs,
        payload: shorten(vendor, e.payload, times[0], Math.min(times[1], cutMs)),
      });
    }
  };
  const last = task.events.at(-1);
  switch (vendor) {
    case "huawei-live": {
      if (last === undefined) return out;
      if (outcome === "over") {
        closeOpenFiles("RECORD_FILE_COMPLETE", isoSpan);
        const { error_message: _drop, ...base } = last.payload;
        out.push({ eventType: "RECORD_OVER", at: cutMs, payload: { ...base, event_type: "RECORD_OVER" } });
      } else {
        out.push({
          eventType: "RECORD_FAILED",
          at: cutMs,
          payload: { ...last.payload, event_type: "RECORD_FAILED", error_message: "recording stopped: stream broken" },
        });
      }
      return out;
    }
    case "huawei-rtc": {
      if (last === undefined) return out;
      const { detail_message: _drop, ...base } = last.payload;
      if (outcome === "over") closeOpenFiles("RECORD_FILE_COMPLETE", isoSpan);
      const payload =
        outcome === "over" ? base : { ...base, detail_message: "record failed: recording stopped, stream broken" };
      out.push({ eventType: "CLOUD_RECORD_SERVER_OVER", at: cutMs, payload });
      return out;
    }
    case "aliyun-live": {
      const started = task.events.find((e) => e.eventType === "record_started");
      if (started === undefined) return out;
      const { event: _event, ...ids } = started.payload;
      if (outcome === "failed") {
        out.push({
          eventType: "record_error",
          at: cutMs,
          payload: { ...ids, event: "record_error", error_message: "recording stopped: stream broken" },
        });
        return out;
      }
      if (!task.events.some((e) => e.eventType === "record_paused" && e.at <= cutMs)) {
        out.push({ eventType: "record_paused", at: cutMs, payload: { ...ids, event: "record_paused" } });
      }
      closeOpenFiles("file_created", (p) =>
        typeof p.start_time === "number" && typeof p.stop_time === "number"
          ? [p.start_time * 1000, p.stop_time * 1000]
          : undefined,
      );
      return out;
    }
  }
}

function isoSpan(p: Record<string, unknown>): [number, number] | undefined {
  if (typeof p.start_time !== "string" || typeof p.end_time !== "string") return undefined;
  return [Date.parse(p.start_time), Date.parse(p.end_time)];
}

/** A file's completion event, closed early at `toMs`: times, duration and size follow the shorter length. */
function shorten(
  vendor: MockAdminSessionCreateRequest["vendor"],
  payload: Record<string, unknown>,
  fromMs: number,
  toMs: number,
): Record<string, unknown> {
  const seconds = Math.max(0, toMs - fromMs) / 1000;
  if (vendor === "aliyun-live") {
    const planned = typeof payload.duration === "number" ? payload.duration : seconds;
    return { ...payload, stop_time: epoch(toMs), duration: Math.min(planned, seconds) };
  }
  const planned = typeof payload.record_duration === "number" ? payload.record_duration : 0;
  const size = typeof payload.file_size === "number" ? payload.file_size : 0;
  const whole = Math.floor(seconds);
  return {
    ...payload,
    end_time: isoSeconds(new Date(toMs)),
    record_duration: whole,
    file_size: planned > 0 ? Math.round((size * whole) / planned) : size,
  };
}

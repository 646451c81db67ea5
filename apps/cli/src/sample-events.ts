/**
 * Realistic recording callbacks, shaped by core's generated types, for `trigger`, `doctor` and `sign`. Ids derive
 * from a seed so that a test (or a replay) can rebuild the same event; the clock is a parameter.
 */
import { createHash } from "node:crypto";
import {
  ALIYUN_LIVE_STATUS_EVENT_VALUES,
  type AliyunLiveRecordFileCallback,
  type AliyunLiveRecordStatusCallback,
  HUAWEI_LIVE_CALLBACK_EVENT_TYPE_VALUES,
  HUAWEI_RTC_CALLBACK_EVENT_TYPE_VALUES,
  type HuaweiLiveRecordCallback,
  type HuaweiRtcRecordCallback,
} from "@livehook/core";
import { UsageError } from "./errors.js";
import type { Vendor } from "./vendors.js";

export const ALIYUN_FILE_EVENT = "file_created";

/** The event names `trigger` accepts per vendor: the vendor's own names (Alibaba's file callback has no `event`). */
export const EVENTS: Record<Vendor, readonly string[]> = {
  "huawei-live": HUAWEI_LIVE_CALLBACK_EVENT_TYPE_VALUES,
  "huawei-rtc": HUAWEI_RTC_CALLBACK_EVENT_TYPE_VALUES,
  "aliyun-live": [ALIYUN_FILE_EVENT, ...ALIYUN_LIVE_STATUS_EVENT_VALUES],
};

export type SampleOptions = {
  now: Date;
  /** Makes ids unique per event; the same seed gives the same ids. */
  seed: string;
  domain?: string;
  app?: string;
  stream?: string;
};

export type SampleEvent =
  | { vendor: "huawei-live"; event: string; body: HuaweiLiveRecordCallback }
  | { vendor: "huawei-rtc"; event: string; body: HuaweiRtcRecordCallback }
  | { vendor: "aliyun-live"; event: string; body: AliyunLiveRecordFileCallback | AliyunLiveRecordStatusCallback };

/** Accepts the vendor's spelling in any case (`record_file_complete`, `FILE_CREATED`). */
export function resolveEvent(vendor: Vendor, name: string): string {
  const wanted = name.toLowerCase().replaceAll("-", "_");
  const found = EVENTS[vendor].find((e) => e.toLowerCase() === wanted);
  if (found === undefined) {
    throw new UsageError(`unknown ${vendor} event "${name}"; expected one of ${EVENTS[vendor].join(", ")}`);
  }
  return found;
}

function hex(seed: string, label: string, length: number): string {
  return createHash("sha256").update(`${seed}/${label}`).digest("hex").slice(0, length);
}

/** Second-precision UTC, the vendors' `yyyy-mm-ddThh:mm:ssZ`. */
function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

const FILE_SECONDS = 65;

export function sampleEvent(vendor: Vendor, eventName: string, opts: SampleOptions): SampleEvent {
  const event = resolveEvent(vendor, eventName);
  const end = new Date(Math.floor(opts.now.getTime() / 1000) * 1000);
  const start = new Date(end.getTime() - FILE_SECONDS * 1000);
  const unixStart = Math.floor(start.getTime() / 1000);
  switch (vendor) {
    case "huawei-live": {
      const domain = opts.domain ?? "push.example.com";
      const app = opts.app ?? "live";
      const stream = opts.stream ?? `stream-${hex(opts.seed, "stream", 6)}`;
      const body: HuaweiLiveRecordCallback = {
        project_id: hex(opts.seed, "project", 32),
        task_id: hex(opts.seed, "task", 32),
        event_type: event as HuaweiLiveRecordCallback["event_type"],
        publish_domain: domain,
        app,
        stream,
        record_format: "HLS",
      };
      if (event === "RECORD_NEW_FILE_START" || event === "RECORD_FILE_COMPLETE")
        body.job_id = hex(opts.seed, "job", 32);
      if (event === "RECORD_FILE_COMPLETE") {
        const object = `record-${domain}-${app}-${stream}-${unixStart}.m3u8`;
        Object.assign(body, {
          download_url: `https://obs.cn-north-4.myhuaweicloud.com/live/${app}/${stream}/${object}`,
          asset_id: hex(opts.seed, "asset", 32),
          file_size: 26254952,
          record_duration: FILE_SECONDS,
          start_time: isoSeconds(start),
          end_time: isoSeconds(end),
          width: 1280,
          height: 720,
          obs_location: "cn-north-4",
          obs_bucket: "live-record",
          obs_object: `${app}/${stream}/${object}`,
        });
      }
      if (event === "RECORD_FAILED") body.error_message = "upload to OBS failed";
      return { vendor, event, body };
    }
    case "huawei-rtc": {
      const stream = opts.stream ?? `stream-${hex(opts.seed, "stream", 6)}`;
      const body: HuaweiRtcRecordCallback = {
        event_type: event as HuaweiRtcRecordCallback["event_type"],
        app_id: opts.app ?? hex(opts.seed, "app", 24),
        room_id: `room-${hex(opts.seed, "room", 6)}`,
        stream_name: stream,
        job_id: hex(opts.seed, "job", 32),
        record_format: "HLS",
      };
      if (event === "RECORD_FILE_COMPLETE") {
        Object.assign(body, {
          download_url: `https://rtc-record.obs.cn-north-4.myhuaweicloud.com/Record/${stream}.m3u8`,
          file_size: 26254952,
          record_duration: FILE_SECONDS,
          start_time: isoSeconds(start),
          end_time: isoSeconds(end),
          width: 1280,
          height: 720,
          obs_location: "http://obs.cn-north-4.myhuaweicloud.com",
          obs_bucket: "rtc-record",
          obs_object: `Record/${stream}.m3u8`,
        });
      }
      if (event === "CLOUD_RECORD_SERVER_OVER") body.detail_message = "record job finished";
      return { vendor, event, body };
    }
    case "aliyun-live": {
      const domain = opts.domain ?? "play.example.com";
      const app = opts.app ?? "live";
      const stream = opts.stream ?? `stream-${hex(opts.seed, "stream", 6)}`;
      if (event === ALIYUN_FILE_EVENT) {
        const body: AliyunLiveRecordFileCallback = {
          domain,
          app,
          stream,
          uri: `record/${app}/${stream}/${unixStart}.m3u8`,
          duration: FILE_SECONDS + 0.25,
          start_time: unixStart,
          stop_time: unixStart + FILE_SECONDS,
          push_args: { callback_session: hex(opts.seed, "session", 12) },
        };
        return { vendor, event, body };
      }
      const body: AliyunLiveRecordStatusCallback = {
        domain,
        app,
        stream,
        event: event as AliyunLiveRecordStatusCallback["event"],
      };
      if (event === "record_error" || event === "record_force_transcode_fail" || event === "transformat_error") {
        body.error_message = "transcoding failed";
      }
      return { vendor, event, body };
    }
  }
}

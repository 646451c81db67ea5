/**
 * The events both benchmarks send: distinct Huawei Live file completions, signed with core's signer before
 * anything is measured, so no measurement pays for signing.
 */
import { signHuaweiLiveCallbackBody } from "@livehook/core";

export const BENCH_KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

/** The vendor signs each callback with `auth_timestamp` = the second it sends it + this (D6, the mock's convention). */
export const SIGN_AHEAD_SECONDS = 300;

/**
 * Event `i` of a run: its own job and file, ending at `endSeconds` (120 s after it started), sent at `sentSeconds`
 * and so signed with `auth_timestamp` = `sentSeconds` + 300, as the vendor does. One stamp for every body would
 * make all signature keys share one time prefix, which real traffic (a new stamp every second) never does.
 */
export function signedBenchEvent(run: string, i: number, endSeconds: number, sentSeconds: number): string {
  return signHuaweiLiveCallbackBody(
    {
      project_id: "70b76xxxxxx34253880af501cdxxxxxx",
      task_id: `bench-${run}`,
      job_id: `job-${run}-${i}`,
      event_type: "RECORD_FILE_COMPLETE",
      publish_domain: "push.example.com",
      app: "live",
      stream: "mystream",
      record_format: "HLS",
      download_url: `https://obs.example.com/live/mystream-${i}.m3u8`,
      file_size: 3957964,
      record_duration: 120,
      start_time: iso(endSeconds - 120),
      end_time: iso(endSeconds),
    },
    BENCH_KEY,
    "HMACSHA256",
    sentSeconds + SIGN_AHEAD_SECONDS,
  );
}

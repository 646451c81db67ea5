/**
 * Delivery policies per vendor, as data (D11, STYLE habit 24). Alibaba documents its policy: 5 s timeout, then up
 * to 5 retries 1 s apart on a timeout, a connection error or a status >= 500; any 2xx succeeds; 4xx fails at once.
 * Huawei Live and SparkRTC document none, so they get the same schedule with their own success rule: only HTTP 200
 * counts, anything else is retried. Every value can be changed through PATCH /_mock/settings.
 */
import type { MockAdminRetryProfile, MockAdminRetryProfiles } from "../generated/index.js";

const FIVE_RETRIES_ONE_SECOND_APART = [1000, 1000, 1000, 1000, 1000];

export const RETRY_PROFILES: MockAdminRetryProfiles = {
  "aliyun-live": {
    timeout_ms: 5000,
    retry_delays_ms: FIVE_RETRIES_ONE_SECOND_APART,
    success: "any_2xx",
    retry_4xx: false,
  },
  "huawei-live": {
    timeout_ms: 5000,
    retry_delays_ms: FIVE_RETRIES_ONE_SECOND_APART,
    success: "http_200",
    retry_4xx: true,
  },
  "huawei-rtc": {
    timeout_ms: 5000,
    retry_delays_ms: FIVE_RETRIES_ONE_SECOND_APART,
    success: "http_200",
    retry_4xx: true,
  },
};

export type AttemptVerdict = "success" | "retry" | "fail";

/** What one attempt's outcome means under a profile; `status` is undefined for a timeout or connection error. */
export function judgeAttempt(profile: MockAdminRetryProfile, status: number | undefined): AttemptVerdict {
  if (status === undefined) return "retry";
  const ok = profile.success === "http_200" ? status === 200 : status >= 200 && status < 300;
  if (ok) return "success";
  if (status >= 400 && status < 500 && !profile.retry_4xx) return "fail";
  return "retry";
}

/** Mutable mock settings (GET/PATCH /_mock/settings) and their defaults. */

import { RETRY_PROFILES } from "./delivery/retry-profiles.js";
import type { MockAdminFaults, MockAdminSettings, MockAdminSettingsUpdate } from "./generated/index.js";

export const DEFAULT_SETTINGS: MockAdminSettings = {
  console_parity: false,
  strict_keys: true,
  auth_ttl_seconds: 300,
  concurrency: 16,
  retry_profiles: RETRY_PROFILES,
  // D16: off by default. Live publishes 300/min per user for notification management; reuse it for both.
  throttling: { enabled: false, huawei_live_per_minute: 300, huawei_rtc_per_minute: 600, aliyun_qps_scale: 1 },
  // §2.10 and §3.4: vendor behaviours that get in a developer's way, so off by default.
  apig_lockout: false,
  probe_callback_url: false,
};

export function applySettingsUpdate(current: MockAdminSettings, update: MockAdminSettingsUpdate): MockAdminSettings {
  return {
    console_parity: update.console_parity ?? current.console_parity,
    strict_keys: update.strict_keys ?? current.strict_keys,
    auth_ttl_seconds: update.auth_ttl_seconds ?? current.auth_ttl_seconds,
    concurrency: update.concurrency ?? current.concurrency,
    retry_profiles: { ...current.retry_profiles, ...update.retry_profiles },
    throttling: { ...current.throttling, ...update.throttling },
    apig_lockout: update.apig_lockout ?? current.apig_lockout,
    probe_callback_url: update.probe_callback_url ?? current.probe_callback_url,
  };
}

/** Every field present, so clients never guess a default. */
export function fullFaults(f: MockAdminFaults): Required<MockAdminFaults> {
  return {
    latency_ms: f.latency_ms ?? 0,
    drop_rate: f.drop_rate ?? 0,
    duplicate_rate: f.duplicate_rate ?? 0,
    out_of_order: f.out_of_order ?? false,
    wrong_signature_rate: f.wrong_signature_rate ?? 0,
    expired_timestamp_rate: f.expired_timestamp_rate ?? 0,
    api_error_rate: f.api_error_rate ?? 0,
  };
}

/** Session faults over global faults, field by field. */
export function mergeFaults(global: MockAdminFaults, session: MockAdminFaults): Required<MockAdminFaults> {
  return fullFaults({ ...global, ...session });
}

/**
 * Signs one delivery attempt afresh (D6: retries get a new timestamp) with the scheme and key frozen into the
 * session, using core's signers. Signature faults are applied here: a wrong key, or a timestamp an hour old.
 */
import { aliyunLiveCallbackHeaders, huaweiRtcCallbackHeaders, signHuaweiLiveCallbackBody } from "@livehook/core";
import type { Random } from "../deps.js";
import type { MockAdminSignatureFault } from "../generated/index.js";
import type { FrozenConfig } from "../state/store.js";

export type SignedRequest = { body: string; headers: Record<string, string> };

const EXPIRED_BY_SECONDS = 3600;

export function signAttempt(
  frozen: FrozenConfig,
  payload: Record<string, unknown>,
  opts: { nowSec: number; authTtlSeconds: number; fault: MockAdminSignatureFault; random: Random },
): SignedRequest {
  const key = frozen.key;
  if (key === undefined || key === "") return { body: JSON.stringify(payload), headers: {} };
  const signingKey = opts.fault === "wrong_signature" ? `${key}WRONG` : key;
  const expired = opts.fault === "expired_timestamp";
  switch (frozen.vendor) {
    case "huawei-live": {
      // D6: auth_timestamp is an expiry: send time plus the TTL.
      const ts = expired ? opts.nowSec - EXPIRED_BY_SECONDS : opts.nowSec + opts.authTtlSeconds;
      return {
        body: signHuaweiLiveCallbackBody(payload, signingKey, frozen.signType ?? "HMACSHA256", ts),
        headers: {},
      };
    }
    case "huawei-rtc": {
      const body = JSON.stringify(payload);
      // D (§5.2): rand is a decimal string of up to 10 digits, the timestamp Unix seconds.
      const rand = String(opts.random.bytes(4).readUInt32BE(0));
      const timestamp = expired ? opts.nowSec - EXPIRED_BY_SECONDS : opts.nowSec;
      return { body, headers: { ...huaweiRtcCallbackHeaders(body, signingKey, { rand, timestamp }) } };
    }
    case "aliyun-live": {
      const body = JSON.stringify(payload);
      // D12: the callback URL's hostname, without the port.
      const host = new URL(frozen.url ?? "").hostname;
      const timestamp = expired ? opts.nowSec - EXPIRED_BY_SECONDS : opts.nowSec;
      return { body, headers: { ...aliyunLiveCallbackHeaders({ host, timestamp, key: signingKey }) } };
    }
  }
}

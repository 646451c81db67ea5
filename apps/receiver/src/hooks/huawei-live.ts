import { HuaweiLiveRecordCallback, isHuaweiLiveRecordCallback, verifyHuaweiLiveParsedCallback } from "@livehook/core";
import { keyTime } from "./key-time.js";
import { epochMs, field, text, type VendorHook } from "./vendor-hook.js";

export type HuaweiLiveHookOptions = {
  /** MD5 signs only key + timestamp; accept it only when the operator opted in (events are then not body-authenticated). */
  signTypes: readonly ("HMACSHA256" | "MD5")[];
  /** D6: grace after the `auth_timestamp` expiry. */
  graceSeconds: number;
};

const RECORD_CALLBACK = { schema: HuaweiLiveRecordCallback, accepts: isHuaweiLiveRecordCallback };

export function huaweiLiveHook(opts: HuaweiLiveHookOptions): VendorHook {
  return {
    vendor: "huawei-live",
    verifyParsed: (body, { keys, now }) =>
      verifyHuaweiLiveParsedCallback(body, keys, {
        now,
        allowedSignTypes: opts.signTypes,
        graceSeconds: opts.graceSeconds,
        maxFutureSeconds: 3600,
      }),
    schemaFor: () => RECORD_CALLBACK,
    facts: (body) => {
      const domain = text(body, "publish_domain");
      const app = text(body, "app");
      const stream = text(body, "stream");
      return {
        eventType: text(body, "event_type"),
        domain,
        app,
        stream,
        sessionKey: text(body, "task_id") ?? (domain && app && stream ? `${domain}/${app}/${stream}` : null),
        fileKey: text(body, "job_id"),
        eventTime: epochMs(field(body, "auth_timestamp")),
        keyTime: keyTime("huawei-live", body),
        identityless: false,
      };
    },
    // The signature and its expiry change on every retry (D6); the event is everything else.
    authFields: ["auth_sign", "auth_timestamp"],
    ack: Object.freeze({ status: 1, result: "success" }),
  };
}

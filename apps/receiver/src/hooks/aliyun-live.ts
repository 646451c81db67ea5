import {
  type AliyunLiveNotifyType,
  AliyunLiveRecordFileCallback,
  AliyunLiveRecordStatusCallback,
  verifyAliyunLiveCallback,
} from "@livehook/core";
import { keyTime } from "./key-time.js";
import { epochMs, field, text, type VendorHook } from "./vendor-hook.js";

export type AliyunLiveHookOptions = {
  toleranceSeconds: number;
  /** Host of the configured callback URL; when unset, the request's Host header (D12: port tried both ways). */
  callbackHost: string | undefined;
};

/** The delivery-record NotifyType of file callbacks, which carry no `event` of their own. */
const FILE_CREATED: AliyunLiveNotifyType = "file_created";

/** A status callback is `{domain, app, stream, event}`; a file callback has `uri` and no `event` (vendor-spec §5.3). */
const isStatus = (body: unknown): boolean => field(body, "event") !== undefined && field(body, "uri") === undefined;

export function aliyunLiveHook(opts: AliyunLiveHookOptions): VendorHook {
  return {
    vendor: "aliyun-live",
    verify: ({ headers, keys, now, requestHost }) => {
      const host = opts.callbackHost ?? requestHost;
      // No Host at all cannot match any signature; core treats an empty host as misuse, so answer here.
      if (host === "") return { ok: false, reason: "bad_signature" };
      return verifyAliyunLiveCallback(headers, keys, { now, host, toleranceSeconds: opts.toleranceSeconds });
    },
    schemaFor: (body) => (isStatus(body) ? AliyunLiveRecordStatusCallback : AliyunLiveRecordFileCallback),
    facts: (body, header) => {
      const domain = text(body, "domain");
      const app = text(body, "app");
      const stream = text(body, "stream");
      const status = isStatus(body);
      return {
        eventType: status ? text(body, "event") : field(body, "uri") !== undefined ? FILE_CREATED : null,
        domain,
        app,
        stream,
        sessionKey: domain && app && stream ? `${domain}/${app}/${stream}` : null,
        fileKey: null,
        eventTime: epochMs(header("ali-live-timestamp")),
        keyTime: keyTime("aliyun-live", body),
        identityless: status,
      };
    },
    // Any 2xx is success for ApsaraVideo Live; this body also satisfies the stricter cloud-recording reply.
    ack: Object.freeze({ Code: 0, Msg: "Success" }),
  };
}

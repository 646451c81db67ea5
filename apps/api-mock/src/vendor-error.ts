/**
 * One error style for every vendor API: routes throw a VendorError and the app's one `onError` renders it in the
 * body shape of whoever answers in reality (STYLE habit 20).
 */
import type { Vendor } from "@livehook/core";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Who answers: Huawei Live and SparkRTC share `{error_code, error_msg}`; Huawei's API gateway (APIG), in front of
 * both, adds the request id's first 32 characters as `request_id` (§2.10, D21); Alibaba answers
 * `{RequestId, HostId, Code, Message}` (D20).
 */
export type ErrorSource = Vendor | "huawei-apig";

export class VendorError extends Error {
  constructor(
    readonly source: ErrorSource,
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "VendorError";
  }
}

/** Alibaba's `HostId` on every error. */
export const ALIYUN_HOST_ID = "live.aliyuncs.com";

/** The vendor's body for `err`; `requestId` is the id the reply's header (Huawei) or body (Alibaba) carries. */
export function vendorErrorBody(err: VendorError, requestId: string): Record<string, string> {
  switch (err.source) {
    case "huawei-live":
    case "huawei-rtc":
      return { error_code: err.code, error_msg: err.message };
    case "huawei-apig":
      return { error_code: err.code, error_msg: err.message, request_id: requestId.slice(0, 32) };
    case "aliyun-live":
      return { RequestId: requestId, HostId: ALIYUN_HOST_ID, Code: err.code, Message: err.message };
  }
}

export function renderVendorError(c: Context, err: VendorError, requestId: string): Response {
  return c.json(vendorErrorBody(err, requestId), err.status);
}

type Status = ContentfulStatusCode;
export const huaweiLiveError = (status: Status, code: string, msg: string) =>
  new VendorError("huawei-live", status, code, msg);
export const huaweiRtcError = (status: Status, code: string, msg: string) =>
  new VendorError("huawei-rtc", status, code, msg);
export const apigError = (status: Status, code: string, msg: string) =>
  new VendorError("huawei-apig", status, code, msg);
export const aliyunError = (status: Status, code: string, msg: string) =>
  new VendorError("aliyun-live", status, code, msg);

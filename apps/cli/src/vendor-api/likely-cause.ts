/**
 * What a vendor's terse error code means for the call that got it. Huawei answers most bad requests with
 * `LIVE.100011001 Request Illegal`; the rules it stands for are known (vendor-spec §2, D5, D13), so the request is
 * checked against them here and the first one it breaks is named, or the likely cause when the request looks right.
 */
import { checkHuaweiLiveKey } from "@livehook/core";

/** A DNS name of labels up to 63 characters, as the vendor checks `publish_domain`. */
const DOMAIN_NAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export type HuaweiCall = { method: string; path: string; body: unknown };

function field(body: unknown, name: string): unknown {
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function liveRequestIllegal(call: HuaweiCall): string | undefined {
  const [pathname = ""] = call.path.split("?");
  const match = /^\/v1\/([^/]+)\/record\/callbacks(?:\/([^/]+))?$/.exec(pathname);
  if (match === null) return undefined;
  const project = decodeURIComponent(match[1] ?? "");
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  if (call.method === "GET" && id === undefined) {
    return "a filter is out of range (publish_domain up to 255 characters, app up to 128, offset 0 to 4096, limit 1 to 100)";
  }
  if (call.method === "GET" || call.method === "DELETE") return `no callback config ${id} in project ${project}`;
  const key = field(call.body, "key");
  if (typeof key === "string" && key !== "") {
    const verdict = checkHuaweiLiveKey(key);
    if (!verdict.ok) return `the ${verdict.reason}`;
  }
  const domain = field(call.body, "publish_domain");
  if (typeof domain === "string" && !DOMAIN_NAME.test(domain)) return `publish_domain "${domain}" is not a domain name`;
  if (call.method === "PUT") {
    return `no callback config ${id} in project ${project}, or publish_domain differs from the config's (it cannot change)`;
  }
  return `publish_domain "${String(domain)}" is not a push domain of project ${project} (add it in the console first)`;
}

export function huaweiLikelyCause(code: string, call: HuaweiCall): string | undefined {
  switch (code) {
    case "LIVE.100011001":
      return liveRequestIllegal(call);
    case "RTC.00001003":
      return call.method === "PUT"
        ? "auth_key must be 32 to 64 characters and url an http:// or https:// URL, or the app id is unknown"
        : "no SparkRTC app with this id";
    case "APIGW.0301":
      return "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not a pair of this account, or this machine's clock is off by more than 15 minutes";
    default:
      return undefined;
  }
}

export function aliyunLikelyCause(code: string): string | undefined {
  switch (code) {
    case "InvalidAccessKeyId.NotFound":
      return "ALIBABA_CLOUD_ACCESS_KEY_ID is not an access key of this account";
    case "SignatureDoesNotMatch":
      return "ALIBABA_CLOUD_ACCESS_KEY_SECRET is not the secret of ALIBABA_CLOUD_ACCESS_KEY_ID";
    case "InvalidTimeStamp.Expired":
      return "this machine's clock is off by more than 15 minutes";
    default:
      return undefined;
  }
}

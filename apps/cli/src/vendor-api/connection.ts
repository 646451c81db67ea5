/**
 * Where management calls go and with which credentials: the local mock by default, or a real vendor endpoint with
 * `--endpoint`/`--region` and the vendors' own environment variables (the names their SDKs and CLIs use).
 */
import type { CliContext } from "../context.js";
import { CREDENTIAL_ENV, envValue, mockUrl } from "../env.js";
import { UsageError } from "../errors.js";
import { optionalString } from "../parse-values.js";

/** The mock ignores signatures unless started with `--auth on`; these only make the requests well-formed. */
const MOCK_AK = "LIVEHOOKMOCKACCESSKEY";
const MOCK_SK = "livehook-mock-secret-key";
const MOCK_PROJECT = "0123456789abcdef0123456789abcdef";

export type Connection = { endpoint: string; accessKey: string; secretKey: string; isMock: boolean };
export type HuaweiConnection = Connection & { projectId: string };

export type Api = "huawei-live" | "huawei-rtc" | "aliyun-live";

function regionEndpoint(api: Api, region: string): string {
  if (!/^[a-z]{2}(-[a-z0-9]+)+$/.test(region)) throw new UsageError(`--region: not a region id: "${region}"`);
  if (api === "huawei-live") return `https://live.${region}.myhuaweicloud.com`;
  // SparkRTC has one endpoint (§3.1); Alibaba's SDK maps every mainland region to live.aliyuncs.com (§4.1).
  if (api === "huawei-rtc") return "https://rtc-api.myhuaweicloud.com";
  return region.startsWith("cn-") ? "https://live.aliyuncs.com" : `https://live.${region}.aliyuncs.com`;
}

function endpointOf(
  api: Api,
  opts: Readonly<Record<string, unknown>>,
  ctx: CliContext,
): { url: string; isMock: boolean } {
  const endpoint = optionalString(opts.endpoint);
  const region = optionalString(opts.region);
  if (endpoint !== undefined && region !== undefined) throw new UsageError("give --endpoint or --region, not both");
  if (region !== undefined) return { url: regionEndpoint(api, region), isMock: false };
  if (endpoint !== undefined) {
    try {
      return { url: new URL(endpoint).toString().replace(/\/$/, ""), isMock: false };
    } catch {
      throw new UsageError(`--endpoint: not a URL: "${endpoint}"`);
    }
  }
  return { url: mockUrl(ctx, opts.mock), isMock: true };
}

type CredentialName = (typeof CREDENTIAL_ENV)[keyof typeof CREDENTIAL_ENV];

function credential(ctx: CliContext, name: CredentialName, isMock: boolean, fallback: string): string {
  const value = envValue(ctx, name);
  if (value) return value;
  if (isMock) return fallback;
  throw new UsageError(`${name} is not set (needed for a real endpoint)`);
}

export function huaweiConnection(
  api: "huawei-live" | "huawei-rtc",
  opts: Readonly<Record<string, unknown>>,
  ctx: CliContext,
): HuaweiConnection {
  const { url, isMock } = endpointOf(api, opts, ctx);
  const accessKey = credential(ctx, CREDENTIAL_ENV.huaweiAk, isMock, MOCK_AK);
  const secretKey = credential(ctx, CREDENTIAL_ENV.huaweiSk, isMock, MOCK_SK);
  const projectId =
    optionalString(opts.projectId) ??
    envValue(ctx, CREDENTIAL_ENV.huaweiProjectId) ??
    (isMock ? MOCK_PROJECT : undefined);
  if (projectId === undefined)
    throw new UsageError("no project id: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID");
  return { endpoint: url, isMock, projectId, accessKey, secretKey };
}

export function aliyunConnection(opts: Readonly<Record<string, unknown>>, ctx: CliContext): Connection {
  const { url, isMock } = endpointOf("aliyun-live", opts, ctx);
  return {
    endpoint: url,
    isMock,
    accessKey: credential(ctx, CREDENTIAL_ENV.aliyunAk, isMock, MOCK_AK),
    secretKey: credential(ctx, CREDENTIAL_ENV.aliyunSk, isMock, MOCK_SK),
  };
}

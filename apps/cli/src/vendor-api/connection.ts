/**
 * Where management calls go and with which credentials: the local mock by default, or a real vendor endpoint with
 * `--endpoint`/`--region` and the vendors' own environment variables (the names their SDKs and CLIs use).
 */
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { optionalString } from "../parse-values.js";

export const DEFAULT_MOCK_URL = "http://127.0.0.1:4010";
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
  return {
    url: (optionalString(opts.mock) ?? ctx.env.LIVEHOOK_MOCK_URL ?? DEFAULT_MOCK_URL).replace(/\/$/, ""),
    isMock: true,
  };
}

function credential(ctx: CliContext, name: string, isMock: boolean, fallback: string): string {
  const value = ctx.env[name];
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
  const accessKey = credential(ctx, "HUAWEICLOUD_SDK_AK", isMock, MOCK_AK);
  const secretKey = credential(ctx, "HUAWEICLOUD_SDK_SK", isMock, MOCK_SK);
  const projectId =
    optionalString(opts.projectId) ?? ctx.env.HUAWEICLOUD_SDK_PROJECT_ID ?? (isMock ? MOCK_PROJECT : undefined);
  if (projectId === undefined)
    throw new UsageError("no project id: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID");
  return { endpoint: url, isMock, projectId, accessKey, secretKey };
}

export function aliyunConnection(opts: Readonly<Record<string, unknown>>, ctx: CliContext): Connection {
  const { url, isMock } = endpointOf("aliyun-live", opts, ctx);
  return {
    endpoint: url,
    isMock,
    accessKey: credential(ctx, "ALIBABA_CLOUD_ACCESS_KEY_ID", isMock, MOCK_AK),
    secretKey: credential(ctx, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", isMock, MOCK_SK),
  };
}

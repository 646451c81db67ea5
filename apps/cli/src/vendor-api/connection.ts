/**
 * Where management calls go and with which credentials: the local mock by default, or a real vendor endpoint with
 * `--endpoint`/`--region` and the vendors' own environment variables (the names their SDKs and CLIs use). The options
 * are declared here too, so their names and their meaning have one home; it stays light, as `--help` loads it.
 */
import { type Command, Option, type OptionValues } from "@commander-js/extra-typings";
import { jsonOption, type OptionsOf } from "../command-options.js";
import type { CliContext } from "../context.js";
import { CREDENTIAL_ENV, DEFAULT_URLS, envValue, mockUrl } from "../env.js";
import { UsageError } from "../errors.js";
import type { Vendor } from "../vendors.js";

const mockOption = () =>
  new Option(
    "--mock <url>",
    `the mock's URL when no endpoint is given (default: LIVEHOOK_MOCK_URL or ${DEFAULT_URLS.mock})`,
  );

/** Adds the Huawei connection options (and `--json`), last, to a Huawei Live or SparkRTC command. */
export function withHuaweiConnection<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  return cmd
    .option("--endpoint <url>", "a real endpoint, e.g. https://live.cn-north-4.myhuaweicloud.com")
    .option("--region <region>", "a real region, e.g. cn-north-4 (sets the endpoint)")
    .option("--project-id <id>", "project id (default: HUAWEICLOUD_SDK_PROJECT_ID)")
    .addOption(mockOption())
    .addOption(jsonOption());
}

/** Adds the Alibaba connection options (and `--json`), last, to an ApsaraVideo Live command. */
export function withAliyunConnection<Args extends unknown[], Opts extends OptionValues>(cmd: Command<Args, Opts>) {
  return cmd
    .option("--endpoint <url>", "a real endpoint, e.g. https://live.aliyuncs.com")
    .option("--region <region>", "a real region, e.g. cn-shanghai (sets the endpoint)")
    .addOption(mockOption())
    .addOption(jsonOption());
}

export const HUAWEI_CONNECTION_HELP = `Without --endpoint or --region, calls go to the local mock. Credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK
(required for a real endpoint), project id: --project-id or HUAWEICLOUD_SDK_PROJECT_ID.
Exit codes: 0 ok, 2 usage, 3 unreachable, 4 vendor error (printed with its error_code).`;

export const ALIYUN_CONNECTION_HELP = `Without --endpoint or --region, calls go to the local mock. Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID,
ALIBABA_CLOUD_ACCESS_KEY_SECRET (required for a real endpoint).
Exit codes: 0 ok, 2 usage, 3 unreachable, 4 vendor error (printed with its Code).`;

/** What the groups above add to a command's options: the connection functions below read exactly these. */
export type HuaweiConnectionOptions = OptionsOf<ReturnType<typeof withHuaweiConnection<[], Record<never, never>>>>;
export type AliyunConnectionOptions = OptionsOf<ReturnType<typeof withAliyunConnection<[], Record<never, never>>>>;

/** The mock ignores signatures unless started with `--auth on`; these only make the requests well-formed. */
const MOCK_AK = "LIVEHOOKMOCKACCESSKEY";
const MOCK_SK = "livehook-mock-secret-key";
const MOCK_PROJECT = "0123456789abcdef0123456789abcdef";

export type Connection = {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  isMock: boolean;
  /** The mock's placeholder credentials stand in for unset variables: only a mock with `--auth off` accepts them. */
  placeholderCredentials: boolean;
};
export type HuaweiConnection = Connection & { projectId: string };

/** The vendor management APIs, named by the vendor whose callbacks they configure. */
export type Api = Vendor;

function regionEndpoint(api: Api, region: string): string {
  if (!/^[a-z]{2}(-[a-z0-9]+)+$/.test(region)) throw new UsageError(`--region: not a region id: "${region}"`);
  if (api === "huawei-live") return `https://live.${region}.myhuaweicloud.com`;
  // SparkRTC has one endpoint (§3.1); Alibaba's SDK maps every mainland region to live.aliyuncs.com (§4.1).
  if (api === "huawei-rtc") return "https://rtc-api.myhuaweicloud.com";
  return region.startsWith("cn-") ? "https://live.aliyuncs.com" : `https://live.${region}.aliyuncs.com`;
}

function endpointOf(api: Api, opts: AliyunConnectionOptions, ctx: CliContext): { url: string; isMock: boolean } {
  const { endpoint, region } = opts;
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
  opts: HuaweiConnectionOptions,
  ctx: CliContext,
): HuaweiConnection {
  const { url, isMock } = endpointOf(api, opts, ctx);
  const placeholderCredentials =
    !envValue(ctx, CREDENTIAL_ENV.huaweiAk) || !envValue(ctx, CREDENTIAL_ENV.huaweiSk) ? isMock : false;
  const accessKey = credential(ctx, CREDENTIAL_ENV.huaweiAk, isMock, MOCK_AK);
  const secretKey = credential(ctx, CREDENTIAL_ENV.huaweiSk, isMock, MOCK_SK);
  const projectId =
    opts.projectId ?? envValue(ctx, CREDENTIAL_ENV.huaweiProjectId) ?? (isMock ? MOCK_PROJECT : undefined);
  if (projectId === undefined)
    throw new UsageError("no project id: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID");
  return { endpoint: url, isMock, placeholderCredentials, projectId, accessKey, secretKey };
}

export function aliyunConnection(opts: AliyunConnectionOptions, ctx: CliContext): Connection {
  const { url, isMock } = endpointOf("aliyun-live", opts, ctx);
  return {
    endpoint: url,
    isMock,
    placeholderCredentials:
      !envValue(ctx, CREDENTIAL_ENV.aliyunAk) || !envValue(ctx, CREDENTIAL_ENV.aliyunSk) ? isMock : false,
    accessKey: credential(ctx, CREDENTIAL_ENV.aliyunAk, isMock, MOCK_AK),
    secretKey: credential(ctx, CREDENTIAL_ENV.aliyunSk, isMock, MOCK_SK),
  };
}

/**
 * The answer to a rejected placeholder signature: the mock runs with `--auth on`, so say which variables to set
 * (its own LIVEHOOK_MOCK_AK and LIVEHOOK_MOCK_SK are the values it accepts).
 */
export function mockAuthError(conn: Connection, vendor: "huawei" | "aliyun"): UsageError {
  const [ak, sk] =
    vendor === "huawei"
      ? [CREDENTIAL_ENV.huaweiAk, CREDENTIAL_ENV.huaweiSk]
      : [CREDENTIAL_ENV.aliyunAk, CREDENTIAL_ENV.aliyunSk];
  return new UsageError(
    `the mock at ${conn.endpoint} checks request signatures (--auth on): set ${ak} and ${sk} to its LIVEHOOK_MOCK_AK and LIVEHOOK_MOCK_SK`,
  );
}

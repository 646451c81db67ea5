/**
 * The mock's configuration, parsed once at start from argv and env (STYLE habit 21). Nothing else reads
 * process.env or process.argv.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEFAULT_MOCK_PORT } from "./default-port.js";
import { hostName } from "./host-check.js";

const OnOff = z.enum(["on", "off"]).transform((v) => v === "on");

export const Config = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(DEFAULT_MOCK_PORT),
    host: z.string().min(1).default("127.0.0.1"),
    /** Host names answered besides the listening ones (host-check.ts); off loopback, the check is on only with these. */
    allowedHosts: z
      .array(z.string().refine((s) => hostName(s) !== undefined, "must be a host name or IP address"))
      .default([]),
    /** SQLite file; absent means an in-memory database that dies with the process. */
    data: z.string().min(1).optional(),
    auth: OnOff.default(false),
    accessKeyId: z.string().min(1).optional(),
    accessKeySecret: z.string().min(1).optional(),
    /** Huawei IAM tokens accepted in X-Auth-Token with --auth on. */
    tokens: z.array(z.string().min(1)).default([]),
    /** D19: known domains given at start, `vendor:name` or a bare name (Huawei Live and Alibaba). */
    domains: z.array(z.string().min(1)).default([]),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** §2.10: lock an access key out for 5 minutes after five consecutive AK/SK failures (setting `apig_lockout`). */
    apigLockout: z.boolean().default(false),
    /** §3.4: SparkRTC PUT probes the callback URL (setting `probe_callback_url`). */
    probeCallbackUrl: z.boolean().default(false),
  })
  .refine((c) => !c.auth || (c.accessKeyId !== undefined && c.accessKeySecret !== undefined), {
    message: "--auth on needs LIVEHOOK_MOCK_AK and LIVEHOOK_MOCK_SK",
    path: ["auth"],
  });
export type Config = z.infer<typeof Config>;

/** The command-line flags (USAGE describes each; a test keeps the two in step). */
const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  "allowed-hosts": { type: "string" },
  data: { type: "string" },
  auth: { type: "string" },
  domain: { type: "string", multiple: true },
  "log-level": { type: "string" },
  "apig-lockout": { type: "boolean" },
  "probe-callback-url": { type: "boolean" },
  help: { type: "boolean" },
} as const;

/** The flag names, for that test. */
export const FLAG_NAMES: readonly string[] = Object.keys(FLAGS);

export const USAGE = `Usage: livehook-mock [options]

  --port <n>          listen port (default ${DEFAULT_MOCK_PORT}, or PORT)
  --host <addr>       listen address (default 127.0.0.1, or HOST)
  --allowed-hosts <h,…>
                      Host names answered besides the listening ones (or LIVEHOOK_MOCK_ALLOWED_HOSTS); on loopback
                      any other Host gets 403 (DNS rebinding guard), off loopback only these are checked
  --data <file>       SQLite file that keeps configs, sessions and deliveries across restarts (default: in memory)
  --auth on|off       verify vendor request signatures against LIVEHOOK_MOCK_AK / LIVEHOOK_MOCK_SK (default off);
                      LIVEHOOK_MOCK_TOKENS (comma-separated) lists Huawei X-Auth-Token values to accept
  --domain <name>     a known domain (repeatable; "huawei-rtc:<app_id>" for SparkRTC apps). With none, any valid domain is accepted
  --log-level <lvl>   pino level (default info, or LIVEHOOK_MOCK_LOG_LEVEL)
  --apig-lockout      with --auth on, lock an AK out for 5 minutes after 5 consecutive AK/SK failures (Huawei APIG)
  --probe-callback-url
                      SparkRTC PUT POSTs to the callback URL first and answers RTC.00001018 when it is unreachable
  --help              this text
`;

/** Flags win over env. Throws a ZodError (or a TypeError for unknown flags) that main.ts prints. */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  // `pnpm start -- --port 4011` hands the separator through; it is not an option.
  const args = argv.filter((a, i) => !(a === "--" && i === 0));
  const { values } = parseArgs({
    args,
    options: FLAGS,
    strict: true,
    allowPositionals: false,
  });
  return Config.parse({
    port: values.port ?? env.PORT,
    host: values.host ?? env.HOST,
    allowedHosts: (values["allowed-hosts"] ?? env.LIVEHOOK_MOCK_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    data: values.data ?? env.LIVEHOOK_MOCK_DATA,
    auth: values.auth ?? env.LIVEHOOK_MOCK_AUTH,
    accessKeyId: env.LIVEHOOK_MOCK_AK || undefined,
    accessKeySecret: env.LIVEHOOK_MOCK_SK || undefined,
    tokens: (env.LIVEHOOK_MOCK_TOKENS ?? "").split(",").filter(Boolean),
    domains: values.domain ?? [],
    logLevel: values["log-level"] ?? env.LIVEHOOK_MOCK_LOG_LEVEL,
    apigLockout: values["apig-lockout"] ?? false,
    probeCallbackUrl: values["probe-callback-url"] ?? false,
  });
}

export const wantsHelp = (argv: readonly string[]): boolean => argv.includes("--help") || argv.includes("-h");

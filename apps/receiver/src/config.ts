/**
 * The receiver's one configuration module (STYLE habit 21). Sources, strongest first: command-line flags, the
 * environment, an optional `livehook.config.json`, defaults. Everything is validated with zod at start, and
 * main.ts prints the prettified error and exits; no other module reads `process.env`.
 */
import { parseArgs } from "node:util";
import {
  checkHuaweiLiveKey,
  checkHuaweiRtcKey,
  HUAWEI_LIVE_SIGN_TYPES,
  type HuaweiLiveSignType,
  isVendor,
  VENDORS,
  type Vendor,
} from "@livehook/core";
import { z } from "zod";
import { DEFAULT_RECEIVER_PORT } from "./default-port.js";
import { ForwardSecret } from "./forward-secret.js";
import { hostName } from "./host-check.js";
import { parseBusUrl } from "./outbox/bus-url.js";

const csv = (s: string): string[] =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

const KeyList = z.array(z.string().min(1, "a key must not be empty"));
const Url = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });
const SignType = z.enum(HUAWEI_LIVE_SIGN_TYPES);
const Synchronous = z.enum(["FULL", "NORMAL"]);
/** A message bus target: nats:// or amqp(s):// (outbox/bus-url.ts), checked whole so a typo stops the start. */
const BusUrl = z.string().superRefine((s, ctx) => {
  try {
    parseBusUrl(s);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `${(err as Error).message}` });
  }
});
const BusUrls = z.array(BusUrl);
/** A host name or IP literal, optionally with a port (ignored): what a Host header may carry. */
const HostEntry = z.string().refine((s) => hostName(s) !== undefined, "must be a host name or IP address");

/** The shape of `livehook.config.json`. Strict, so a misspelt option is an error instead of being ignored. */
export const FileConfig = z.strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  allowedHosts: z.array(HostEntry).optional(),
  data: z.string().min(1).optional(),
  databaseUrl: z.string().optional(),
  keys: z
    .strictObject({
      "huawei-live": KeyList.optional(),
      "huawei-rtc": KeyList.optional(),
      "aliyun-live": KeyList.optional(),
    })
    .optional(),
  huaweiLiveSignTypes: z.array(SignType).min(1).optional(),
  toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
  bodyLimitBytes: z
    .number()
    .int()
    .min(64)
    .max(64 * 1024 * 1024)
    .optional(),
  aliyunCallbackHost: z.string().min(1).optional(),
  dedupeWindowSeconds: z.number().int().min(1).max(86_400).optional(),
  recordRejected: z.boolean().optional(),
  rejectedKeepPerVendor: z.number().int().min(1).max(1_000_000).optional(),
  adminToken: z.string().min(16).optional(),
  forward: z
    .strictObject({ "huawei-live": Url.optional(), "huawei-rtc": Url.optional(), "aliyun-live": Url.optional() })
    .optional(),
  forwardRetryMs: z.array(z.number().int().min(0)).max(20).optional(),
  forwardLeaseMs: z.number().int().min(1000).max(600_000).optional(),
  publish: z
    .strictObject({
      "huawei-live": BusUrls.optional(),
      "huawei-rtc": BusUrls.optional(),
      "aliyun-live": BusUrls.optional(),
    })
    .optional(),
  sqliteSynchronous: Synchronous.optional(),
  sqliteWriter: z.enum(["worker", "inline"]).optional(),
  storeWaitMs: z.number().int().min(100).max(4500).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
});
export type FileConfig = z.infer<typeof FileConfig>;

const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
const boolText = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Environment variables the receiver reads (documented in README.md). Unknown variables are ignored. */
export const EnvConfig = z.object({
  PORT: optionalInt(0, 65535),
  LIVEHOOK_PORT: optionalInt(0, 65535),
  LIVEHOOK_HOST: z.string().min(1).optional(),
  LIVEHOOK_ALLOWED_HOSTS: z.string().transform(csv).pipe(z.array(HostEntry)).optional(),
  LIVEHOOK_DATA: z.string().min(1).optional(),
  DATABASE_URL: z.string().optional(),
  LIVEHOOK_CONFIG: z.string().min(1).optional(),
  LIVEHOOK_HUAWEI_LIVE_KEYS: z.string().transform(csv).optional(),
  LIVEHOOK_HUAWEI_RTC_KEYS: z.string().transform(csv).optional(),
  LIVEHOOK_ALIYUN_LIVE_KEYS: z.string().transform(csv).optional(),
  LIVEHOOK_HUAWEI_LIVE_SIGN_TYPES: z.string().transform(csv).pipe(z.array(SignType).min(1)).optional(),
  LIVEHOOK_TOLERANCE_SECONDS: optionalInt(1, 86_400),
  LIVEHOOK_BODY_LIMIT: optionalInt(64, 64 * 1024 * 1024),
  LIVEHOOK_ALIYUN_CALLBACK_HOST: z.string().min(1).optional(),
  LIVEHOOK_DEDUPE_WINDOW_SECONDS: optionalInt(1, 86_400),
  LIVEHOOK_RECORD_REJECTED: boolText.optional(),
  LIVEHOOK_REJECTED_KEEP: optionalInt(1, 1_000_000),
  LIVEHOOK_ADMIN_TOKEN: z.string().min(16, "LIVEHOOK_ADMIN_TOKEN must be at least 16 characters").optional(),
  LIVEHOOK_FORWARD_HUAWEI_LIVE: Url.optional(),
  LIVEHOOK_FORWARD_HUAWEI_RTC: Url.optional(),
  LIVEHOOK_FORWARD_ALIYUN_LIVE: Url.optional(),
  LIVEHOOK_FORWARD_SECRET: ForwardSecret.optional(),
  LIVEHOOK_FORWARD_RETRY_MS: z
    .string()
    .transform((s) => csv(s).map(Number))
    .pipe(z.array(z.number().int().min(0)).max(20))
    .optional(),
  LIVEHOOK_FORWARD_LEASE_MS: optionalInt(1000, 600_000),
  LIVEHOOK_PUBLISH: z.string().transform(csv).pipe(BusUrls).optional(),
  LIVEHOOK_PUBLISH_HUAWEI_LIVE: z.string().transform(csv).pipe(BusUrls).optional(),
  LIVEHOOK_PUBLISH_HUAWEI_RTC: z.string().transform(csv).pipe(BusUrls).optional(),
  LIVEHOOK_PUBLISH_ALIYUN_LIVE: z.string().transform(csv).pipe(BusUrls).optional(),
  LIVEHOOK_SQLITE_SYNCHRONOUS: Synchronous.optional(),
  LIVEHOOK_SQLITE_WRITER: z.enum(["worker", "inline"]).optional(),
  LIVEHOOK_STORE_WAIT_MS: optionalInt(100, 4500),
  LIVEHOOK_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
});

export type Storage = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

export type Config = {
  port: number;
  host: string;
  /**
   * Host names accepted besides the listening ones (host-check.ts). When set, callbacks are checked too, and the
   * API is checked even with an admin token.
   */
  allowedHosts: string[];
  storage: Storage;
  keys: Record<Vendor, string[]>;
  /** MD5 signs only key + timestamp, so it is accepted only when listed here (events are then not body-authenticated). */
  huaweiLiveSignTypes: HuaweiLiveSignType[];
  /** Allowed clock distance for header timestamps, and the grace after Huawei's `auth_timestamp` expiry (D6). */
  toleranceSeconds: number;
  bodyLimitBytes: number;
  /** Host of the callback URL as Alibaba signs it; defaults to the request's Host header. */
  aliyunCallbackHost: string | undefined;
  /** Window for bodies without identity (Alibaba status callbacks, SparkRTC file starts); docs/receiver-internals.md "Idempotency keys". */
  dedupeWindowSeconds: number;
  recordRejected: boolean;
  /** Rejected attempts kept per vendor (newest first); older ones are deleted as new ones arrive. */
  rejectedKeepPerVendor: number;
  adminToken: string | undefined;
  /**
   * HTTP forwarding target per vendor (outbox/http-target.ts): `--forward-to`, LIVEHOOK_FORWARD_<VENDOR>, the
   * file's `forward`.
   */
  forward: Partial<Record<Vendor, string>>;
  /**
   * The `whsec_` secret HTTP forwards are signed with: LIVEHOOK_FORWARD_SECRET, else serve.ts fills it in from the
   * file beside the SQLite database (forward-secret.ts). Redacted from logs.
   */
  forwardSecret: string | undefined;
  /** Message bus targets per vendor (nats://, amqp://); with `forward`, the vendor's outbox targets. */
  publish: Partial<Record<Vendor, string[]>>;
  forwardRetryMs: number[];
  /** How long a claim keeps queued events from other receivers sharing the database (forwarder.ts). */
  forwardLeaseMs: number;
  sqliteSynchronous: "FULL" | "NORMAL";
  /** Commit in a worker thread (the fsync does not block the event loop) or on the main thread. */
  sqliteWriter: "worker" | "inline";
  /**
   * Longest a delivery waits for the store (lock, connection, commit), in ms; then 503 and the vendor retries.
   * At most 4500: below the shortest vendor delivery timeout (Alibaba, 5 s), with room for the rest of the reply.
   */
  storeWaitMs: number;
  logLevel: string;
};

export const DEFAULTS = {
  port: DEFAULT_RECEIVER_PORT,
  host: "127.0.0.1",
  data: "./.livehook/receiver.db",
  toleranceSeconds: 300,
  bodyLimitBytes: 1024 * 1024,
  dedupeWindowSeconds: 60,
  rejectedKeepPerVendor: 1000,
  forwardRetryMs: [1000, 5000, 30_000, 120_000, 600_000],
  forwardLeaseMs: 30_000,
  storeWaitMs: 3000,
} as const;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);

export type ConfigSources = {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Returns the file text, or undefined when the file does not exist. */
  readFile: (path: string) => string | undefined;
  /**
   * Options given in code (`startReceiver`): the shape of `livehook.config.json`, validated the same way and taken
   * instead of that file, so flags and the environment override them as they override the file.
   */
  options?: unknown;
};

/** The command-line flags; everything else is an environment variable or a config file field. */
const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  "allowed-hosts": { type: "string" },
  data: { type: "string" },
  "database-url": { type: "string" },
  config: { type: "string" },
  publish: { type: "string", multiple: true },
  "forward-to": { type: "string", multiple: true },
} as const;

/** The flag names, for the test that keeps USAGE in step with what parseFlags accepts. */
export const FLAG_NAMES: readonly string[] = Object.keys(FLAGS);

export const USAGE = `Usage: livehook-receiver [options]

Receives the recording callbacks of Huawei Cloud Live, Huawei SparkRTC and Alibaba Cloud ApsaraVideo Live:
verifies each on its raw bytes, stores it exactly once, and serves the query API and the inspector.

  --port <n>             listen port (default ${DEFAULTS.port}, or LIVEHOOK_PORT / PORT; 0 picks a free one)
  --host <addr>          listen address (default ${DEFAULTS.host}, or LIVEHOOK_HOST); any other than loopback
                         needs LIVEHOOK_ADMIN_TOKEN (16+ characters) for the query API and the inspector
  --allowed-hosts <h,…>  Host names answered besides the listening ones (or LIVEHOOK_ALLOWED_HOSTS)
  --data <file>          SQLite file, or :memory: (default ${DEFAULTS.data}, or LIVEHOOK_DATA)
  --database-url <url>   postgres://… to store in PostgreSQL instead (or DATABASE_URL)
  --config <file>        JSON config file (or LIVEHOOK_CONFIG; default livehook.config.json when it exists)
  --forward-to [<vendor>=]<url>
                         relay accepted events to this URL, signed (repeatable; or LIVEHOOK_FORWARD_<VENDOR>)
  --publish [<vendor>=]<url>
                         publish accepted events to nats://… (JetStream) or amqp://… (RabbitMQ)
                         (repeatable; or LIVEHOOK_PUBLISH, LIVEHOOK_PUBLISH_<VENDOR>)
  --help                 this text

Vendors: huawei-live, huawei-rtc, aliyun-live. Their keys come from the environment or the config file only:
LIVEHOOK_HUAWEI_LIVE_KEYS, LIVEHOOK_HUAWEI_RTC_KEYS, LIVEHOOK_ALIYUN_LIVE_KEYS (comma-separated; several at once
for rotation). The other settings (body limit, timestamp tolerance, dedupe window, retries, log level, …) are
environment variables and config file fields, listed in the README of @livehook/receiver.
`;

/** Whether the command line asks for USAGE; answered before anything is validated. */
export const wantsHelp = (argv: readonly string[]): boolean => argv.includes("--help") || argv.includes("-h");

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError(`command line: ${(err as Error).message} (--help lists the options)`);
  }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(`${where}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Parses flags, environment and the optional config file into a validated Config, or throws ConfigError. */
export function loadConfig(sources: ConfigSources): Config {
  const flags = parseFlags(sources.argv);
  const env = parseWith(EnvConfig, sources.env, "environment");
  let fileJson: unknown = sources.options ?? {};
  let filePath = "options";
  if (sources.options === undefined) {
    filePath = flags.config ?? env.LIVEHOOK_CONFIG ?? "livehook.config.json";
    const text = sources.readFile(filePath);
    if (text === undefined && (flags.config !== undefined || env.LIVEHOOK_CONFIG !== undefined)) {
      throw new ConfigError(`config file ${filePath} not found`);
    }
    if (text !== undefined) {
      try {
        fileJson = JSON.parse(text);
      } catch (err) {
        throw new ConfigError(`${filePath}: not valid JSON (${(err as Error).message})`);
      }
    }
  }
  const file = parseWith(FileConfig, fileJson, filePath);
  const port = parseWith(
    z.coerce.number().int().min(0).max(65535),
    flags.port ?? env.LIVEHOOK_PORT ?? env.PORT ?? file.port ?? DEFAULTS.port,
    "--port",
  );
  const host = flags.host ?? env.LIVEHOOK_HOST ?? file.host ?? DEFAULTS.host;
  const allowedHosts =
    flags["allowed-hosts"] === undefined
      ? (env.LIVEHOOK_ALLOWED_HOSTS ?? file.allowedHosts ?? [])
      : parseWith(z.array(HostEntry), csv(flags["allowed-hosts"]), "--allowed-hosts");

  // An explicit --data wins over DATABASE_URL, so a parent process can force SQLite whatever its env holds.
  const databaseUrl =
    flags.data === undefined ? (flags["database-url"] ?? env.DATABASE_URL ?? file.databaseUrl) : undefined;
  let storage: Storage;
  if (databaseUrl !== undefined && databaseUrl !== "") {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError("DATABASE_URL must start with postgres://");
    storage = { kind: "postgres", url: databaseUrl };
  } else {
    storage = { kind: "sqlite", file: flags.data ?? env.LIVEHOOK_DATA ?? file.data ?? DEFAULTS.data };
  }

  const adminToken = env.LIVEHOOK_ADMIN_TOKEN ?? file.adminToken;
  if (!isLoopback(host) && adminToken === undefined) {
    throw new ConfigError(
      `host ${host} is not a loopback address: set LIVEHOOK_ADMIN_TOKEN (16+ characters) to protect the query API and inspector`,
    );
  }
  const forward: Partial<Record<Vendor, string>> = { ...file.forward };
  const publish = publishTargets(flags.publish, env, file);
  if (env.LIVEHOOK_FORWARD_HUAWEI_LIVE) forward["huawei-live"] = env.LIVEHOOK_FORWARD_HUAWEI_LIVE;
  if (env.LIVEHOOK_FORWARD_HUAWEI_RTC) forward["huawei-rtc"] = env.LIVEHOOK_FORWARD_HUAWEI_RTC;
  if (env.LIVEHOOK_FORWARD_ALIYUN_LIVE) forward["aliyun-live"] = env.LIVEHOOK_FORWARD_ALIYUN_LIVE;
  Object.assign(forward, forwardTargets(flags["forward-to"] ?? []));

  return {
    port,
    host,
    allowedHosts,
    storage,
    keys: {
      "huawei-live": env.LIVEHOOK_HUAWEI_LIVE_KEYS ?? file.keys?.["huawei-live"] ?? [],
      "huawei-rtc": env.LIVEHOOK_HUAWEI_RTC_KEYS ?? file.keys?.["huawei-rtc"] ?? [],
      "aliyun-live": env.LIVEHOOK_ALIYUN_LIVE_KEYS ?? file.keys?.["aliyun-live"] ?? [],
    },
    huaweiLiveSignTypes: env.LIVEHOOK_HUAWEI_LIVE_SIGN_TYPES ?? file.huaweiLiveSignTypes ?? ["HMACSHA256"],
    toleranceSeconds: env.LIVEHOOK_TOLERANCE_SECONDS ?? file.toleranceSeconds ?? DEFAULTS.toleranceSeconds,
    bodyLimitBytes: env.LIVEHOOK_BODY_LIMIT ?? file.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
    aliyunCallbackHost: env.LIVEHOOK_ALIYUN_CALLBACK_HOST ?? file.aliyunCallbackHost,
    dedupeWindowSeconds: env.LIVEHOOK_DEDUPE_WINDOW_SECONDS ?? file.dedupeWindowSeconds ?? DEFAULTS.dedupeWindowSeconds,
    recordRejected: env.LIVEHOOK_RECORD_REJECTED ?? file.recordRejected ?? true,
    rejectedKeepPerVendor: env.LIVEHOOK_REJECTED_KEEP ?? file.rejectedKeepPerVendor ?? DEFAULTS.rejectedKeepPerVendor,
    adminToken,
    forward,
    forwardSecret: env.LIVEHOOK_FORWARD_SECRET,
    publish,
    forwardRetryMs: env.LIVEHOOK_FORWARD_RETRY_MS ?? file.forwardRetryMs ?? [...DEFAULTS.forwardRetryMs],
    forwardLeaseMs: env.LIVEHOOK_FORWARD_LEASE_MS ?? file.forwardLeaseMs ?? DEFAULTS.forwardLeaseMs,
    sqliteSynchronous: env.LIVEHOOK_SQLITE_SYNCHRONOUS ?? file.sqliteSynchronous ?? "FULL",
    sqliteWriter: env.LIVEHOOK_SQLITE_WRITER ?? file.sqliteWriter ?? "worker",
    storeWaitMs: env.LIVEHOOK_STORE_WAIT_MS ?? file.storeWaitMs ?? DEFAULTS.storeWaitMs,
    logLevel: env.LIVEHOOK_LOG_LEVEL ?? file.logLevel ?? "info",
  };
}

/**
 * A repeatable per-vendor flag (`--forward-to`, `--publish`): `URL` is every vendor's, `VENDOR=URL` one vendor's.
 * A URL with `=` in its query is still a URL: only a leading `[a-z-]+=` names a vendor.
 */
function vendorFlag(flag: string, option: string): { vendor: Vendor | undefined; url: string } {
  const named = /^([a-z-]+)=(.*)$/.exec(flag);
  const vendor = named?.[1];
  if (vendor === undefined) return { vendor: undefined, url: flag };
  if (!isVendor(vendor)) throw new ConfigError(`${option}: unknown vendor "${vendor}" (known: ${VENDORS.join(", ")})`);
  return { vendor, url: named?.[2] ?? "" };
}

/** `--forward-to` flags, repeatable: one vendor's URL wins over every vendor's, whatever their order. */
export function forwardTargets(flags: readonly string[]): Partial<Record<Vendor, string>> {
  const all: Partial<Record<Vendor, string>> = {};
  const one: Partial<Record<Vendor, string>> = {};
  for (const flag of flags) {
    const { vendor, url } = vendorFlag(flag, "--forward-to");
    if (vendor !== undefined) one[vendor] = parseWith(Url, url, `--forward-to ${vendor}`);
    else for (const v of VENDORS) all[v] = parseWith(Url, url, "--forward-to");
  }
  return { ...all, ...one };
}

/**
 * Message bus targets per vendor. The strongest source that names any wins as a whole: `--publish` flags, else
 * the environment, else the file. A flag is `URL` (every vendor) or `VENDOR=URL`; LIVEHOOK_PUBLISH is every
 * vendor's, LIVEHOOK_PUBLISH_<VENDOR> one vendor's.
 */
function publishTargets(
  flags: readonly string[] | undefined,
  env: z.infer<typeof EnvConfig>,
  file: FileConfig,
): Partial<Record<Vendor, string[]>> {
  const out: Partial<Record<Vendor, string[]>> = {};
  const add = (vendor: Vendor, urls: readonly string[]) => {
    if (urls.length > 0) out[vendor] = [...new Set([...(out[vendor] ?? []), ...urls])];
  };
  if (flags !== undefined && flags.length > 0) {
    for (const flag of flags) {
      const { vendor, url } = vendorFlag(flag, "--publish");
      const parsed = parseWith(BusUrl, url, "--publish");
      for (const v of vendor === undefined ? VENDORS : [vendor]) add(v, [parsed]);
    }
    return out;
  }
  const perVendor = {
    "huawei-live": env.LIVEHOOK_PUBLISH_HUAWEI_LIVE,
    "huawei-rtc": env.LIVEHOOK_PUBLISH_HUAWEI_RTC,
    "aliyun-live": env.LIVEHOOK_PUBLISH_ALIYUN_LIVE,
  };
  if (env.LIVEHOOK_PUBLISH !== undefined || Object.values(perVendor).some((v) => v !== undefined)) {
    for (const vendor of VENDORS) add(vendor, [...(env.LIVEHOOK_PUBLISH ?? []), ...(perVendor[vendor] ?? [])]);
    return out;
  }
  for (const vendor of VENDORS) add(vendor, file.publish?.[vendor] ?? []);
  return out;
}

/** Whether accepted events of this vendor are queued in the outbox (forwarded or published). */
export const hasOutboxTargets = (config: Pick<Config, "forward" | "publish">, vendor: Vendor): boolean =>
  config.forward[vendor] !== undefined || (config.publish[vendor]?.length ?? 0) > 0;

/**
 * Keys that the vendor's console would not accept (D5). Only a warning: the receiver verifies with whatever it is
 * given, but such a key is usually a copy-paste slip. Messages name the key by position, never by value.
 */
export function keyWarnings(config: Pick<Config, "keys">): string[] {
  const out: string[] = [];
  config.keys["huawei-live"].forEach((key, i) => {
    const check = checkHuaweiLiveKey(key);
    if (!check.ok) out.push(`LIVEHOOK_HUAWEI_LIVE_KEYS key #${i}: ${check.reason}`);
  });
  config.keys["huawei-rtc"].forEach((key, i) => {
    const check = checkHuaweiRtcKey(key);
    if (!check.ok) out.push(`LIVEHOOK_HUAWEI_RTC_KEYS key #${i}: ${check.reason}`);
  });
  return out;
}

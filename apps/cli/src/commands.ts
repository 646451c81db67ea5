/**
 * The command tree. It is data only: names, arguments, options and loaders, so `--help` and argument errors never
 * import a command's implementation.
 */
import type { CommandSpec, OptionSpec } from "./command-spec.js";
import { VENDORS } from "./vendors.js";

const KEY_OPTION: OptionSpec = {
  flags: "-k, --key <key>",
  description: "callback key; repeat to try several (rotation). Default: LIVEHOOK_<VENDOR>_KEY(S)",
  repeatable: true,
};
const JSON_OPTION: OptionSpec = { flags: "--json", description: "print JSON instead of text" };
const SCHEME_ARG = { syntax: "<scheme>", description: `callback scheme: ${VENDORS.join(", ")}`, choices: VENDORS };

const KEY_ENV_HELP = `Keys come from --key, else LIVEHOOK_HUAWEI_LIVE_KEY(S), LIVEHOOK_HUAWEI_RTC_KEY(S) or LIVEHOOK_ALIYUN_LIVE_KEY(S)
(the plural form takes a comma-separated list).`;

const sign: CommandSpec = {
  name: "sign",
  description: "sign a callback body as the vendor would and print the signed body or headers",
  arguments: [SCHEME_ARG, { syntax: "[file]", description: "body file; '-' or omitted reads stdin" }],
  options: [
    KEY_OPTION,
    {
      flags: "--sign-type <type>",
      description: "huawei-live algorithm",
      choices: ["HMACSHA256", "MD5"],
      default: "HMACSHA256",
    },
    { flags: "--timestamp <t>", description: "Unix seconds or ISO date (default: now; huawei-live: now + 300 s)" },
    { flags: "--rand <n>", description: "huawei-rtc X-Rtc-Rand (default: random)" },
    { flags: "--url <url>", description: "aliyun-live: the callback URL (its hostname is signed)" },
    { flags: "--host <host>", description: "aliyun-live: the signed host, instead of --url" },
    { flags: "--signature-only", description: "huawei-live: print auth_sign only" },
    JSON_OPTION,
  ],
  helpAfter: `Examples:
  livehook sign huawei-live body.json --key $KEY
  cat body.json | livehook sign huawei-rtc --key $KEY
  livehook sign aliyun-live --url https://hooks.example.com/aliyun --key $KEY

${KEY_ENV_HELP}`,
  load: () => import("./commands/sign.js").then((m) => m.signCommand),
};

const verify: CommandSpec = {
  name: "verify",
  description: "check a received callback's signature; --explain shows the signed string and names the usual mistakes",
  arguments: [
    SCHEME_ARG,
    { syntax: "[file]", description: "body file; '-' or omitted reads stdin (not read for aliyun-live)" },
  ],
  options: [
    KEY_OPTION,
    { flags: "-H, --header <header>", description: 'a received header, "Name: value"; repeatable', repeatable: true },
    { flags: "--signature <sig>", description: "X-Rtc-Signature / ALI-LIVE-SIGNATURE value" },
    { flags: "--timestamp <ts>", description: "X-Rtc-Timestamp / ALI-LIVE-TIMESTAMP value" },
    { flags: "--rand <rand>", description: "X-Rtc-Rand value" },
    { flags: "--url <url>", description: "aliyun-live: the configured callback URL" },
    { flags: "--host <host>", description: "aliyun-live: the configured callback host" },
    { flags: "--now <time>", description: "check the time window against this instant (Unix seconds or ISO)" },
    { flags: "--tolerance <seconds>", description: "time window in seconds (default 300)" },
    { flags: "--allow-md5", description: "huawei-live: accept MD5 signatures (they do not cover the body)" },
    { flags: "--explain", description: "print the exact signed string and, on a mismatch, the mistake that matches" },
    JSON_OPTION,
  ],
  helpAfter: `Examples:
  livehook verify huawei-live received.json --key $KEY --explain
  livehook verify huawei-rtc body.json -H "X-Rtc-Rand: 123" -H "X-Rtc-Timestamp: 1700000000" -H "X-Rtc-Signature: ab…"
  livehook verify aliyun-live --url https://hooks.example.com/aliyun --timestamp 1700000000 --signature 6c47…

Exit code 0 when the signature is accepted, 1 when it is rejected.
${KEY_ENV_HELP}`,
  load: () => import("./commands/verify.js").then((m) => m.verifyCommand),
};

const trigger: CommandSpec = {
  name: "trigger",
  description: "send one realistic, correctly signed sample event to a URL (or a damaged one)",
  arguments: [
    { syntax: "<vendor>", description: `${VENDORS.join(", ")}`, choices: VENDORS },
    {
      syntax: "<event>",
      description:
        "the vendor's event name, any case: RECORD_NEW_FILE_START, RECORD_FILE_COMPLETE, RECORD_OVER, RECORD_FAILED, " +
        "CLOUD_RECORD_SERVER_OVER, file_created, record_started, record_paused, record_resumed, record_error…",
    },
  ],
  options: [
    { flags: "--to <url>", description: "the receiver URL, e.g. http://127.0.0.1:4020/hooks/huawei-live" },
    KEY_OPTION,
    { flags: "--tamper", description: "change a signed field after signing (expect 401)" },
    { flags: "--expire", description: "sign with a timestamp an hour old (expect 401)" },
    { flags: "--wrong-key", description: "sign with another key (expect 401)" },
    { flags: "--unsigned", description: "send no signature (expect 401)" },
    { flags: "--replay", description: "send the same bytes twice (expect 200 both times, stored once)" },
    { flags: "--sign-type <type>", description: "huawei-live algorithm", choices: ["HMACSHA256", "MD5"] },
    { flags: "--domain <domain>", description: "publish/stream domain in the event" },
    { flags: "--app <app>", description: "app name (SparkRTC: app id) in the event" },
    { flags: "--stream <stream>", description: "stream name in the event" },
    { flags: "--seed <seed>", description: "derive the event ids from this seed (same seed, same event)" },
    {
      flags: "--body <file>",
      description: "send this JSON body instead of a sample event ('-' for stdin; <event> then only labels the output)",
    },
    { flags: "--dry-run", description: "print the request instead of sending it" },
    JSON_OPTION,
  ],
  helpAfter: `Exit code 0 when the receiver answered as a correct one should (200, or 4xx for a damaged event), 1 otherwise,
3 when the URL cannot be reached.
${KEY_ENV_HELP}`,
  load: () => import("./commands/trigger.js").then((m) => m.triggerCommand),
};

const doctor: CommandSpec = {
  name: "doctor",
  description: "probe a receiver with good, replayed, tampered, wrong-key, expired, unsigned and oversized events",
  options: [
    { flags: "--url <url>", description: "the receiver's callback URL, e.g. http://127.0.0.1:4020/hooks/huawei-rtc" },
    { flags: "--vendor <vendor>", description: "callback scheme (default: from the URL path)", choices: VENDORS },
    KEY_OPTION,
    {
      flags: "--max-body <bytes>",
      description: "the receiver's body limit; the oversized probe exceeds it (default 1 MiB)",
    },
    JSON_OPTION,
  ],
  helpAfter: `Exit code 0 when every probe got the expected answer, 1 otherwise, 3 when the URL cannot be reached.
${KEY_ENV_HELP}`,
  load: () => import("./commands/doctor.js").then((m) => m.doctorCommand),
};

const HUAWEI_CONNECTION: readonly OptionSpec[] = [
  { flags: "--endpoint <url>", description: "a real endpoint, e.g. https://live.cn-north-4.myhuaweicloud.com" },
  { flags: "--region <region>", description: "a real region, e.g. cn-north-4 (sets the endpoint)" },
  { flags: "--project-id <id>", description: "project id (default: HUAWEICLOUD_SDK_PROJECT_ID)" },
  {
    flags: "--mock <url>",
    description: "the mock's URL when no endpoint is given (default: LIVEHOOK_MOCK_URL or http://127.0.0.1:4010)",
  },
  JSON_OPTION,
];
const HUAWEI_ENV_HELP = `Without --endpoint or --region, calls go to the local mock. Credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK
(required for a real endpoint), project id: --project-id or HUAWEICLOUD_SDK_PROJECT_ID.
Exit codes: 0 ok, 2 usage, 3 unreachable, 4 vendor error (printed with its error_code).`;
const ALIYUN_CONNECTION: readonly OptionSpec[] = [
  { flags: "--endpoint <url>", description: "a real endpoint, e.g. https://live.aliyuncs.com" },
  { flags: "--region <region>", description: "a real region, e.g. cn-shanghai (sets the endpoint)" },
  {
    flags: "--mock <url>",
    description: "the mock's URL when no endpoint is given (default: LIVEHOOK_MOCK_URL or http://127.0.0.1:4010)",
  },
  JSON_OPTION,
];
const ALIYUN_ENV_HELP = `Without --endpoint or --region, calls go to the local mock. Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID,
ALIBABA_CLOUD_ACCESS_KEY_SECRET (required for a real endpoint).
Exit codes: 0 ok, 2 usage, 3 unreachable, 4 vendor error (printed with its Code).`;

const huaweiCallbacks = () => import("./commands/huawei-callbacks.js");
const LIVE_CONFIG_OPTIONS: readonly OptionSpec[] = [
  { flags: "--url <url>", description: "notify_callback_url: where recording callbacks go" },
  {
    flags: "--events <list>",
    description: "comma-separated: RECORD_NEW_FILE_START,RECORD_FILE_COMPLETE,RECORD_OVER,RECORD_FAILED",
  },
  { flags: "--sign-type <type>", description: "callback signature", choices: ["HMACSHA256", "MD5"] },
  { flags: "--key <key>", description: "callback signing key (32–128 letters and digits); never returned by the API" },
];
const huawei: CommandSpec = {
  name: "huawei",
  description: "Huawei Cloud Live: recording-callback configurations",
  subcommands: [
    {
      name: "callbacks",
      description: "list, create, show, update and delete recording-callback configs",
      subcommands: [
        {
          name: "list",
          description: "list configs",
          options: [
            { flags: "--publish-domain <domain>", description: "filter by ingest domain" },
            { flags: "--app <app>", description: "filter by app (* is the wildcard rule)" },
            { flags: "--offset <n>", description: "skip n configs" },
            { flags: "--limit <n>", description: "page size, 1–100 (default 10)" },
            ...HUAWEI_CONNECTION,
          ],
          helpAfter: HUAWEI_ENV_HELP,
          load: () => huaweiCallbacks().then((m) => m.listCallbacks),
        },
        {
          name: "create",
          description: "create a config for a domain and app",
          options: [
            { flags: "--publish-domain <domain>", description: "ingest (push) domain (required)" },
            { flags: "--app <app>", description: "app name, or * for every app of the domain (required)" },
            ...LIVE_CONFIG_OPTIONS,
            ...HUAWEI_CONNECTION,
          ],
          helpAfter: HUAWEI_ENV_HELP,
          load: () => huaweiCallbacks().then((m) => m.createCallback),
        },
        {
          name: "get",
          description: "show one config",
          arguments: [{ syntax: "<id>", description: "config id" }],
          options: HUAWEI_CONNECTION,
          helpAfter: HUAWEI_ENV_HELP,
          load: () => huaweiCallbacks().then((m) => m.getCallback),
        },
        {
          name: "update",
          description: "change a config; fields not given keep their current value",
          arguments: [{ syntax: "<id>", description: "config id" }],
          options: [{ flags: "--app <app>", description: "app name" }, ...LIVE_CONFIG_OPTIONS, ...HUAWEI_CONNECTION],
          helpAfter: `The key is kept unless --key is given (--key "" removes it).\n${HUAWEI_ENV_HELP}`,
          load: () => huaweiCallbacks().then((m) => m.updateCallback),
        },
        {
          name: "delete",
          description: "delete a config",
          arguments: [{ syntax: "<id>", description: "config id" }],
          options: HUAWEI_CONNECTION,
          helpAfter: HUAWEI_ENV_HELP,
          load: () => huaweiCallbacks().then((m) => m.deleteCallback),
        },
      ],
    },
  ],
};

const rtcCallback = () => import("./commands/rtc-callback.js");
const RTC_OPTIONS: readonly OptionSpec[] = [
  { flags: "--app-id <id>", description: "SparkRTC application id (required)" },
  { flags: "--show-secrets", description: "print auth_key in full (masked by default)" },
  ...HUAWEI_CONNECTION,
];
const rtc: CommandSpec = {
  name: "rtc",
  description: "Huawei SparkRTC: the recording callback of an application",
  subcommands: [
    {
      name: "callback",
      description: "show or set an application's recording callback",
      subcommands: [
        {
          name: "get",
          description: "show the callback",
          options: RTC_OPTIONS,
          helpAfter: HUAWEI_ENV_HELP,
          load: () => rtcCallback().then((m) => m.getCallback),
        },
        {
          name: "set",
          description: "set the callback URL and key",
          options: [
            { flags: "--url <url>", description: "callback URL (required)" },
            { flags: "--auth-key <key>", description: "signing key, 32–64 characters; empty means unsigned callbacks" },
            ...RTC_OPTIONS,
          ],
          helpAfter: HUAWEI_ENV_HELP,
          load: () => rtcCallback().then((m) => m.setCallback),
        },
      ],
    },
  ],
};

const aliyunNotify = () => import("./commands/aliyun-notify.js");
const DOMAIN_OPTION: OptionSpec = { flags: "--domain <domain>", description: "streaming (playback) domain (required)" };
const NOTIFY_OPTIONS: readonly OptionSpec[] = [
  DOMAIN_OPTION,
  { flags: "--url <url>", description: "NotifyUrl (required)" },
  { flags: "--status-notify", description: "NeedStatusNotify: also send record_started/paused/resumed" },
  { flags: "--on-demand-url <url>", description: "OnDemandUrl (stored only)" },
  { flags: "--auth-key <key>", description: "NotifyAuthKey: signs callbacks (sets NotifyReqAuth)" },
  ...ALIYUN_CONNECTION,
];
const aliyun: CommandSpec = {
  name: "aliyun",
  description: "Alibaba Cloud ApsaraVideo Live: recording-notify configuration and delivery records",
  subcommands: [
    {
      name: "notify-config",
      description: "add, show, update and delete a domain's recording-notify config",
      subcommands: [
        {
          name: "add",
          description: "AddLiveRecordNotifyConfig",
          options: NOTIFY_OPTIONS,
          helpAfter: ALIYUN_ENV_HELP,
          load: () => aliyunNotify().then((m) => m.addConfig),
        },
        {
          name: "get",
          description: "DescribeLiveRecordNotifyConfig",
          options: [DOMAIN_OPTION, ...ALIYUN_CONNECTION],
          helpAfter: ALIYUN_ENV_HELP,
          load: () => aliyunNotify().then((m) => m.getConfig),
        },
        {
          name: "update",
          description: "UpdateLiveRecordNotifyConfig",
          options: NOTIFY_OPTIONS,
          helpAfter: ALIYUN_ENV_HELP,
          load: () => aliyunNotify().then((m) => m.updateConfig),
        },
        {
          name: "delete",
          description: "DeleteLiveRecordNotifyConfig",
          options: [DOMAIN_OPTION, ...ALIYUN_CONNECTION],
          helpAfter: ALIYUN_ENV_HELP,
          load: () => aliyunNotify().then((m) => m.deleteConfig),
        },
      ],
    },
    {
      name: "notify-records",
      description: "DescribeLiveRecordNotifyRecords: what was delivered, with its outcome",
      options: [
        DOMAIN_OPTION,
        { flags: "--start <time>", description: "ISO date or Unix seconds (default: a day ago; at most 7 days back)" },
        { flags: "--end <time>", description: "ISO date or Unix seconds (default: now)" },
        { flags: "--app <app>", description: "filter by AppName" },
        { flags: "--stream <stream>", description: "filter by StreamName" },
        { flags: "--status <status>", description: "filter by result", choices: ["success", "failed"] },
        { flags: "--page <n>", description: "page number (default 1)" },
        { flags: "--page-size <n>", description: "1–500 (default 20)" },
        ...ALIYUN_CONNECTION,
      ],
      helpAfter: ALIYUN_ENV_HELP,
      load: () => aliyunNotify().then((m) => m.listRecords),
    },
  ],
};

const MOCK_URL_OPTION: OptionSpec = {
  flags: "--mock <url>",
  description: "the mock's URL (default: LIVEHOOK_MOCK_URL or http://127.0.0.1:4010)",
};
const RECEIVER_URL_OPTION: OptionSpec = {
  flags: "--receiver <url>",
  description: "the receiver's URL (default: LIVEHOOK_RECEIVER_URL or http://127.0.0.1:4020)",
};

const start: CommandSpec = {
  name: "start",
  description: "the main job: run the mock and the receiver, wire them together, run demo recordings, tail events",
  options: [
    { flags: "--mock-port <port>", description: "mock port (default 4010)" },
    { flags: "--receiver-port <port>", description: "receiver port (default 4020)" },
    { flags: "--data-dir <dir>", description: "receiver database and logs (default ./.livehook)" },
    { flags: "--persist", description: "keep the mock's state in <data-dir>/mock.db too" },
    { flags: "--sessions <n>", description: "demo recordings per vendor (default 1; 0 for none)" },
    { flags: "--segment-seconds <s>", description: "length of each demo file, in real time (default 5)" },
    { flags: "--once", description: "stop once the demo events are stored (exit 1 if they are not)" },
    { flags: "--timeout <seconds>", description: "with --once: how long to wait (default 60)" },
  ],
  helpAfter: `Ctrl-C stops both apps cleanly. The demo callback keys come from LIVEHOOK_HUAWEI_LIVE_KEY,
LIVEHOOK_HUAWEI_RTC_KEY and LIVEHOOK_ALIYUN_LIVE_KEY, or built-in development keys.`,
  load: () => import("./commands/start.js").then((m) => m.startCommand),
};

const runApp = () => import("./commands/run-app.js");
const mock: CommandSpec = {
  name: "mock",
  description: "run the vendor mock (management APIs, recording simulator, signed deliveries)",
  options: [
    { flags: "--port <port>", description: "listen port (default 4010)" },
    { flags: "--host <addr>", description: "listen address (default 127.0.0.1)" },
    { flags: "--data <file>", description: "SQLite file for its state (default: in memory)" },
    {
      flags: "--auth <on|off>",
      description: "verify request signatures against LIVEHOOK_MOCK_AK/SK",
      choices: ["on", "off"],
    },
    {
      flags: "--domain <name>",
      description: "a known domain (repeatable); with none, any valid domain is accepted",
      repeatable: true,
    },
    { flags: "--log-level <level>", description: "pino level (default info)" },
  ],
  load: () => runApp().then((m) => m.mockCommand),
};
const receive: CommandSpec = {
  name: "receive",
  description: "run the receiver (verify, store exactly once, query API, inspector)",
  options: [
    { flags: "--port <port>", description: "listen port (default 4020)" },
    { flags: "--host <addr>", description: "listen address (default 127.0.0.1)" },
    { flags: "--data <file>", description: "SQLite file (default ./.livehook/receiver.db)" },
    { flags: "--database-url <url>", description: "PostgreSQL instead of SQLite" },
    { flags: "--config <file>", description: "livehook.config.json" },
  ],
  helpAfter:
    "Keys: LIVEHOOK_HUAWEI_LIVE_KEYS, LIVEHOOK_HUAWEI_RTC_KEYS, LIVEHOOK_ALIYUN_LIVE_KEYS (see the receiver's README).",
  load: () => runApp().then((m) => m.receiveCommand),
};

const tail: CommandSpec = {
  name: "tail",
  description: "follow a receiver's stored events",
  options: [
    { flags: "--url <url>", description: "the receiver (default: LIVEHOOK_RECEIVER_URL or http://127.0.0.1:4020)" },
    { flags: "--vendor <vendor>", description: "only this vendor", choices: VENDORS },
    { flags: "--event-type <type>", description: "only this event type" },
    { flags: "--domain <domain>", description: "only this domain" },
    { flags: "--app <app>", description: "only this app" },
    { flags: "--stream <stream>", description: "only this stream" },
    { flags: "--history <n>", description: "first print the last n events (default 0)" },
    { flags: "--count <n>", description: "stop after n events" },
    { flags: "--json", description: "one JSON object per line" },
  ],
  helpAfter: "Set LIVEHOOK_ADMIN_TOKEN when the receiver is protected by one.",
  load: () => import("./commands/tail.js").then((m) => m.tailCommand),
};

const simulate: CommandSpec = {
  name: "simulate",
  description: "run recording sessions on the mock, with faults, and summarize the deliveries",
  options: [
    MOCK_URL_OPTION,
    { flags: "--vendor <vendor>", description: "only this vendor (repeatable; default all three)", repeatable: true },
    { flags: "--count <n>", description: "sessions per vendor (default 3)" },
    { flags: "--concurrency <n>", description: "sessions in flight at once (default 4)" },
    { flags: "--segments <n>", description: "files per session (default 2)" },
    { flags: "--outcome <outcome>", description: "how recordings end", choices: ["success", "failed"] },
    { flags: "--drop-rate <rate>", description: "share of deliveries never sent (0–1)" },
    { flags: "--duplicate-rate <rate>", description: "share of deliveries sent twice (0–1)" },
    { flags: "--out-of-order", description: "shuffle each session's events" },
    { flags: "--wrong-signature-rate <rate>", description: "share of attempts signed with a wrong key (0–1)" },
    { flags: "--expired-rate <rate>", description: "share of attempts with an hour-old timestamp (0–1)" },
    { flags: "--latency-ms <ms>", description: "delay before every attempt" },
    { flags: "--timeout <seconds>", description: "give up waiting for deliveries after this (default 120)" },
    { flags: "--run-id <id>", description: "tag for the stream names (default: time-based)" },
    { flags: "--domain <domain>", description: "Huawei Live/Alibaba domain (default: the demo's)" },
    { flags: "--app <app>", description: "app name, or SparkRTC app id (default: the demo's)" },
    JSON_OPTION,
  ],
  helpAfter: `Uses the demo domains and apps that \`livehook start\` configures, unless --domain/--app say otherwise. Exit code 1 when deliveries failed
(dropped ones are injected and reported, not failures).`,
  load: () => import("./commands/simulate.js").then((m) => m.simulateCommand),
};

const reconcile: CommandSpec = {
  name: "reconcile",
  description: "compare what the mock delivered with what a receiver stored; --redeliver fills the gaps",
  options: [
    MOCK_URL_OPTION,
    RECEIVER_URL_OPTION,
    { flags: "--vendor <vendor>", description: "only this vendor", choices: VENDORS },
    { flags: "--session <id>", description: "only this mock session" },
    { flags: "--since <time>", description: "only deliveries created since (ISO date or Unix seconds)" },
    { flags: "--redeliver", description: "ask the mock to redeliver every missing event, then check again" },
    { flags: "--rounds <n>", description: "redelivery rounds at most (default 3)" },
    { flags: "--wait <seconds>", description: "wait for pending deliveries to settle (default 60)" },
    JSON_OPTION,
  ],
  helpAfter: "Exit code 0 when every event sent is stored exactly once, 1 when something is missing or duplicated.",
  load: () => import("./commands/reconcile.js").then((m) => m.reconcileCommand),
};

export const commandTree: readonly CommandSpec[] = [
  start,
  mock,
  receive,
  tail,
  simulate,
  reconcile,
  trigger,
  doctor,
  sign,
  verify,
  huawei,
  rtc,
  aliyun,
];

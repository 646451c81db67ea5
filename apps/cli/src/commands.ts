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

export const commandTree: readonly CommandSpec[] = [sign, verify, trigger, doctor];

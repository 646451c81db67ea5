/**
 * Signing benchmark: ops/s and ns/op of every scheme's sign and verify, next to bare node:crypto baselines over
 * the same bytes. Run: cd packages/core && npx tsx bench/signing.bench.ts
 *
 * Method: each case runs in batches of about BATCH_MS of CPU time; after a warm-up, every round runs every case
 * once, in order, so a case and its baseline are timed close together. Batches are timed in CPU time of the
 * process (user + system, GC threads included), not wall time: on a shared machine wall time also counts the time
 * spent waiting for a core. Reported: the median ns/op over the rounds, and the median of the per-round ratios
 * case/baseline, which cancels most of the remaining drift.
 */
import { createHash, createHmac } from "node:crypto";
import { cpus } from "node:os";
import {
  aliyunLiveCallbackHeaders,
  huaweiRtcCallbackHeaders,
  secretLookupFrom,
  signAliyunAcs3Request,
  signAliyunLiveCallback,
  signAliyunRpcRequest,
  signHuaweiApigRequest,
  signHuaweiLiveCallbackBody,
  signHuaweiRtcCallback,
  verifyAliyunAcs3Request,
  verifyAliyunLiveCallback,
  verifyAliyunRpcRequest,
  verifyHuaweiApigRequest,
  verifyHuaweiLiveCallback,
  verifyHuaweiRtcCallback,
} from "../src/signing/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const BATCH_MS = 20;

// ---------------------------------------------------------------- inputs
const HUAWEI_KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const TS = 1583676745;
const NOW = new Date(TS * 1000);
/** A RECORD_FILE_COMPLETE body as Huawei Live sends it (seed 004 fields). */
const huaweiFields = {
  project_id: "0123456789abcdef0123456789abcdef",
  job_id: "9d5f0a8e1c2b4a3f8e7d6c5b4a392817",
  task_id: "1f2e3d4c5b6a79808f7e6d5c4b3a2910",
  event_type: "RECORD_FILE_COMPLETE",
  publish_domain: "push.example.com",
  app: "live",
  stream: "mystream",
  record_format: "HLS",
  download_url:
    "https://obs.cn-north-4.myhuaweicloud.com/live/record-xxxx-mystream-1589967495/record-push.example.com-live-mystream-1589967495.m3u8",
  asset_id: "9d5f0a8e1c2b4a3f8e7d6c5b4a392817",
  file_size: 26254952,
  record_duration: 65,
  start_time: "2020-03-08T14:11:20Z",
  end_time: "2020-03-08T14:12:25Z",
  width: 1280,
  height: 720,
  obs_location: "cn-north-4",
};
const huaweiText = signHuaweiLiveCallbackBody(huaweiFields, HUAWEI_KEY, "HMACSHA256", TS);
const huaweiBytes = new Uint8Array(Buffer.from(huaweiText));
const huaweiMd5Bytes = new Uint8Array(Buffer.from(signHuaweiLiveCallbackBody(huaweiFields, HUAWEI_KEY, "MD5", TS)));

const RTC_KEY = "0123456789abcdef0123456789abcdef";
const rtcText = `{"event_type":"RECORD_FILE_COMPLETE","app_id":"5fcdf5651aaaaaa6f835d0d4","room_id":"room01","stream_name":"mystream","job_id":"608196a2fa1aaaaaa515147f32ef463b","record_format":"HLS","download_url":"https://abc-rtc-bucket2.obs.cn-north-4.myhuaweicloud.com/Record/mystream.m3u8","file_size":26254952,"record_duration":65,"start_time":"2021-04-28T08:56:57Z","end_time":"2021-04-28T08:58:02Z","width":1280,"height":720}`;
const rtcBytes = new Uint8Array(Buffer.from(rtcText));
const rtcParams = { rand: "2143658709", timestamp: 1619600282 };
const rtcNow = new Date(rtcParams.timestamp * 1000);
/** Node's req.headers: lower-case names, a handful of ordinary headers besides the signed ones. */
const requestHeaders = {
  host: "receiver.example.com:4020",
  "user-agent": "Apache-HttpClient/4.5.13 (Java/1.8.0_292)",
  "content-type": "application/json",
  "content-length": "412",
  "accept-encoding": "gzip,deflate",
  connection: "keep-alive",
};
const lower = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const rtcHeaders = { ...requestHeaders, ...lower(huaweiRtcCallbackHeaders(rtcBytes, RTC_KEY, rtcParams)) };
const rtcFetchHeaders = new Headers(rtcHeaders);

const ALI = { host: "learn.aliyundoc.com", timestamp: 1519375990, key: "yourkey" };
const aliNow = new Date(ALI.timestamp * 1000);
const aliHeaders = { ...requestHeaders, ...lower(aliyunLiveCallbackHeaders(ALI)) };
const aliMd5Input = `${ALI.host}|${ALI.timestamp}|${ALI.key}`;

// Request schemes (no targets; reported for reference)
const AK = "QTWAOYTTINDUT2QVKYUC";
const SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const apigDate = new Date("2024-01-01T00:00:00Z");
const apigUrl = "http://127.0.0.1:18080/v1/0123456789abcdef0123456789abcdef/record/callbacks";
const apigBody = `{"publish_domain":"publish.example.com","app":"*","notify_callback_url":"https://mycallback.example.com/record_notify","notify_event_subscription":["RECORD_FILE_COMPLETE","RECORD_NEW_FILE_START"],"sign_type":"HMACSHA256","key":"a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"}`;
const apigSignInput = {
  method: "POST",
  url: apigUrl,
  headers: { "content-type": "application/json", "x-project-id": "0123456789abcdef0123456789abcdef" },
  body: apigBody,
  accessKey: AK,
  secretKey: SK,
  date: apigDate,
};
const apigRequest = {
  method: "POST",
  path: "/v1/0123456789abcdef0123456789abcdef/record/callbacks",
  query: "",
  headers: { ...apigSignInput.headers, host: "127.0.0.1:18080", ...lower(signHuaweiApigRequest(apigSignInput)) },
  body: new Uint8Array(Buffer.from(apigBody)),
};
const rpcParams = {
  Action: "DescribeLiveRecordNotifyConfig",
  DomainName: "example.com",
  Format: "JSON",
  SignatureMethod: "HMAC-SHA1",
  SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
  SignatureVersion: "1.0",
  Timestamp: "2024-01-01T00:00:00Z",
  Version: "2016-11-01",
  AccessKeyId: "testid",
};
const rpcSignInput = { method: "GET", params: rpcParams, accessKeySecret: "testsecret" };
const rpcRequest = { method: "GET", params: { ...rpcParams, Signature: signAliyunRpcRequest(rpcSignInput) } };
const acs3Input = {
  method: "POST",
  url: "https://live.aliyuncs.com/?DomainName=example.com&NotifyUrl=http%3A%2F%2Flearn.aliyundoc.com%2Fcb&NeedStatusNotify=true",
  action: "AddLiveRecordNotifyConfig",
  version: "2016-11-01",
  accessKeyId: "testid",
  accessKeySecret: "testsecret",
  date: apigDate,
  nonce: "3ee8c1b883d344afa94f4e0ad82fd6cf",
};
const acs3Request = {
  method: "POST",
  path: "/",
  query: "DomainName=example.com&NotifyUrl=http%3A%2F%2Flearn.aliyundoc.com%2Fcb&NeedStatusNotify=true",
  headers: { host: "live.aliyuncs.com", accept: "application/json", ...signAliyunAcs3Request(acs3Input) },
  body: new Uint8Array(0),
};
const credentials = secretLookupFrom({ [AK]: SK, testid: "testsecret" });

// ---------------------------------------------------------------- cases
type Case = { name: string; run: () => unknown; baseline?: string; target?: number; samples: number[]; batch: number };
const cases: Case[] = [];
const add = (name: string, run: () => unknown, baseline?: string, target?: number) =>
  cases.push({
    name,
    run,
    samples: [],
    batch: 1,
    ...(baseline === undefined ? {} : { baseline }),
    ...(target === undefined ? {} : { target }),
  });
const mustBeOk = (v: { ok: boolean }) => {
  if (!v.ok) throw new Error(`benchmark input does not verify: ${JSON.stringify(v)}`);
  return v;
};

add("bare HMAC-SHA256 hex, Huawei body", () => createHmac("sha256", HUAWEI_KEY).update(huaweiBytes).digest("hex"));
add("bare JSON.parse, Huawei body (reference)", () => JSON.parse(huaweiText));
add(
  "huawei-live sign body HMACSHA256",
  () => signHuaweiLiveCallbackBody(huaweiFields, HUAWEI_KEY, "HMACSHA256", TS),
  "bare HMAC-SHA256 hex, Huawei body",
);
add(
  "huawei-live verify HMACSHA256",
  () => verifyHuaweiLiveCallback(huaweiBytes, [HUAWEI_KEY], { now: NOW }),
  "bare HMAC-SHA256 hex, Huawei body",
  2.5,
);
add(
  "huawei-live verify MD5",
  () => verifyHuaweiLiveCallback(huaweiMd5Bytes, [HUAWEI_KEY], { now: NOW, allowedSignTypes: ["MD5"] }),
  "bare HMAC-SHA256 hex, Huawei body",
);

add("bare HMAC-SHA256 hex, SparkRTC body", () => createHmac("sha256", RTC_KEY).update(rtcBytes).digest("hex"));
add(
  "huawei-rtc sign",
  () => signHuaweiRtcCallback(rtcBytes, RTC_KEY, rtcParams),
  "bare HMAC-SHA256 hex, SparkRTC body",
);
add(
  "huawei-rtc verify (req.headers record)",
  () => verifyHuaweiRtcCallback(rtcBytes, rtcHeaders, [RTC_KEY], { now: rtcNow }),
  "bare HMAC-SHA256 hex, SparkRTC body",
  1.5,
);
add(
  "huawei-rtc verify (fetch Headers)",
  () => verifyHuaweiRtcCallback(rtcBytes, rtcFetchHeaders, [RTC_KEY], { now: rtcNow }),
  "bare HMAC-SHA256 hex, SparkRTC body",
);

add("bare MD5 hex, Alibaba host|ts|key", () => createHash("md5").update(aliMd5Input).digest("hex"));
add("aliyun-live sign", () => signAliyunLiveCallback(ALI), "bare MD5 hex, Alibaba host|ts|key");
add(
  "aliyun-live verify",
  () => verifyAliyunLiveCallback(aliHeaders, [ALI.key], { now: aliNow, host: ALI.host }),
  "bare MD5 hex, Alibaba host|ts|key",
  1.5,
);

add("huawei-apig sign (V7-like POST)", () => signHuaweiApigRequest(apigSignInput));
add("huawei-apig verify (V7-like POST)", () => verifyHuaweiApigRequest(apigRequest, credentials, { now: apigDate }));
add("aliyun-rpc sign (V8)", () => signAliyunRpcRequest(rpcSignInput));
add("aliyun-rpc verify (V8)", () => verifyAliyunRpcRequest(rpcRequest, credentials, { now: apigDate }));
add("aliyun-acs3 sign (V11-like)", () => signAliyunAcs3Request(acs3Input));
add("aliyun-acs3 verify (V11-like)", () => verifyAliyunAcs3Request(acs3Request, credentials, { now: apigDate }));

// BENCH_ONLY=substring runs a subset (baselines are kept), e.g. to see how much the mix of cases costs.
const only = process.env.BENCH_ONLY;
if (only !== undefined) {
  const keep = new Set(cases.filter((c) => c.name.includes(only)).flatMap((c) => [c.name, c.baseline ?? c.name]));
  cases.splice(0, cases.length, ...cases.filter((c) => keep.has(c.name)));
}

// Every verify case must succeed, or the benchmark would time the failure path.
for (const c of cases) {
  const result = c.run();
  if (typeof result === "object" && result !== null && "ok" in result) mustBeOk(result as { ok: boolean });
}

// ---------------------------------------------------------------- measurement
let sink: unknown;
function timeBatch(c: Case): number {
  const start = process.cpuUsage();
  for (let i = 0; i < c.batch; i++) sink = c.run();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / c.batch;
}

// Warm-up, and size each batch to take about BATCH_MS.
for (const c of cases) {
  c.batch = 1000;
  for (let i = 0; i < 3; i++) timeBatch(c);
  const ns = timeBatch(c);
  c.batch = Math.max(1000, Math.round((BATCH_MS * 1e6) / ns));
  timeBatch(c);
}
for (let round = 0; round < ROUNDS; round++) for (const c of cases) c.samples.push(timeBatch(c));
if (sink === undefined) throw new Error("unreachable");

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const index = new Map(cases.map((c, i) => [c.name, i]));
const ns = (c: Case): number => median(c.samples);
/** Median over the rounds of case/baseline, each ratio taken within one round. */
const ratio = (c: Case): number | undefined => {
  if (c.baseline === undefined) return undefined;
  const base = cases[index.get(c.baseline) as number] as Case;
  return median(c.samples.map((sample, round) => sample / (base.samples[round] as number)));
};

console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${ROUNDS} rounds × ~${BATCH_MS} ms per case`,
);
console.log(
  `Huawei body ${huaweiBytes.length} B, SparkRTC body ${rtcBytes.length} B, Alibaba MD5 input ${aliMd5Input.length} B\n`,
);
const rows = cases.map((c) => {
  const r = ratio(c);
  const target = c.target === undefined ? "" : `≤ ${c.target}× ${(r as number) <= c.target ? "met" : "MISSED"}`;
  return [
    c.name,
    ns(c).toFixed(0),
    Math.round(1e9 / ns(c)).toLocaleString("en-US"),
    r === undefined ? "" : `${r.toFixed(2)}×`,
    target,
  ];
});
const header = ["case", "ns/op", "ops/s", "vs baseline", "target"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (r: readonly string[]) =>
  `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`);
for (const r of rows) console.log(line(r));
const missed = cases.filter((c) => c.target !== undefined && (ratio(c) as number) > c.target);
console.log(missed.length === 0 ? "\nall targets met" : `\nMISSED: ${missed.map((c) => c.name).join(", ")}`);

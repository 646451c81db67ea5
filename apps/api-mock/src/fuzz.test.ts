/**
 * Bad input never crashes the mock and never gets a 500: random methods, paths, query strings, headers and bodies
 * at every route, with authentication off and on. Vendor routes must also answer in the vendor's own error shape,
 * with a code core's documents list.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  ALIYUN_LIVE_ERROR_CODE_VALUES,
  HUAWEI_LIVE_ERROR_CODE_VALUES,
  HUAWEI_RTC_ERROR_CODE_VALUES,
} from "@livehook/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { testMock } from "../test/harness.js";

const PROJECT = "0123456789abcdef0123456789abcdef";

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
const require = createRequire(import.meta.url);
const doc = (name: string): Doc =>
  JSON.parse(readFileSync(require.resolve(`@livehook/core/openapi/${name}.json`), "utf8")) as Doc;
const DOCS = { live: doc("huawei-live"), rtc: doc("huawei-rtc"), aliyun: doc("aliyun-live") };

/** The statuses core's document declares for the operation a request reaches; undefined when none applies. */
function documentedStatuses(method: string, url: URL): string[] | undefined {
  const verb = (method === "HEAD" ? "GET" : method).toLowerCase();
  const segs = url.pathname.split("/");
  let ops: Record<string, { responses?: Record<string, unknown> }> | undefined;
  if (segs[1] === "v1" && segs[3] === "record" && segs[4] === "callbacks" && segs.length === 5) {
    ops = DOCS.live.paths["/v1/{project_id}/record/callbacks"];
  } else if (segs[1] === "v1" && segs[3] === "record" && segs[4] === "callbacks" && segs.length === 6) {
    ops = DOCS.live.paths["/v1/{project_id}/record/callbacks/{id}"];
  } else if (segs[1] === "v2" && segs[2] === "apps" && segs[4] === "record-callback" && segs.length === 5) {
    ops = DOCS.rtc.paths["/v2/apps/{app_id}/record-callback"];
  } else if (url.pathname === "/") {
    ops = DOCS.aliyun.paths[`/#Action=${url.searchParams.get("Action")}`];
  }
  if (ops === undefined) return undefined;
  // A method the document does not list is answered with the operation's generic 400.
  const op = ops[verb] ?? Object.values(ops).find((o) => o.responses !== undefined);
  return op?.responses === undefined ? undefined : Object.keys(op.responses);
}
const RTC_APP = "5fcdf5651aaaaaa6f835d0d4";
/** The gateway's codes (huawei-live.yaml `HuaweiApigErrorResponse`): auth, throttling, unknown API. */
const APIG_CODES: readonly string[] = ["APIGW.0301", "APIG.0301", "APIG.0308", "APIG.0101"];

const segment = fc.oneof(
  fc.constantFrom("", "x", "%", "%zz", "%E0%A4%A", "..", "*", "%2F", "a b", "é", "\u0000"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ maxLength: 12 }),
);

const path = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      "/",
      "/healthz",
      "/openapi/huawei-live.json",
      `/v1/${PROJECT}/record/callbacks`,
      `/v1/${PROJECT}/record/callbacks/abc`,
      `/v2/apps/${RTC_APP}/record-callback`,
      "/_mock/sessions",
      "/_mock/sessions/x",
      "/_mock/sessions/x/faults",
      "/_mock/sessions/x/stop",
      "/_mock/deliveries",
      "/_mock/deliveries/x",
      "/_mock/deliveries/x/redeliver",
      "/_mock/deliveries/redeliver",
      "/_mock/faults",
      "/_mock/domains",
      "/_mock/domains/huawei-live/x",
      "/_mock/settings",
      "/_mock/reset",
    ),
    weight: 6,
  },
  fc.tuple(segment, segment).map(([a, b]) => `/v1/${a}/record/callbacks/${b}`),
  fc.tuple(segment).map(([a]) => `/v2/apps/${a}/record-callback`),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join("/")}`),
);

const queryKey = fc.oneof(
  fc.constantFrom(
    "offset",
    "limit",
    "app",
    "publish_domain",
    "Action",
    "Version",
    "DomainName",
    "NotifyUrl",
    "NeedStatusNotify",
    "StartTime",
    "EndTime",
    "PageSize",
    "PageNumber",
    "Status",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "Timestamp",
    "AccessKeyId",
    "SignatureNonce",
    "__proto__",
    "constructor",
    "vendor",
    "status",
    "session_id",
  ),
  fc.string({ maxLength: 8 }),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    "AddLiveRecordNotifyConfig",
    "DescribeLiveRecordNotifyRecords",
    "DeleteLiveRecordNotifyConfig",
    "2016-11-01",
    "play.example.com",
    "http://127.0.0.1:4020/x",
    "true",
    "-1",
    "99999999999",
    "2026-02-28T00:00:00Z",
    "HMAC-SHA1",
    "1.0",
    "*",
  ),
  fc.string({ maxLength: 16 }),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
  .map((pairs) => (pairs.length === 0 ? "" : `?${new URLSearchParams(pairs)}`));

const headers = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "application/x-www-form-urlencoded",
      "text/plain",
      "application/json; charset=utf-8",
      "",
    ),
    authorization: fc.oneof(
      fc.constantFrom(
        "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00",
        "SDK-HMAC-SHA256 garbage",
        "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=zz",
        "ACS3-HMAC-SHA256",
      ),
      fc.string({ maxLength: 40 }),
    ),
    "x-sdk-date": fc.constantFrom("20260301T000000Z", "nope", "20991231T235959Z"),
    "x-project-id": fc.constantFrom(PROJECT, "other"),
    "x-acs-action": fc.constantFrom("AddLiveRecordNotifyConfig", "DescribeLiveRecordNotifyConfig", "Nope", ""),
    "x-acs-version": fc.constantFrom("2016-11-01", "x"),
    "x-acs-date": fc.constantFrom("2026-03-01T00:00:00Z", "x"),
    "x-acs-signature-nonce": fc.string({ maxLength: 8 }),
    "x-acs-content-sha256": fc.constantFrom("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "x"),
    "x-auth-token": fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      publish_domain: fc.oneof(fc.constant("push.example.com"), fc.string()),
      app: fc.oneof(fc.constant("live"), fc.string()),
      notify_callback_url: fc.oneof(fc.constant("http://127.0.0.1:4020/h"), fc.string()),
      notify_event_subscription: fc.oneof(fc.array(fc.string()), fc.constant(["RECORD_OVER"]), fc.jsonValue()),
      sign_type: fc.oneof(fc.constantFrom("MD5", "HMACSHA256"), fc.jsonValue()),
      key: fc.oneof(fc.constant("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"), fc.jsonValue()),
      url: fc.oneof(fc.constant("http://127.0.0.1:4020/h"), fc.jsonValue()),
      auth_key: fc.jsonValue(),
      vendor: fc.constantFrom("huawei-live", "huawei-rtc", "aliyun-live", "x"),
      domain: fc.oneof(fc.constant("push.example.com"), fc.string()),
      stream: fc.string(),
      segments: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.jsonValue()),
      segment_seconds: fc.integer({ min: -1, max: 100 }),
      ids: fc.array(fc.string(), { maxLength: 3 }),
      drop_rate: fc.double(),
      retry_profiles: fc.jsonValue(),
      name: fc.string(),
      __proto__: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 64 }),
  jsonish.map((v) => JSON.stringify(v) ?? "null"),
  fc.array(fc.tuple(queryKey, queryValue), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.uint8Array({ maxLength: 64 }),
);

const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

const request = fc.record({ method, path, query, headers, body });

type RandomRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function run(m: ReturnType<typeof testMock>, r: RandomRequest) {
  const {
    method: verb,
    path: p,
    query: q,
    headers: h,
    body: b,
  } = r as {
    method: string;
    path: string;
    query: string;
    headers: Record<string, string>;
    body: string | Uint8Array | undefined;
  };
  let url: string;
  try {
    url = new URL(`http://127.0.0.1:4010${p}${q}`).href;
  } catch {
    return; // not a URL any client could send
  }
  const withBody = verb !== "GET" && verb !== "HEAD" && b !== undefined;
  const res = await m.app.request(url, { method: verb, headers: h, ...(withBody ? { body: b } : {}) });
  expect(res.status, `${verb} ${p}${q}`).toBeLessThan(500);
  const pathname = new URL(url).pathname;
  const documented = documentedStatuses(verb, new URL(url));
  if (documented !== undefined && !(pathname.startsWith("/v1/") && res.status === 404)) {
    // Unknown ids on show are 404 (documented); other 404s under /v1 are the gateway's "no such API".
    expect(documented, `${verb} ${p}${q} -> ${res.status}`).toContain(String(res.status));
  }
  if (pathname.startsWith("/v1/") || pathname.startsWith("/v2/")) {
    expect(res.headers.get("x-request-id"), `${verb} ${p}`).toMatch(/^[0-9a-f]{32}-\d+-mockhost$/);
    if (res.status >= 400 && verb !== "HEAD") {
      const error = (await res.json()) as { error_code: string };
      expect(Object.keys(error)).toEqual(expect.arrayContaining(["error_code", "error_msg"]));
      // Every code the mock answers is one the documents list.
      const codes = pathname.startsWith("/v1/") ? HUAWEI_LIVE_ERROR_CODE_VALUES : HUAWEI_RTC_ERROR_CODE_VALUES;
      expect([...codes, ...APIG_CODES], `${verb} ${p}${q}`).toContain(error.error_code);
    }
  } else if (pathname === "/" && res.status >= 400 && verb !== "HEAD") {
    const error = (await res.json()) as { Code: string };
    expect(Object.keys(error)).toEqual(expect.arrayContaining(["RequestId", "HostId", "Code", "Message"]));
    expect(ALIYUN_LIVE_ERROR_CODE_VALUES, `${verb} ${p}${q}`).toContain(error.Code);
  }
  await m.simulator.idle();
}

describe("random requests never get a 500", () => {
  test("authentication off", async () => {
    const m = testMock();
    await fc.assert(
      fc.asyncProperty(request, async (r) => run(m, r)),
      { numRuns: 600 },
    );
  });

  test("authentication on", async () => {
    const m = testMock({ credentials: { accessKeyId: "AK", accessKeySecret: "SK" } });
    await fc.assert(
      fc.asyncProperty(request, async (r) => run(m, r)),
      { numRuns: 400 },
    );
  });
});

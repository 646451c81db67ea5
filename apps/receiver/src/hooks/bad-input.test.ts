/**
 * Property tests: arbitrary bytes, JSON and headers never crash the receiver and never get a 500. Verified
 * but odd bodies (any JSON value, signed correctly) are acknowledged, since nothing verified may be lost.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { makeReceiver, NOW_S, post, signedAliyun, signedHuaweiLive, signedHuaweiRtc } from "../../test/helpers.js";

const VENDOR_PATHS = ["/hooks/huawei-live", "/hooks/huawei-rtc", "/hooks/aliyun-live"] as const;
const EXPECTED = new Set([200, 400, 401, 404, 413, 415]);

const headerName = fc.constantFrom(
  "content-type",
  "x-rtc-signature",
  "x-rtc-timestamp",
  "x-rtc-rand",
  "ali-live-signature",
  "ali-live-timestamp",
  "host",
  "content-length",
  "x-random",
);
// Header values must be valid ByteStrings for the Request constructor: printable ASCII.
const headerValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abcdef0123456789 ;=/+-_.:".split("")), maxLength: 80 }),
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    String(NOW_S),
    "",
    "0",
    "-1",
    "99999999999999999",
  ),
);
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 6 });
const bodyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }).map((s) => new TextEncoder().encode(s)),
  fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
);

describe("random input", () => {
  test("random bytes and headers: only expected statuses", async () => {
    const { app } = await makeReceiver({ config: { bodyLimitBytes: 256 } });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VENDOR_PATHS), bodyBytes, headers, async (path, body, hs) => {
        const { "content-length": _ignored, ...rest } = hs;
        const res = await post(app, path, body, rest);
        expect(EXPECTED.has(res.status)).toBe(true);
        const reply = (await res.json()) as Record<string, unknown>;
        expect(typeof reply).toBe("object");
      }),
      { numRuns: 300 },
    );
  });

  test("correctly signed random JSON objects are acknowledged (200), stored or deduplicated", async () => {
    const { app } = await makeReceiver();
    const value = fc.dictionary(
      fc.oneof(
        fc.constantFrom("event_type", "task_id", "app", "stream", "publish_domain", "event", "uri", "domain"),
        fc.string({ maxLength: 8 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 8 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VENDOR_PATHS), value, async (path, obj) => {
        let res: Response;
        if (path === "/hooks/huawei-live") {
          const { auth_sign: _a, auth_timestamp: _b, ...rest } = obj as Record<string, unknown>;
          res = await post(app, path, signedHuaweiLive(rest));
        } else {
          const raw = JSON.stringify(obj);
          res = await post(app, path, raw, path === "/hooks/huawei-rtc" ? signedHuaweiRtc(raw) : signedAliyun());
        }
        expect(res.status).toBe(200);
      }),
      { numRuns: 200 },
    );
  });

  test("correctly signed non-object JSON (SparkRTC, Alibaba) is acknowledged too", async () => {
    const { app } = await makeReceiver();
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 2 }), async (raw) => {
        const rtc = await post(app, "/hooks/huawei-rtc", raw, signedHuaweiRtc(raw));
        expect(rtc.status).toBe(200);
        const ali = await post(app, "/hooks/aliyun-live", raw, signedAliyun());
        expect(ali.status).toBe(200);
      }),
      { numRuns: 150 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import vectors from "../../test-vectors/signatures.json" with { type: "json" };
import type { HeaderRecord } from "./header-lookup.js";
import {
  type HuaweiRtcVerifyOptions,
  huaweiRtcCallbackHeaders,
  signHuaweiRtcCallback,
  verifyHuaweiRtcCallback,
} from "./huawei-rtc.js";

const KEY = "0123456789abcdef0123456789abcdef";
const NOW = new Date("2021-04-28T08:58:02Z");

describe("SparkRTC vectors (vendor-spec §7 V4)", () => {
  test.each(vectors.huaweiRtc.sign)("sign: $name", (v) => {
    const params = { rand: v.rand, timestamp: v.timestamp };
    expect(signHuaweiRtcCallback(v.body, v.key, params)).toBe(v.signature);
    expect(signHuaweiRtcCallback(Buffer.from(v.body), v.key, params)).toBe(v.signature);
    expect(huaweiRtcCallbackHeaders(v.body, v.key, params)).toEqual({
      "X-Rtc-Rand": v.rand,
      "X-Rtc-Timestamp": String(v.timestamp),
      "X-Rtc-Signature": v.signature,
    });
  });

  test.each(vectors.huaweiRtc.verify)("verify: $name", (v) => {
    const opts: HuaweiRtcVerifyOptions = { now: new Date(v.now), ...v.options };
    const headers = v.headers as HeaderRecord;
    expect(verifyHuaweiRtcCallback(v.body, headers, v.keys, opts)).toEqual(v.expected);
    expect(
      verifyHuaweiRtcCallback(
        new TextEncoder().encode(v.body),
        new Headers(headers as Record<string, string>),
        v.keys,
        opts,
      ),
    ).toEqual(v.expected);
  });
});

describe("misuse throws TypeError", () => {
  const headers = huaweiRtcCallbackHeaders("{}", KEY, { rand: "1", timestamp: 1619600282 });
  test.each([
    ["no keys", () => verifyHuaweiRtcCallback("{}", headers, [], { now: NOW })],
    ["an empty key", () => verifyHuaweiRtcCallback("{}", headers, [""], { now: NOW })],
    ["an invalid date", () => verifyHuaweiRtcCallback("{}", headers, [KEY], { now: new Date("x") })],
    ["a negative tolerance", () => verifyHuaweiRtcCallback("{}", headers, [KEY], { now: NOW, toleranceSeconds: -5 })],
    ["signing with an empty rand", () => signHuaweiRtcCallback("{}", KEY, { rand: "", timestamp: 1 })],
    ["signing with a negative timestamp", () => signHuaweiRtcCallback("{}", KEY, { rand: "1", timestamp: -1 })],
    ["signing with an empty key", () => signHuaweiRtcCallback("{}", "", { rand: "1", timestamp: 1 })],
  ])("%s", (_label, call) => {
    expect(call).toThrow(TypeError);
  });
});

const key = fc.string({ unit: "binary", minLength: 1, maxLength: 80 });
const rand = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 });
const seconds = fc.integer({ min: 0, max: 99_999_999_999 });
/** The timestamp as sent: seconds, or milliseconds for stamps from 1973 on. */
const stamp = fc.oneof(
  seconds.map((s) => ({ header: s, seconds: s })),
  fc.integer({ min: 100_000_000_000, max: 9_999_999_999_999 }).map((ms) => ({ header: ms, seconds: ms / 1000 })),
);
const body = fc.uint8Array({ maxLength: 1024 });

describe("SparkRTC properties", () => {
  test("sign then verify round-trips for any key, rand, timestamp unit and body bytes", () => {
    fc.assert(
      fc.property(key, rand, stamp, body, (k, r, ts, b) => {
        const headers = huaweiRtcCallbackHeaders(b, k, { rand: r, timestamp: ts.header });
        expect(verifyHuaweiRtcCallback(b, headers, [k], { now: new Date(ts.seconds * 1000) })).toEqual({
          ok: true,
          keyIndex: 0,
          authenticated: { scope: "body" },
          bodyAuthenticated: true,
        });
      }),
    );
  });

  test("flipping any body byte, signature digit, rand or timestamp fails", () => {
    fc.assert(
      fc.property(key, rand, seconds, body, fc.nat(), fc.integer({ min: 1, max: 255 }), (k, r, ts, b, at, xor) => {
        const headers = huaweiRtcCallbackHeaders(b, k, { rand: r, timestamp: ts });
        const opts = { now: new Date(ts * 1000) };
        if (b.length > 0) {
          const tampered = Uint8Array.from(b);
          tampered[at % b.length] = (tampered[at % b.length] as number) ^ xor;
          expect(verifyHuaweiRtcCallback(tampered, headers, [k], opts).ok).toBe(false);
        }
        const sig = headers["X-Rtc-Signature"];
        const i = at % sig.length;
        const flipped =
          sig.slice(0, i) + ((Number.parseInt(sig.charAt(i), 16) + 1) % 16).toString(16) + sig.slice(i + 1);
        expect(verifyHuaweiRtcCallback(b, { ...headers, "X-Rtc-Signature": flipped }, [k], opts).ok).toBe(false);
        expect(verifyHuaweiRtcCallback(b, { ...headers, "X-Rtc-Rand": `${r}0` }, [k], opts).ok).toBe(false);
        expect(verifyHuaweiRtcCallback(b, { ...headers, "X-Rtc-Timestamp": String(ts + 1) }, [k], opts).ok).toBe(false);
      }),
    );
  });

  test("never throws on arbitrary bytes and header records", () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    const headers = fc.oneof(
      fc.dictionary(fc.string(), headerValue),
      fc.record({ "X-Rtc-Rand": headerValue, "x-rtc-timestamp": headerValue, "X-RTC-SIGNATURE": headerValue }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array(), fc.string({ unit: "binary" })), headers, (raw, h) => {
        expect(verifyHuaweiRtcCallback(raw, h, [KEY], { now: NOW }).ok).toBe(false);
      }),
    );
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import vectors from "../../test-vectors/signatures.json" with { type: "json" };
import {
  type AliyunLiveVerifyOptions,
  aliyunLiveCallbackHeaders,
  aliyunLiveHostCandidates,
  signAliyunLiveCallback,
  verifyAliyunLiveCallback,
} from "./aliyun-live.js";
import type { HeaderRecord } from "./header-lookup.js";

const NOW = new Date("2018-02-23T08:53:10Z");

describe("Alibaba callback vectors (vendor-spec §7 V5)", () => {
  test.each(vectors.aliyunLive.sign)("sign: $name", (v) => {
    const params = { host: v.host, timestamp: v.timestamp, key: v.key };
    expect(`${v.host}|${v.timestamp}|${v.key}`).toBe(v.input);
    expect(signAliyunLiveCallback(params)).toBe(v.signature);
    expect(aliyunLiveCallbackHeaders(params)).toEqual({
      "ALI-LIVE-TIMESTAMP": String(v.timestamp),
      "ALI-LIVE-SIGNATURE": v.signature,
    });
  });

  test.each(vectors.aliyunLive.verify)("verify: $name", (v) => {
    const opts: AliyunLiveVerifyOptions = { now: new Date(v.now), host: v.host, ...v.options };
    const headers = v.headers as HeaderRecord;
    expect(verifyAliyunLiveCallback(headers, v.keys, opts)).toEqual(v.expected);
    expect(verifyAliyunLiveCallback(new Headers(headers as Record<string, string>), v.keys, opts)).toEqual(v.expected);
  });
});

describe("host candidates (D12)", () => {
  test.each([
    ["learn.aliyundoc.com", ["learn.aliyundoc.com"]],
    ["127.0.0.1:8080", ["127.0.0.1", "127.0.0.1:8080"]],
    ["[::1]:8080", ["[::1]", "[::1]:8080"]],
    ["[::1]", ["[::1]"]],
    ["::1", ["::1"]],
  ])("%s", (host, expected) => {
    expect(aliyunLiveHostCandidates(host)).toEqual(expected);
  });
});

describe("misuse throws TypeError", () => {
  const headers = aliyunLiveCallbackHeaders({ host: "h", timestamp: 1519375990, key: "yourkey" });
  test.each([
    ["no keys", () => verifyAliyunLiveCallback(headers, [], { now: NOW, host: "h" })],
    ["an empty key", () => verifyAliyunLiveCallback(headers, ["k", ""], { now: NOW, host: "h" })],
    ["no host", () => verifyAliyunLiveCallback(headers, ["k"], { now: NOW, host: "" })],
    ["an invalid date", () => verifyAliyunLiveCallback(headers, ["k"], { now: new Date(Number.NaN), host: "h" })],
    ["signing with an empty key", () => signAliyunLiveCallback({ host: "h", timestamp: 1, key: "" })],
    ["signing with an empty host", () => signAliyunLiveCallback({ host: "", timestamp: 1, key: "k" })],
  ])("%s", (_label, call) => {
    expect(call).toThrow(TypeError);
  });
});

const key = fc.string({ unit: "binary", minLength: 1, maxLength: 64 });
const host = fc.oneof(
  fc.domain(),
  fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
);
const timestamp = fc.integer({ min: 0, max: 2 ** 40 });

describe("Alibaba callback properties", () => {
  test("sign then verify round-trips; the body is never authenticated", () => {
    fc.assert(
      fc.property(key, host, timestamp, (k, h, ts) => {
        const headers = aliyunLiveCallbackHeaders({ host: h, timestamp: ts, key: k });
        expect(verifyAliyunLiveCallback(headers, [k], { now: new Date(ts * 1000), host: h })).toEqual({
          ok: true,
          keyIndex: 0,
          authenticated: { scope: "none" },
          bodyAuthenticated: false,
        });
      }),
    );
  });

  test("a sender signing the bare hostname verifies against host:port (D12)", () => {
    fc.assert(
      fc.property(key, fc.domain(), fc.integer({ min: 1, max: 65535 }), timestamp, (k, h, port, ts) => {
        const headers = aliyunLiveCallbackHeaders({ host: h, timestamp: ts, key: k });
        const opts = { now: new Date(ts * 1000), host: `${h}:${port}` };
        expect(verifyAliyunLiveCallback(headers, [k], opts).ok).toBe(true);
      }),
    );
  });

  test("flipping any signature digit, the timestamp or the host fails", () => {
    fc.assert(
      fc.property(key, host, timestamp, fc.nat(), (k, h, ts, at) => {
        const headers = aliyunLiveCallbackHeaders({ host: h, timestamp: ts, key: k });
        const opts = { now: new Date(ts * 1000), host: h };
        const sig = headers["ALI-LIVE-SIGNATURE"];
        const i = at % sig.length;
        const flipped =
          sig.slice(0, i) + ((Number.parseInt(sig.charAt(i), 16) + 1) % 16).toString(16) + sig.slice(i + 1);
        expect(verifyAliyunLiveCallback({ ...headers, "ALI-LIVE-SIGNATURE": flipped }, [k], opts).ok).toBe(false);
        expect(verifyAliyunLiveCallback({ ...headers, "ALI-LIVE-TIMESTAMP": String(ts + 1) }, [k], opts).ok).toBe(
          false,
        );
        expect(verifyAliyunLiveCallback(headers, [k], { ...opts, host: `x${h}` }).ok).toBe(false);
      }),
    );
  });

  test("never throws on arbitrary header records", () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.dictionary(fc.string(), headerValue),
          fc.record({ "ALI-LIVE-TIMESTAMP": headerValue, "ali-live-signature": headerValue }),
        ),
        (h) => {
          expect(verifyAliyunLiveCallback(h, ["yourkey"], { now: NOW, host: "learn.aliyundoc.com" }).ok).toBe(false);
        },
      ),
    );
  });
});

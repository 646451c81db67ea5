import fc from "fast-check";
import { describe, expect, test } from "vitest";
import vectors from "../../test-vectors/signatures.json" with { type: "json" };
import type { HeaderRecord } from "./header-lookup.js";
import {
  huaweiApigCanonicalUri,
  huaweiApigSigningDetails,
  signHuaweiApigRequest,
  verifyHuaweiApigRequest,
} from "./huawei-apig.js";
import { type SecretLookup, secretLookupFrom } from "./request-auth.js";

describe("Huawei APIG vectors (vendor-spec §7 V6, V7)", () => {
  test.each(vectors.huaweiApig.sign)("sign: $name", (v) => {
    const input = { ...v.input, headers: v.input.headers as Record<string, string>, date: new Date(v.input.date) };
    const details = huaweiApigSigningDetails(input);
    if ("canonicalRequest" in v) {
      expect(details.canonicalRequest).toBe(v.canonicalRequest);
      expect(details.canonicalRequestHash).toBe(v.canonicalRequestHash);
    }
    expect(details.stringToSign).toBe(`SDK-HMAC-SHA256\n20240101T000000Z\n${details.canonicalRequestHash}`);
    expect(signHuaweiApigRequest(input)).toEqual({ "X-Sdk-Date": "20240101T000000Z", Authorization: v.authorization });
  });

  test.each(vectors.huaweiApig.verify)("verify: $name", (v) => {
    const lookup = secretLookupFrom(v.credentials);
    const opts = { now: new Date(v.now) };
    const headers = v.request.headers as HeaderRecord;
    expect(verifyHuaweiApigRequest({ ...v.request, headers }, lookup, opts)).toEqual(v.expected);
    const asFetch = {
      ...v.request,
      headers: new Headers(headers as Record<string, string>),
      body: new TextEncoder().encode(v.request.body),
    };
    expect(verifyHuaweiApigRequest(asFetch, lookup, opts)).toEqual(v.expected);
  });
});

describe("canonical URI", () => {
  test("trailing slash rule", () => {
    expect(huaweiApigCanonicalUri("/v1/p/record/callbacks")).toBe("/v1/p/record/callbacks/");
    expect(huaweiApigCanonicalUri("/v1/p/record/callbacks/")).toBe("/v1/p/record/callbacks/");
    expect(huaweiApigCanonicalUri("/")).toBe("/");
  });
});

describe("misuse throws TypeError", () => {
  const request = { method: "GET", path: "/", query: "", headers: {}, body: "" };
  const now = new Date("2024-01-01T00:00:00Z");
  const input = { method: "GET", url: "http://h/", accessKey: "AK", secretKey: "SK", date: now };
  test.each([
    [
      "lookupSecret is not a function",
      () => verifyHuaweiApigRequest(request, "SK" as unknown as SecretLookup, { now }),
    ],
    ["an invalid date", () => verifyHuaweiApigRequest(request, () => "SK", { now: new Date(Number.NaN) })],
    ["a negative tolerance", () => verifyHuaweiApigRequest(request, () => "SK", { now, toleranceSeconds: -1 })],
    ["signing with an empty secret", () => signHuaweiApigRequest({ ...input, secretKey: "" })],
    ["signing with Authorization given", () => signHuaweiApigRequest({ ...input, headers: { Authorization: "x" } })],
    ["signing with a relative URL", () => signHuaweiApigRequest({ ...input, url: "/v1/x" })],
  ])("%s", (_label, call) => {
    expect(call).toThrow(TypeError);
  });

  test("a lookup answering an empty secret", () => {
    const signed = signHuaweiApigRequest(input);
    const headers = { host: "h", ...signed };
    expect(() => verifyHuaweiApigRequest({ ...request, headers }, () => "", { now })).toThrow(TypeError);
  });
});

const AK = "QTWAOYTTINDUT2QVKYUC";
const secret = fc.string({ unit: "binary", minLength: 1, maxLength: 48 });
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
  segments: fc.array(text, { maxLength: 5 }),
  query: fc.array(fc.tuple(text, text), { maxLength: 5 }),
  headers: fc.dictionary(
    fc.stringMatching(/^x-[a-z0-9-]{1,12}$/).filter((n) => n !== "x-sdk-date" && n !== "x-sdk-content-sha256"),
    fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/),
    { maxKeys: 4 },
  ),
  body: fc.uint8Array({ maxLength: 512 }),
  date: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }),
});

/** Builds the request as it arrives at a server from what the client signed. */
function signAndSend(r: RequestSample, sk: string) {
  const url = new URL("http://127.0.0.1:18080");
  url.pathname = `/${r.segments.map(encodeURIComponent).join("/")}`;
  for (const [k, v] of r.query) url.searchParams.append(k, v);
  const signed = signHuaweiApigRequest({
    method: r.method,
    url,
    headers: r.headers,
    body: r.body,
    accessKey: AK,
    secretKey: sk,
    date: r.date,
  });
  return {
    method: r.method,
    path: url.pathname,
    query: url.search,
    headers: { ...r.headers, Host: url.host, ...signed } as Record<string, string>,
    body: r.body,
  };
}
type RequestSample = {
  method: string;
  segments: string[];
  query: [string, string][];
  headers: Record<string, string>;
  body: Uint8Array;
  date: Date;
};

describe("Huawei APIG properties", () => {
  test("sign then verify round-trips for any path, query, headers and body", () => {
    fc.assert(
      fc.property(request, secret, (r, sk) => {
        const sent = signAndSend(r, sk);
        expect(verifyHuaweiApigRequest(sent, () => sk, { now: r.date })).toEqual({ ok: true, accessKeyId: AK });
      }),
    );
  });

  test("flipping a signature digit, a body byte, a query value or a signed header fails", () => {
    fc.assert(
      fc.property(request, secret, fc.nat(), fc.integer({ min: 1, max: 255 }), (r, sk, at, xor) => {
        const sent = signAndSend(r, sk);
        const opts = { now: r.date };
        const auth = sent.headers.Authorization as string;
        const i = auth.length - 1 - (at % 64);
        const digit = ((Number.parseInt(auth.charAt(i), 16) + 1) % 16).toString(16);
        const flipped = { ...sent.headers, Authorization: auth.slice(0, i) + digit + auth.slice(i + 1) };
        expect(verifyHuaweiApigRequest({ ...sent, headers: flipped }, () => sk, opts).ok).toBe(false);
        if (r.body.length > 0) {
          const body = Uint8Array.from(r.body);
          body[at % body.length] = (body[at % body.length] as number) ^ xor;
          expect(verifyHuaweiApigRequest({ ...sent, body }, () => sk, opts).ok).toBe(false);
        }
        const query = `${sent.query}${sent.query === "" ? "?" : "&"}extra=1`;
        expect(verifyHuaweiApigRequest({ ...sent, query }, () => sk, opts).ok).toBe(false);
        const host = { ...sent.headers, Host: "127.0.0.1:18081" };
        expect(verifyHuaweiApigRequest({ ...sent, headers: host }, () => sk, opts).ok).toBe(false);
      }),
    );
  });

  test("never throws on arbitrary requests", () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.record({
          method: fc.string(),
          path: fc.oneof(
            fc.string(),
            fc.string().map((s) => `/${s}`),
          ),
          query: fc.string(),
          headers: fc.oneof(
            fc.dictionary(fc.string(), headerValue),
            fc.record({
              authorization: fc.oneof(
                fc.string(),
                fc.string().map((s) => `SDK-HMAC-SHA256 ${s}`),
              ),
              "x-sdk-date": fc.oneof(fc.string(), fc.constant("20240101T000000Z")),
              host: headerValue,
            }),
          ),
          body: fc.oneof(fc.uint8Array(), fc.string()),
        }),
        (r) => {
          const verdict = verifyHuaweiApigRequest(r, () => "SK", { now: new Date("2024-01-01T00:00:00Z") });
          expect(verdict.ok).toBe(false);
        },
      ),
    );
  });
});

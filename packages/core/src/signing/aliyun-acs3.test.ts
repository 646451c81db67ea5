import fc from "fast-check";
import { describe, expect, test } from "vitest";
import vectors from "../../test-vectors/signatures.json" with { type: "json" };
import { aliyunAcs3SigningDetails, signAliyunAcs3Request, verifyAliyunAcs3Request } from "./aliyun-acs3.js";
import type { HeaderRecord } from "./header-lookup.js";
import { secretLookupFrom } from "./request-auth.js";

describe("Alibaba ACS3 vectors (vendor-spec §7 V11)", () => {
  test.each(vectors.aliyunAcs3.sign)("sign: $name", (v) => {
    const input = { ...v.input, headers: v.input.headers as Record<string, string>, date: new Date(v.input.date) };
    const details = aliyunAcs3SigningDetails(input);
    if ("canonicalRequest" in v) {
      expect(details.canonicalRequest).toBe(v.canonicalRequest);
      expect(details.canonicalRequestHash).toBe(v.canonicalRequestHash);
    }
    expect(details.stringToSign).toBe(`ACS3-HMAC-SHA256\n${details.canonicalRequestHash}`);
    expect(signAliyunAcs3Request(input).Authorization).toBe(v.authorization);
  });

  test.each(vectors.aliyunAcs3.verify)("verify: $name", (v) => {
    const lookup = secretLookupFrom(v.credentials);
    const opts = { now: new Date(v.now) };
    const headers = v.request.headers as HeaderRecord;
    expect(verifyAliyunAcs3Request({ ...v.request, headers }, lookup, opts)).toEqual(v.expected);
    const asFetch = {
      ...v.request,
      headers: new Headers(headers as Record<string, string>),
      body: new TextEncoder().encode(v.request.body),
    };
    expect(verifyAliyunAcs3Request(asFetch, lookup, opts)).toEqual(v.expected);
  });
});

describe("multi-value headers", () => {
  test("a repeated signed header is canonicalized sorted and joined with ','", () => {
    const input = {
      method: "POST",
      url: "https://live.aliyuncs.com/",
      action: "DescribeLiveRecordNotifyConfig",
      version: "2016-11-01",
      accessKeyId: "testid",
      accessKeySecret: "testsecret",
      date: new Date("2024-01-01T00:00:00Z"),
      nonce: "n",
    };
    const signed = signAliyunAcs3Request({ ...input, headers: { "x-acs-extra": "a,b" } });
    const headers = { host: "live.aliyuncs.com", ...signed, "x-acs-extra": ["b", " a"] };
    const request = { method: "POST", path: "/", query: "", headers, body: "" };
    expect(verifyAliyunAcs3Request(request, () => "testsecret", { now: input.date })).toMatchObject({ ok: true });
  });
});

describe("misuse throws TypeError", () => {
  const now = new Date("2024-01-01T00:00:00Z");
  const input = {
    method: "POST",
    url: "https://live.aliyuncs.com/",
    action: "A",
    version: "2016-11-01",
    accessKeyId: "testid",
    accessKeySecret: "testsecret",
    date: now,
    nonce: "n",
  };
  test.each([
    [
      "lookupSecret is not a function",
      () =>
        verifyAliyunAcs3Request({ method: "GET", path: "/", query: "", headers: {}, body: "" }, null as never, { now }),
    ],
    ["signing with an empty nonce", () => signAliyunAcs3Request({ ...input, nonce: "" })],
    ["signing with an empty secret", () => signAliyunAcs3Request({ ...input, accessKeySecret: "" })],
    ["signing with x-acs-date given", () => signAliyunAcs3Request({ ...input, headers: { "X-Acs-Date": "x" } })],
    ["signing with an invalid date", () => signAliyunAcs3Request({ ...input, date: new Date(Number.NaN) })],
  ])("%s", (_label, call) => {
    expect(call).toThrow(TypeError);
  });
});

const secret = fc.string({ unit: "binary", minLength: 1, maxLength: 48 });
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const sample = fc.record({
  method: fc.constantFrom("GET", "POST"),
  query: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9.]{0,11}$/), text, { maxKeys: 5 }),
  action: fc.stringMatching(/^[A-Z][A-Za-z]{1,30}$/),
  contentType: fc.option(fc.constantFrom("application/json", "application/x-www-form-urlencoded"), { nil: undefined }),
  body: fc.uint8Array({ maxLength: 512 }),
  nonce: fc.stringMatching(/^[0-9a-f]{64}$/),
  token: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/), { nil: undefined }),
  date: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }),
});
type Sample = typeof sample extends fc.Arbitrary<infer T> ? T : never;

function signAndSend(s: Sample, sk: string) {
  const url = new URL("https://live.aliyuncs.com/");
  for (const [k, v] of Object.entries(s.query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = s.contentType === undefined ? {} : { "content-type": s.contentType };
  const signed = signAliyunAcs3Request({
    method: s.method,
    url,
    action: s.action,
    version: "2016-11-01",
    headers,
    body: s.body,
    accessKeyId: "testid",
    accessKeySecret: sk,
    ...(s.token === undefined ? {} : { securityToken: s.token }),
    date: s.date,
    nonce: s.nonce,
  });
  return {
    method: s.method,
    path: url.pathname,
    query: url.search,
    headers: { host: url.host, accept: "application/json", ...headers, ...signed } as Record<string, string>,
    body: s.body,
  };
}

describe("Alibaba ACS3 properties", () => {
  test("sign then verify round-trips and returns the nonce", () => {
    fc.assert(
      fc.property(sample, secret, (s, sk) => {
        expect(verifyAliyunAcs3Request(signAndSend(s, sk), () => sk, { now: s.date })).toEqual({
          ok: true,
          accessKeyId: "testid",
          nonce: s.nonce,
        });
      }),
    );
  });

  test("changing a signature digit, a body byte, a query value or a signed header fails", () => {
    fc.assert(
      fc.property(sample, secret, fc.nat(), fc.integer({ min: 1, max: 255 }), (s, sk, at, xor) => {
        const sent = signAndSend(s, sk);
        const opts = { now: s.date };
        const auth = sent.headers.Authorization as string;
        const i = auth.length - 1 - (at % 64);
        const digit = ((Number.parseInt(auth.charAt(i), 16) + 1) % 16).toString(16);
        const flipped = { ...sent.headers, Authorization: auth.slice(0, i) + digit + auth.slice(i + 1) };
        expect(verifyAliyunAcs3Request({ ...sent, headers: flipped }, () => sk, opts).ok).toBe(false);
        if (s.body.length > 0) {
          const body = Uint8Array.from(s.body);
          body[at % body.length] = (body[at % body.length] as number) ^ xor;
          expect(verifyAliyunAcs3Request({ ...sent, body }, () => sk, opts)).toEqual({
            ok: false,
            reason: "content_hash_mismatch",
          });
        }
        const query = `${sent.query}${sent.query === "" ? "?" : "&"}Extra=1`;
        expect(verifyAliyunAcs3Request({ ...sent, query }, () => sk, opts).ok).toBe(false);
        const action = { ...sent.headers, "x-acs-action": `${s.action}X` };
        expect(verifyAliyunAcs3Request({ ...sent, headers: action }, () => sk, opts).ok).toBe(false);
      }),
    );
  });

  test("never throws on arbitrary requests", () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.record({
          method: fc.string(),
          path: fc.oneof(fc.constant("/"), fc.string()),
          query: fc.string(),
          headers: fc.oneof(
            fc.dictionary(fc.string(), headerValue),
            fc.record({
              authorization: fc.oneof(
                fc.string(),
                fc.string().map((s) => `ACS3-HMAC-SHA256 ${s}`),
              ),
              "x-acs-date": fc.oneof(fc.string(), fc.constant("2024-01-01T00:00:00Z")),
              "x-acs-signature-nonce": headerValue,
              "x-acs-content-sha256": headerValue,
              host: headerValue,
            }),
          ),
          body: fc.oneof(fc.uint8Array(), fc.string()),
        }),
        (r) => {
          const verdict = verifyAliyunAcs3Request(r, () => "s", { now: new Date("2024-01-01T00:00:00Z") });
          expect(verdict.ok).toBe(false);
        },
      ),
    );
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import vectors from "../../test-vectors/signatures.json" with { type: "json" };
import {
  type AliyunRpcParams,
  aliyunRpcStringToSign,
  signAliyunRpcRequest,
  verifyAliyunRpcRequest,
} from "./aliyun-rpc.js";
import { type SecretLookup, secretLookupFrom } from "./request-auth.js";

describe("Alibaba RPC v1 vectors (vendor-spec §7 V8–V10)", () => {
  test.each(vectors.aliyunRpc.sign)("sign: $name", (v) => {
    const params = v.params as AliyunRpcParams;
    if ("stringToSign" in v) expect(aliyunRpcStringToSign(v.method, params)).toBe(v.stringToSign);
    if ("wireSignature" in v) expect(encodeURIComponent(v.signature)).toBe(v.wireSignature);
    expect(signAliyunRpcRequest({ method: v.method, params, accessKeySecret: v.accessKeySecret })).toBe(v.signature);
  });

  test.each(vectors.aliyunRpc.verify)("verify: $name", (v) => {
    const request = { method: v.method, params: v.params as AliyunRpcParams };
    const verdict = verifyAliyunRpcRequest(request, secretLookupFrom(v.credentials), {
      now: new Date(v.now),
    });
    expect(verdict).toEqual(v.expected);
  });
});

describe("misuse throws TypeError", () => {
  const now = new Date("2024-01-01T00:00:00Z");
  test.each([
    [
      "lookupSecret is not a function",
      () => verifyAliyunRpcRequest({ method: "GET", params: {} }, {} as SecretLookup, { now }),
    ],
    ["an invalid date", () => verifyAliyunRpcRequest({ method: "GET", params: {} }, () => "s", { now: new Date("x") })],
    ["signing with an empty secret", () => signAliyunRpcRequest({ method: "GET", params: {}, accessKeySecret: "" })],
  ])("%s", (_label, call) => {
    expect(call).toThrow(TypeError);
  });
});

const TIMESTAMP = "2024-01-01T00:00:00Z";
const NOW = new Date(TIMESTAMP);
const secret = fc.string({ unit: "binary", minLength: 1, maxLength: 48 });
const params = fc
  .tuple(
    fc.dictionary(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), fc.string({ unit: "grapheme" }), {
      maxKeys: 6,
    }),
    fc.string({ minLength: 1, maxLength: 64 }),
    fc.constantFrom("GET", "POST"),
  )
  .map(([extra, nonce, method]) => ({
    method,
    params: {
      ...extra,
      AccessKeyId: "testid",
      SignatureMethod: "HMAC-SHA1",
      SignatureVersion: "1.0",
      SignatureNonce: nonce,
      Timestamp: TIMESTAMP,
    } as Record<string, string>,
  }));

describe("Alibaba RPC v1 properties", () => {
  test("sign then verify round-trips and returns the nonce", () => {
    fc.assert(
      fc.property(params, secret, (r, sk) => {
        const Signature = signAliyunRpcRequest({ ...r, accessKeySecret: sk });
        const verdict = verifyAliyunRpcRequest({ ...r, params: { ...r.params, Signature } }, () => sk, { now: NOW });
        expect(verdict).toEqual({ ok: true, accessKeyId: "testid", nonce: r.params.SignatureNonce });
      }),
    );
  });

  test("changing a signature character, any parameter value or the method fails", () => {
    fc.assert(
      fc.property(params, secret, fc.nat(), (r, sk, pick) => {
        const Signature = signAliyunRpcRequest({ ...r, accessKeySecret: sk });
        const signed = { ...r.params, Signature };
        const i = pick % 27; // the last character is "=" padding
        const c = Signature.charAt(i) === "A" ? "B" : "A";
        const flipped = { ...signed, Signature: Signature.slice(0, i) + c + Signature.slice(i + 1) };
        expect(verifyAliyunRpcRequest({ ...r, params: flipped }, () => sk, { now: NOW }).ok).toBe(false);
        const names = Object.keys(r.params);
        const name = names[pick % names.length] as string;
        const changed = { ...signed, [name]: `${r.params[name]}x` };
        expect(verifyAliyunRpcRequest({ ...r, params: changed }, () => sk, { now: NOW }).ok).toBe(false);
        const method = r.method === "GET" ? "POST" : "GET";
        expect(verifyAliyunRpcRequest({ method, params: signed }, () => sk, { now: NOW }).ok).toBe(false);
      }),
    );
  });

  test("never throws on arbitrary parameters", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.oneof(
          fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(undefined))),
          params.map((r) => ({ ...r.params, Signature: "cpOJucKu52+9MgUTwl8iwkNBPNs=" })),
        ),
        (method, p) => {
          expect(verifyAliyunRpcRequest({ method, params: p }, () => "testsecret", { now: NOW }).ok).toBe(false);
        },
      ),
    );
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import vectors from "../../test-vectors/signatures.json" with { type: "json" };
import type { HuaweiLiveSignType } from "../generated/index.js";
import { HUAWEI_LIVE_SIGN_TYPES } from "../vendors.js";
import {
  type HuaweiLiveSignedFields,
  type HuaweiLiveVerifyOptions,
  huaweiLiveHmacMessage,
  signHuaweiLiveCallback,
  signHuaweiLiveCallbackBody,
  verifyHuaweiLiveCallback,
  verifyHuaweiLiveParsedCallback,
} from "./huawei-live.js";
import { HUAWEI_LIVE_HMAC_SIGNED_FIELDS } from "./verdict.js";

const KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const TS = 1583676745;
const NOW = new Date(TS * 1000);
const SIGN_TYPES: readonly HuaweiLiveSignType[] = HUAWEI_LIVE_SIGN_TYPES;

describe("Huawei Live vectors (vendor-spec §7 V1–V3)", () => {
  test.each(vectors.huaweiLive.sign)("sign: $name", (v) => {
    const fields = v.fields as HuaweiLiveSignedFields;
    const signType = v.signType as HuaweiLiveSignType;
    expect(signHuaweiLiveCallback(fields, v.key, signType)).toBe(v.signature);
    if (signType === "HMACSHA256") expect(huaweiLiveHmacMessage(fields)).toBe(v.message);
    else expect(v.message).toBe(v.key + String(fields.auth_timestamp));
  });

  test.each(vectors.huaweiLive.verify)("verify: $name", (v) => {
    const opts: HuaweiLiveVerifyOptions = { now: new Date(v.now), ...(v.options as Partial<HuaweiLiveVerifyOptions>) };
    expect(verifyHuaweiLiveCallback(v.body, v.keys, opts)).toEqual(v.expected);
    expect(verifyHuaweiLiveCallback(new TextEncoder().encode(v.body), v.keys, opts)).toEqual(v.expected);
    let parsed: unknown;
    try {
      parsed = JSON.parse(v.body);
    } catch {
      parsed = undefined;
    }
    expect(verifyHuaweiLiveParsedCallback(parsed, v.keys, opts)).toEqual(v.expected);
  });
});

describe("verifyHuaweiLiveParsedCallback", () => {
  test("gives the verdict of verifyHuaweiLiveCallback for the parsed text of any body, signed or not", () => {
    const value = fc.oneof(fc.string(), fc.integer({ min: 0, max: 2 * TS }), fc.constant(null), fc.boolean());
    const fields = fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom("event_type", "publish_domain", "app", "stream", "download_url")),
      value,
    );
    const body = fc.oneof(
      fields.map((f) => signHuaweiLiveCallbackBody(f, KEY, "HMACSHA256", TS)),
      fields.map((f) => JSON.stringify({ ...f, auth_timestamp: TS, auth_sign: "ab".repeat(32) })),
      fc.json(),
    );
    fc.assert(
      fc.property(body, fc.integer({ min: -4000, max: 4000 }), (text, skew) => {
        const opts = { now: new Date((TS + skew) * 1000) };
        expect(verifyHuaweiLiveParsedCallback(JSON.parse(text), [KEY], opts)).toEqual(
          verifyHuaweiLiveCallback(text, [KEY], opts),
        );
      }),
    );
  });

  test("anything but a JSON object is malformed; misuse still throws", () => {
    for (const body of [undefined, null, [], "x", 1]) {
      expect(verifyHuaweiLiveParsedCallback(body, [KEY], { now: NOW })).toEqual({ ok: false, reason: "malformed" });
    }
    expect(() => verifyHuaweiLiveParsedCallback({}, [], { now: NOW })).toThrow(TypeError);
  });
});

describe("signHuaweiLiveCallbackBody", () => {
  test("adds auth_timestamp and auth_sign and keeps the other fields in order", () => {
    const text = signHuaweiLiveCallbackBody(
      { event_type: "RECORD_NEW_FILE_START", publish_domain: "push.example.com", app: "live", stream: "mystream" },
      KEY,
      "HMACSHA256",
      TS,
    );
    expect(JSON.parse(text)).toEqual({
      event_type: "RECORD_NEW_FILE_START",
      publish_domain: "push.example.com",
      app: "live",
      stream: "mystream",
      auth_timestamp: TS,
      auth_sign: "4d232a5af829ab8b1a1065a27d4f9b282c97e965f632b670919d33b014629c3c",
    });
  });

  test("non-string signed values are signed as their JSON text (D8)", () => {
    const text = signHuaweiLiveCallbackBody({ event_type: 7, app: null, stream: ["a"] }, KEY, "HMACSHA256", TS);
    const expected = signHuaweiLiveCallback(
      { auth_timestamp: TS, event_type: "7", publish_domain: "", app: "null", stream: '["a"]' },
      KEY,
      "HMACSHA256",
    );
    expect(JSON.parse(text).auth_sign).toBe(expected);
  });
});

describe("misuse throws TypeError", () => {
  const body = signHuaweiLiveCallbackBody({ event_type: "RECORD_OVER" }, KEY, "HMACSHA256", TS);
  test.each([
    ["no keys", () => verifyHuaweiLiveCallback(body, [], { now: NOW })],
    ["an empty key", () => verifyHuaweiLiveCallback(body, [KEY, ""], { now: NOW })],
    ["an invalid date", () => verifyHuaweiLiveCallback(body, [KEY], { now: new Date(Number.NaN) })],
    ["no sign types", () => verifyHuaweiLiveCallback(body, [KEY], { now: NOW, allowedSignTypes: [] })],
    [
      "an unknown sign type",
      () =>
        verifyHuaweiLiveCallback(body, [KEY], {
          now: NOW,
          allowedSignTypes: ["SHA1" as unknown as HuaweiLiveSignType],
        }),
    ],
    ["a negative grace", () => verifyHuaweiLiveCallback(body, [KEY], { now: NOW, graceSeconds: -1 })],
    ["signing with an empty key", () => signHuaweiLiveCallbackBody({}, "", "MD5", TS)],
    ["signing with a fractional timestamp", () => signHuaweiLiveCallbackBody({}, KEY, "MD5", 1.5)],
    [
      "signing a non-object body",
      () => signHuaweiLiveCallbackBody([] as unknown as Record<string, unknown>, KEY, "MD5", TS),
    ],
  ])("%s", (_label, call) => {
    expect(call).toThrow(TypeError);
  });
});

const key = fc.string({ unit: "binary", minLength: 1, maxLength: 80 });
const signedField = fc.constantFrom("event_type", "publish_domain", "app", "stream", "download_url", "play_url");
const fieldValue = fc.oneof(fc.string({ unit: "binary" }), fc.jsonValue());
const body = fc.record(
  {
    event_type: fieldValue,
    publish_domain: fieldValue,
    app: fieldValue,
    stream: fieldValue,
    download_url: fieldValue,
    play_url: fieldValue,
    job_id: fc.string(),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const hexDigits = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), minLength: 30, maxLength: 66 });
const timestamp = fc.integer({ min: 0, max: 2 ** 40 });
const fieldText = (value: unknown): string =>
  typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
const flipHexDigit = (hex: string, at: number): string => {
  const digit = Number.parseInt(hex.charAt(at), 16);
  return hex.slice(0, at) + ((digit + 1) % 16).toString(16) + hex.slice(at + 1);
};

describe("Huawei Live properties", () => {
  test("sign then verify round-trips for any key, body and sign type", () => {
    fc.assert(
      fc.property(key, body, timestamp, fc.constantFrom(...SIGN_TYPES), (k, b, ts, signType) => {
        const text = signHuaweiLiveCallbackBody(b, k, signType, ts);
        const verdict = verifyHuaweiLiveCallback(Buffer.from(text), [k], {
          now: new Date(ts * 1000),
          allowedSignTypes: SIGN_TYPES,
        });
        expect(verdict).toEqual(
          signType === "HMACSHA256"
            ? {
                ok: true,
                keyIndex: 0,
                authenticated: { scope: "fields", fields: HUAWEI_LIVE_HMAC_SIGNED_FIELDS },
                bodyAuthenticated: false,
              }
            : { ok: true, keyIndex: 0, authenticated: { scope: "none" }, bodyAuthenticated: false },
        );
      }),
    );
  });

  test("flipping any hex digit of auth_sign fails", () => {
    fc.assert(
      fc.property(key, body, timestamp, fc.constantFrom(...SIGN_TYPES), fc.nat(), (k, b, ts, signType, at) => {
        const signed = JSON.parse(signHuaweiLiveCallbackBody(b, k, signType, ts));
        signed.auth_sign = flipHexDigit(signed.auth_sign, at % signed.auth_sign.length);
        const verdict = verifyHuaweiLiveCallback(JSON.stringify(signed), [k], {
          now: new Date(ts * 1000),
          allowedSignTypes: SIGN_TYPES,
        });
        expect(verdict).toEqual({ ok: false, reason: "bad_signature" });
      }),
    );
  });

  test("HMACSHA256: changing any signed field or the timestamp fails", () => {
    fc.assert(
      fc.property(key, body, timestamp, signedField, fc.string({ unit: "binary" }), (k, b, ts, field, next) => {
        const signed = JSON.parse(signHuaweiLiveCallbackBody(b, k, "HMACSHA256", ts));
        fc.pre(fieldText(signed[field]) !== next);
        signed[field] = next;
        const now = new Date(ts * 1000);
        expect(verifyHuaweiLiveCallback(JSON.stringify(signed), [k], { now }).ok).toBe(false);
        const restamped = JSON.parse(signHuaweiLiveCallbackBody(b, k, "HMACSHA256", ts));
        restamped.auth_timestamp = ts + 1;
        expect(verifyHuaweiLiveCallback(JSON.stringify(restamped), [k], { now })).toEqual({
          ok: false,
          reason: "bad_signature",
        });
      }),
    );
  });

  test("MD5 does not cover the body: any body change still verifies, never as authenticated", () => {
    fc.assert(
      fc.property(key, body, timestamp, signedField, fc.string({ unit: "binary" }), (k, b, ts, field, next) => {
        const signed = JSON.parse(signHuaweiLiveCallbackBody(b, k, "MD5", ts));
        signed[field] = next;
        const verdict = verifyHuaweiLiveCallback(JSON.stringify(signed), [k], {
          now: new Date(ts * 1000),
          allowedSignTypes: ["MD5"],
        });
        expect(verdict).toEqual({ ok: true, keyIndex: 0, authenticated: { scope: "none" }, bodyAuthenticated: false });
      }),
    );
  });

  test("HMACSHA256 covers only the named fields: changing any other field still verifies, as scope fields", () => {
    const unsigned = fc
      .string({ minLength: 1 })
      .filter((name) => !(HUAWEI_LIVE_HMAC_SIGNED_FIELDS as readonly string[]).includes(name) && name !== "auth_sign");
    fc.assert(
      fc.property(key, body, timestamp, unsigned, fc.jsonValue(), (k, b, ts, field, next) => {
        const signed = JSON.parse(signHuaweiLiveCallbackBody(b, k, "HMACSHA256", ts));
        signed[field] = next;
        const verdict = verifyHuaweiLiveCallback(JSON.stringify(signed), [k], { now: new Date(ts * 1000) });
        expect(verdict).toMatchObject({ ok: true, authenticated: { scope: "fields" }, bodyAuthenticated: false });
        if (verdict.ok && verdict.authenticated.scope === "fields") {
          expect(verdict.authenticated.fields).not.toContain(field);
        }
      }),
    );
  });

  test("rotation reports the index of the matching key", () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 5 }), fc.nat(), body, (keys, pick, b) => {
        const index = pick % keys.length;
        const text = signHuaweiLiveCallbackBody(b, keys[index] as string, "HMACSHA256", TS);
        expect(verifyHuaweiLiveCallback(text, keys, { now: NOW })).toMatchObject({ ok: true, keyIndex: index });
      }),
    );
  });

  test("a signed field nested deeper than JSON.stringify can go is malformed, not an exception", () => {
    for (const depth of [3000, 100_000]) {
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      const raw = `{"event_type":${deep},"auth_timestamp":${TS},"auth_sign":"${"ab".repeat(32)}"}`;
      const verdict = verifyHuaweiLiveCallback(raw, [KEY], { now: NOW });
      // How deep JSON.parse and JSON.stringify go depends on the runtime (Node.js 26 handles 100 000 levels, 20 to
      // 24 overflow the stack): what they cannot handle is malformed, what they can is checked (and fails here).
      expect(verdict).toEqual({ ok: false, reason: jsonRoundTrips(deep) ? "bad_signature" : "malformed" });
    }
  });

  test("never throws on arbitrary bytes, text or JSON", () => {
    const opts = { now: NOW, allowedSignTypes: SIGN_TYPES };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.string({ unit: "binary" }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .record({ auth_sign: fc.oneof(fc.jsonValue(), hexDigits), auth_timestamp: fc.jsonValue() })
            .map((v) => JSON.stringify(v)),
        ),
        (raw) => {
          const verdict = verifyHuaweiLiveCallback(raw, [KEY], opts);
          expect(verdict.ok).toBe(false);
        },
      ),
    );
  });
});

/** Whether this runtime's JSON.parse and JSON.stringify both handle the text (deep nesting can overflow them). */
function jsonRoundTrips(text: string): boolean {
  try {
    JSON.stringify(JSON.parse(text));
    return true;
  } catch {
    return false;
  }
}

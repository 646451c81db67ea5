/**
 * Digests the receiver has stored, fixed as text: every stored idempotency key was computed from these canonical
 * forms, so a change that moves or rewrites the canonical JSON must give the same bytes or stored events stop
 * matching their retries. The expected values were computed by the receiver's own implementation (then
 * apps/receiver/src/idempotency-key.ts, with the vendor's auth fields) before it moved here.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, eventDigest } from "./event-identity.js";
import { VENDOR_AUTH_FIELDS, type Vendor } from "./vendors.js";

const cases: { name: string; body: string; vendor: Vendor; canonical: string; digest: string }[] = [
  {
    name: "a Huawei Live recording callback, auth fields left out",
    body: '{"domain":"play.example.com","app":"live","stream":"s1","event_type":"RECORD_OVER","auth_timestamp":1583676745,"auth_sign":"0d7fa05b9c4f3b1e","download_url":"https://obs.example.com/r/s1.mp4","duration":62.5}',
    vendor: "huawei-live",
    canonical:
      '{"app":"live","domain":"play.example.com","download_url":"https://obs.example.com/r/s1.mp4","duration":62.5,"event_type":"RECORD_OVER","stream":"s1"}',
    digest: "72198defd826e4e5f4d71a5823ccd5f0",
  },
  {
    name: "a SparkRTC callback with a nested object and an array",
    body: '{"event_type":"RECORD_FILE_COMPLETE","app_id":"a1","room_id":"r1","job_id":"j1","file":{"name":"x.mp4","size":1024,"start_time":1700000000000},"tags":["b","a"]}',
    vendor: "huawei-rtc",
    canonical:
      '{"app_id":"a1","event_type":"RECORD_FILE_COMPLETE","file":{"name":"x.mp4","size":1024,"start_time":1700000000000},"job_id":"j1","room_id":"r1","tags":["b","a"]}',
    digest: "f442af88ea48c66e99dc4531700a1732",
  },
  {
    name: "an Alibaba callback with push_args",
    body: '{"action":"publish","app":"live","appname":"app","id":"s1","ip":"1.2.3.4","node":"n","time":1700000000,"usrargs":"a=1","push_args":{"callback_user":"42","z":null,"a":true}}',
    vendor: "aliyun-live",
    canonical:
      '{"action":"publish","app":"live","appname":"app","id":"s1","ip":"1.2.3.4","node":"n","push_args":{"a":true,"callback_user":"42","z":null},"time":1700000000,"usrargs":"a=1"}',
    digest: "b942d8eba3faf4cb5c642198fb8c0176",
  },
  {
    name: "array-index keys first in numeric order, then the others sorted",
    body: '{"b":1,"10":2,"9":3,"a":4,"01":5,"4294967294":6,"4294967295":7}',
    vendor: "huawei-rtc",
    canonical: '{"9":3,"10":2,"4294967294":6,"01":5,"4294967295":7,"a":4,"b":1}',
    digest: "95ce51589af54c8a29cd98041c182db1",
  },
  {
    name: "escaped, control, non-ASCII and lone-surrogate strings and keys",
    body: '{"q":"say \\"hi\\"\\n\\t\\\\","ctl":"\\u0001\\u001f","uni":"caf\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00","lone":"\\ud800x","key \\"quoted\\"":1}',
    vendor: "huawei-rtc",
    canonical:
      '{"ctl":"\\u0001\\u001f","key \\"quoted\\"":1,"lone":"\\ud800x","q":"say \\"hi\\"\\n\\t\\\\","uni":"café 中文 😀"}',
    digest: "a3f4495666385993158c5b6c4a7f3957",
  },
  {
    name: "numbers as JSON.stringify writes them",
    body: '{"i":0,"neg":-0,"f":0.1,"big":1e21,"small":1e-7,"max":9007199254740993,"exp":12e3}',
    vendor: "huawei-rtc",
    canonical: '{"big":1e+21,"exp":12000,"f":0.1,"i":0,"max":9007199254740992,"neg":0,"small":1e-7}',
    digest: "9826a81dbefab0492cfb591b309c1ee7",
  },
  {
    name: "keys sorted at every depth, empty objects and arrays kept",
    body: '{"z":[[[{"b":[],"a":{}}]]],"y":{"x":{"w":{"v":[1,"2",null,false]}}}}',
    vendor: "huawei-rtc",
    canonical: '{"y":{"x":{"w":{"v":[1,"2",null,false]}}},"z":[[[{"a":{},"b":[]}]]]}',
    digest: "ecca5e16dbc560b0b1663c9f4c47b27e",
  },
  {
    name: "a __proto__ field is a field",
    body: '{"a":1,"__proto__":{"x":1}}',
    vendor: "huawei-rtc",
    canonical: '{"__proto__":{"x":1},"a":1}',
    digest: "16f0a6f5823c7470398e5edfba59dfbd",
  },
  {
    name: "a body of auth fields only",
    body: '{"auth_sign":"s","auth_timestamp":1}',
    vendor: "huawei-live",
    canonical: "{}",
    digest: "44136fa355b3678a1146ad16f7e8649e",
  },
  {
    name: "auth fields are left out at the top level only",
    body: '{"nested":{"auth_sign":"kept"},"auth_sign":"dropped"}',
    vendor: "huawei-live",
    canonical: '{"nested":{"auth_sign":"kept"}}',
    digest: "c9a53510def5322a352f0ca4e9c3b470",
  },
  {
    name: "a Huawei Live body with a nested auth_timestamp, which stays",
    body: '{"auth_timestamp":5,"a":{"auth_timestamp":6}}',
    vendor: "huawei-live",
    canonical: '{"a":{"auth_timestamp":6}}',
    digest: "8e90e789a3a4bc50108d3dff1acd4302",
  },
  {
    name: "an empty object",
    body: "{}",
    vendor: "huawei-rtc",
    canonical: "{}",
    digest: "44136fa355b3678a1146ad16f7e8649e",
  },
  {
    name: "a top-level array",
    body: '[3,{"b":1,"a":2}]',
    vendor: "huawei-live",
    canonical: '[3,{"a":2,"b":1}]',
    digest: "8fe658ec75ad7be6e8a1bf3e495be439",
  },
  {
    name: "a top-level string",
    body: '"x"',
    vendor: "huawei-rtc",
    canonical: '"x"',
    digest: "ba2df4903a2c14e86dc3bcca58911b44",
  },
  {
    name: "a top-level null",
    body: "null",
    vendor: "huawei-rtc",
    canonical: "null",
    digest: "74234e98afe7498fb5daf1f36ac2d78a",
  },
  {
    name: "a top-level number",
    body: "1.5",
    vendor: "huawei-rtc",
    canonical: "1.5",
    digest: "9f29a130438b81170b92a42650f9a942",
  },
  {
    name: "a body nested 32 levels, the most the receiver accepts",
    body: `${'{"a":'.repeat(31)}[1]${"}".repeat(31)}`,
    vendor: "huawei-rtc",
    canonical: `${'{"a":'.repeat(31)}[1]${"}".repeat(31)}`,
    digest: "91a0178511bcb8890efdc71735e8023f",
  },
];

describe("stored digests", () => {
  for (const c of cases) {
    it(`keeps the canonical form and digest of ${c.name}`, () => {
      const body: unknown = JSON.parse(c.body);
      expect(canonicalJson(body, VENDOR_AUTH_FIELDS[c.vendor])).toBe(c.canonical);
      expect(eventDigest(c.vendor, body)).toBe(c.digest);
    });
  }
});

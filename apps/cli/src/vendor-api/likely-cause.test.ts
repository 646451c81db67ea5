import { describe, expect, test } from "vitest";
import { aliyunLikelyCause, huaweiLikelyCause } from "./likely-cause.js";

const BASE = "/v1/p1/record/callbacks";
const body = (over: Record<string, unknown> = {}) => ({
  publish_domain: "push.example.com",
  app: "live",
  key: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
  ...over,
});

describe("LIVE.100011001 Request Illegal: which rule", () => {
  const cause = (method: string, path: string, b?: unknown) =>
    huaweiLikelyCause("LIVE.100011001", { method, path, body: b });

  test("a key against Huawei's rule is named first", () => {
    expect(cause("POST", BASE, body({ key: "short" }))).toBe("the key must be 32 to 128 letters and digits");
    expect(cause("PUT", `${BASE}/abc`, body({ key: "has-dashes-0123456789abcdefghijklmnop" }))).toBe(
      "the key must be 32 to 128 letters and digits",
    );
  });

  test("then a publish_domain that is not a domain name", () => {
    expect(cause("POST", BASE, body({ publish_domain: "bad_domain!" }))).toBe(
      'publish_domain "bad_domain!" is not a domain name',
    );
  });

  test("a well-formed create: the domain is not one of the project's", () => {
    expect(cause("POST", BASE, body())).toBe(
      'publish_domain "push.example.com" is not a push domain of project p1 (add it in the console first)',
    );
  });

  test("by id: no such config; an update may also have changed the domain", () => {
    expect(cause("GET", `${BASE}/ffff`)).toBe("no callback config ffff in project p1");
    expect(cause("DELETE", `${BASE}/ffff`)).toBe("no callback config ffff in project p1");
    expect(cause("PUT", `${BASE}/ffff`, body())).toContain("publish_domain differs from the config's");
  });

  test("a list: a filter out of range", () => {
    expect(cause("GET", `${BASE}?limit=500`)).toContain("limit 1 to 100");
  });

  test("another API's path is not guessed at", () => {
    expect(cause("GET", "/v2/apps/x/record-callback")).toBeUndefined();
  });
});

describe("other codes", () => {
  test("SparkRTC's InvalidParameterValue names the auth_key rule on a set", () => {
    expect(
      huaweiLikelyCause("RTC.00001003", { method: "PUT", path: "/v2/apps/a/record-callback", body: {} }),
    ).toContain("auth_key must be 32 to 64 characters");
  });

  test("credential errors name the variables", () => {
    expect(huaweiLikelyCause("APIGW.0301", { method: "GET", path: BASE, body: undefined })).toContain(
      "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK",
    );
    expect(aliyunLikelyCause("SignatureDoesNotMatch")).toContain("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    expect(aliyunLikelyCause("InvalidConfig.NotFound")).toBeUndefined();
  });
});

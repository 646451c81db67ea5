import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { AK, type FakeVendor, PROJECT, SK, startFakeVendor } from "../../test/fake-vendor.js";
import { EXIT } from "../errors.js";

const NOW = new Date("2026-03-01T00:00:00Z");
let vendor: FakeVendor;
let env: Record<string, string>;
beforeAll(async () => {
  vendor = await startFakeVendor(() => NOW);
  env = {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
    ALIBABA_CLOUD_ACCESS_KEY_ID: AK,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: SK,
  };
});
afterAll(() => vendor.close());

const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  run([...args, "--endpoint", vendor.url], { env: { ...env, ...extraEnv }, now: NOW });

describe("huawei callbacks, signed requests verified by core", () => {
  test("create, list, get, update and delete", async () => {
    const created = await cli([
      "huawei",
      "callbacks",
      "create",
      "--publish-domain",
      "push.example.com",
      "--app",
      "*",
      "--url",
      "http://127.0.0.1:4020/hooks/huawei-live",
      "--key",
      "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
      "--json",
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const id = JSON.parse(created.stdout).id as string;
    expect(JSON.parse(created.stdout).notify_event_subscription).toEqual(["RECORD_FILE_COMPLETE"]);

    const list = await cli(["huawei", "callbacks", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toBe("ID\tDOMAIN\tAPP\tURL\tEVENTS\tSIGN\tUPDATED");
    expect(list.stdout).toContain(id);

    const updated = await cli([
      "huawei",
      "callbacks",
      "update",
      id,
      "--events",
      "RECORD_NEW_FILE_START,RECORD_FILE_COMPLETE",
      "--json",
    ]);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout).notify_event_subscription).toEqual([
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
    ]);
    expect(JSON.parse(updated.stdout).notify_callback_url).toBe("http://127.0.0.1:4020/hooks/huawei-live");

    expect((await cli(["huawei", "callbacks", "get", id])).stdout).toContain("push.example.com");
    expect((await cli(["huawei", "callbacks", "delete", id])).stdout).toContain(`deleted ${id}`);
    expect(vendor.requests.some((r) => r.startsWith("DELETE /v1/"))).toBe(true);
  });

  test("a vendor error shows its code, the likely cause behind Huawei's terse message, and exits 4", async () => {
    const r = await cli(["huawei", "callbacks", "get", "ffffffffffffffffffffffffffffffff"]);
    expect(r.code).toBe(EXIT.vendor);
    expect(r.stderr).toBe(
      `error: LIVE.100011001 (HTTP 404): Request Illegal; likely cause: no callback config ffffffffffffffffffffffffffffffff in project ${PROJECT} [request id req-1]\n`,
    );
  });

  test("a wrong secret is rejected by the gateway", async () => {
    const r = await cli(["huawei", "callbacks", "list"], { HUAWEICLOUD_SDK_SK: "wrong" });
    expect(r.code).toBe(EXIT.vendor);
    expect(r.stderr).toContain("APIGW.0301");
  });

  test("an invalid request is caught before sending", async () => {
    const r = await cli([
      "huawei",
      "callbacks",
      "create",
      "--publish-domain",
      "d",
      "--app",
      "a",
      "--events",
      "RECORD_NOPE",
    ]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("notify_event_subscription");
  });

  test("a real endpoint needs credentials", async () => {
    const r = await run(["huawei", "callbacks", "list", "--region", "cn-north-4"], { env: {} });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("HUAWEICLOUD_SDK_AK");
  });

  test("an unreachable mock is exit code 3", async () => {
    const closed = await startFakeVendor(() => NOW);
    await closed.close();
    const r = await run(["huawei", "callbacks", "list", "--mock", closed.url], { env: {} });
    expect(r.code).toBe(EXIT.unreachable);
    // The address, why, and what to run: the mock is what the CLI talks to by default.
    expect(r.stderr).toBe(
      `error: cannot reach ${closed.url} (ECONNREFUSED); start it with \`livehook mock\`, or the mock and a receiver with \`livehook start\`\n`,
    );
  });
});

describe("rtc callback", () => {
  test("set then get, with the key masked", async () => {
    const set = await cli([
      "rtc",
      "callback",
      "set",
      "--app-id",
      "5fcdf5651aaaaaa6f835d0d4",
      "--url",
      "http://127.0.0.1:4020/hooks/huawei-rtc",
      "--auth-key",
      "0123456789abcdef0123456789abcdef",
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("0123…(32 chars)");
    const get = await cli([
      "rtc",
      "callback",
      "get",
      "--app-id",
      "5fcdf5651aaaaaa6f835d0d4",
      "--json",
      "--show-secrets",
    ]);
    expect(JSON.parse(get.stdout).record_callback.auth_key).toBe("0123456789abcdef0123456789abcdef");
  });

  test("an unknown app is the vendor's 404", async () => {
    const r = await cli(["rtc", "callback", "get", "--app-id", "000000000000000000000000"]);
    expect(r.code).toBe(EXIT.vendor);
    expect(r.stderr).toContain("RTC.00001003 (HTTP 404)");
  });
});

describe("aliyun notify-config and notify-records", () => {
  test("add, get, duplicate add, delete, get", async () => {
    const args = ["--domain", "play.example.com"];
    const add = await cli([
      "aliyun",
      "notify-config",
      "add",
      ...args,
      "--url",
      "http://127.0.0.1:4020/hooks/aliyun-live",
      "--auth-key",
      "k",
    ]);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    const get = await cli(["aliyun", "notify-config", "get", ...args, "--json"]);
    expect(JSON.parse(get.stdout)).toMatchObject({ DomainName: "play.example.com", NotifyReqAuth: true });
    const again = await cli(["aliyun", "notify-config", "add", ...args, "--url", "http://x.example.com/"]);
    expect(again.code).toBe(EXIT.vendor);
    expect(again.stderr).toContain("ConfigAlreadyExists (HTTP 400)");
    expect((await cli(["aliyun", "notify-config", "delete", ...args])).code).toBe(0);
    const gone = await cli(["aliyun", "notify-config", "get", ...args]);
    expect(gone.code).toBe(EXIT.vendor);
    expect(gone.stderr).toContain("InvalidConfig.NotFound");
  });

  test("notify-records prints a table", async () => {
    const r = await cli(["aliyun", "notify-records", "--domain", "play.example.com"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("file_created");
    expect(vendor.requests.some((q) => q.includes("StartTime=2026-02-28T00%3A00%3A00Z"))).toBe(true);
  });
});

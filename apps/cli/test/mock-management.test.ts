/**
 * Management commands against the real mock started with `--auth on`: the mock's own verifiers must accept the
 * requests the CLI signs (Huawei SDK-HMAC-SHA256, Alibaba RPC v1), and its vendor errors must come out as exit 4.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningApp, startApp } from "../src/app-process.js";
import { EXIT } from "../src/errors.js";
import { run, testContext } from "./cli-harness.js";
import { freePort } from "./ports.js";

const AK = "E2EACCESSKEYID0000000";
const SK = "e2e-secret-access-key";
let mock: RunningApp;
const env = () => ({
  LIVEHOOK_MOCK_URL: mock.url,
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
  ALIBABA_CLOUD_ACCESS_KEY_ID: AK,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: SK,
});
const cli = (args: string[], extra: Record<string, string> = {}) =>
  run(args, { now: "real", env: { ...env(), ...extra } });

beforeAll(async () => {
  const port = await freePort();
  const { ctx } = testContext({ now: "real" });
  mock = await startApp(ctx, "mock", {
    args: ["--port", String(port), "--auth", "on", "--log-level", "warn"],
    env: { PATH: process.env.PATH, LIVEHOOK_MOCK_AK: AK, LIVEHOOK_MOCK_SK: SK },
    output: { logFile: join(mkdtempSync(join(tmpdir(), "livehook-mock-auth-")), "mock.log") },
    host: "127.0.0.1",
    port,
  });
}, 60_000);
afterAll(() => mock?.stop());

describe("management commands against the mock with signature checks on", () => {
  test("Huawei Live: create, list, get, update, delete; duplicates and unknown ids are vendor errors", async () => {
    const create = ["huawei", "callbacks", "create", "--publish-domain", "push.example.com", "--app", "*"];
    const url = ["--url", "http://127.0.0.1:4020/hooks/huawei-live", "--key", "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"];
    const created = await cli([...create, ...url, "--json"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const id = JSON.parse(created.stdout).id as string;

    const again = await cli([...create, ...url]);
    expect(again.code).toBe(EXIT.vendor);
    expect(again.stderr).toMatch(/^error: LIVE\.103011018 \(HTTP 400\): /);

    const list = await cli(["huawei", "callbacks", "list", "--app", "*", "--json"]);
    expect(JSON.parse(list.stdout).callback_config.map((c: { id: string }) => c.id)).toContain(id);

    const updated = await cli(["huawei", "callbacks", "update", id, "--events", "RECORD_OVER,RECORD_FAILED", "--json"]);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout).notify_event_subscription).toEqual(["RECORD_OVER", "RECORD_FAILED"]);

    expect((await cli(["huawei", "callbacks", "get", id])).code).toBe(0);
    expect((await cli(["huawei", "callbacks", "delete", id])).code).toBe(0);
    const gone = await cli(["huawei", "callbacks", "get", id]);
    expect(gone.code).toBe(EXIT.vendor);
    expect(gone.stderr).toContain("LIVE.100011001 (HTTP 404)");
  });

  test("Request Illegal comes with the rule it most likely stands for", async () => {
    const unknown = await cli(["huawei", "callbacks", "get", "ffffffffffffffffffffffffffffffff"]);
    expect(unknown.code).toBe(EXIT.vendor);
    expect(unknown.stderr).toMatch(
      /^error: LIVE\.100011001 \(HTTP 404\): Request Illegal; likely cause: no callback config f{32} in project \S+ \[request id /,
    );
    const badDomain = await cli(["huawei", "callbacks", "create", "--publish-domain", "push_example", "--app", "live"]);
    expect(badDomain.code).toBe(EXIT.vendor);
    expect(badDomain.stderr).toContain(
      'Request Illegal; likely cause: publish_domain "push_example" is not a domain name',
    );
  });

  test("no credentials against a mock that checks signatures: which variables to set", async () => {
    const none = { HUAWEICLOUD_SDK_AK: "", HUAWEICLOUD_SDK_SK: "", ALIBABA_CLOUD_ACCESS_KEY_ID: "" };
    const huawei = await cli(["huawei", "callbacks", "list"], none);
    expect(huawei.code).toBe(EXIT.usage);
    expect(huawei.stderr).toBe(
      `error: the mock at ${mock.url} checks request signatures (--auth on): set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK to its LIVEHOOK_MOCK_AK and LIVEHOOK_MOCK_SK\n`,
    );
    const aliyun = await cli(["aliyun", "notify-config", "get", "--domain", "play.example.com"], none);
    expect(aliyun.code).toBe(EXIT.usage);
    expect(aliyun.stderr).toBe(
      `error: the mock at ${mock.url} checks request signatures (--auth on): set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET to its LIVEHOOK_MOCK_AK and LIVEHOOK_MOCK_SK\n`,
    );
  });

  test("a wrong secret is the gateway's 401 with its code", async () => {
    const r = await cli(["huawei", "callbacks", "list"], { HUAWEICLOUD_SDK_SK: "not-the-secret" });
    expect(r.code).toBe(EXIT.vendor);
    expect(r.stderr).toMatch(/APIGW?\.0301 \(HTTP 401\)/);
  });

  test("SparkRTC: set then get", async () => {
    const app = ["--app-id", "5fcdf5651aaaaaa6f835d0d4"];
    const set = await cli([
      "rtc",
      "callback",
      "set",
      ...app,
      "--url",
      "http://127.0.0.1:4020/hooks/huawei-rtc",
      "--auth-key",
      "0123456789abcdef0123456789abcdef",
    ]);
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    const get = await cli(["rtc", "callback", "get", ...app, "--json"]);
    expect(JSON.parse(get.stdout).record_callback.url).toBe("http://127.0.0.1:4020/hooks/huawei-rtc");
  });

  test("Alibaba: add, get, update, delete, records; a wrong secret is SignatureDoesNotMatch", async () => {
    const d = ["--domain", "play.example.com"];
    const add = await cli([
      "aliyun",
      "notify-config",
      "add",
      ...d,
      "--url",
      "http://127.0.0.1:4020/hooks/aliyun-live",
      "--auth-key",
      "k1",
    ]);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    const upd = await cli([
      "aliyun",
      "notify-config",
      "update",
      ...d,
      "--url",
      "http://127.0.0.1:4021/hooks/aliyun-live",
      "--status-notify",
    ]);
    expect(upd.code).toBe(0);
    const get = await cli(["aliyun", "notify-config", "get", ...d, "--json"]);
    expect(JSON.parse(get.stdout)).toMatchObject({
      NotifyUrl: "http://127.0.0.1:4021/hooks/aliyun-live",
      NeedStatusNotify: true,
    });
    const records = await cli(["aliyun", "notify-records", ...d, "--json"]);
    expect(records.code).toBe(0);
    expect(JSON.parse(records.stdout).Code).toBe(0);
    expect((await cli(["aliyun", "notify-config", "delete", ...d])).code).toBe(0);
    const gone = await cli(["aliyun", "notify-config", "get", ...d]);
    expect(gone.code).toBe(EXIT.vendor);
    expect(gone.stderr).toContain("InvalidConfig.NotFound (HTTP 404)");
    const bad = await cli(["aliyun", "notify-config", "get", ...d], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "wrong" });
    expect(bad.code).toBe(EXIT.vendor);
    expect(bad.stderr).toContain("SignatureDoesNotMatch");
  });
});

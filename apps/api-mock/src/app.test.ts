import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HuaweiApigErrorResponse } from "@livehook/core";
import { describe, expect, test } from "vitest";
import { testMock } from "../test/harness.js";
import { FLAG_NAMES, loadConfig, USAGE, wantsHelp } from "./config.js";
import { MockAdminHealth } from "./generated/index.js";
import { Store } from "./state/store.js";

describe("service routes", () => {
  test("/healthz and the OpenAPI documents", async () => {
    const m = testMock();
    MockAdminHealth.parse(await (await m.app.request("/healthz")).json());
    for (const name of ["huawei-live", "huawei-rtc", "aliyun-live", "mock-admin"]) {
      const res = await m.app.request(`/openapi/${name}.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string };
      expect(doc.openapi).toBe("3.1.0");
    }
    expect((await m.app.request("/openapi/nope.json")).status).toBe(404);
    expect((await m.app.request("/nowhere")).status).toBe(404);
  });

  test("unknown /v1 and /v2 paths get the gateway's documented 404 APIG.0101 (huawei-live.yaml ApiNotFound)", async () => {
    const m = testMock();
    const doc = (await (await m.app.request("/openapi/huawei-live.json")).json()) as {
      components: { responses: { ApiNotFound: { content: { "application/json": { example: unknown } } } } };
    };
    const documented = HuaweiApigErrorResponse.parse(
      doc.components.responses.ApiNotFound.content["application/json"].example,
    );
    for (const path of ["/v1/p/record/nothing", "/v2/apps/x/other", "/v1/p/record/callbacks/a/b"]) {
      const res = await m.app.request(path);
      expect(res.status).toBe(404);
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}-/);
      const body = HuaweiApigErrorResponse.parse(await res.json());
      expect([body.error_code, body.error_msg]).toEqual([documented.error_code, documented.error_msg]);
    }
  });
});

describe("persistence", () => {
  test("a restart on the same --data file keeps configs, sessions and deliveries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-mock-"));
    try {
      const file = join(dir, "mock.db");
      const first = testMock({ store: new Store(file) });
      await first.json("/v1/p/record/callbacks", "POST", {
        publish_domain: "push.example.com",
        app: "live",
        notify_callback_url: "http://127.0.0.1:4020/hooks/huawei-live",
      });
      await first.json("/_mock/sessions", "POST", {
        vendor: "huawei-live",
        domain: "push.example.com",
        app: "live",
        stream: "s",
      });
      await first.simulator.idle();
      await first.json("/_mock/settings", "PATCH", { auth_ttl_seconds: 0 });
      first.store.close();

      const second = testMock({ store: new Store(file) });
      expect(((await (await second.app.request("/v1/p/record/callbacks")).json()) as { total: number }).total).toBe(1);
      expect(((await (await second.app.request("/_mock/sessions")).json()) as { total: number }).total).toBe(1);
      expect(((await (await second.app.request("/_mock/deliveries")).json()) as { total: number }).total).toBe(1);
      expect(second.store.settings.auth_ttl_seconds).toBe(0);
      second.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("config", () => {
  test("defaults, flags over env, auth needs credentials", () => {
    expect(loadConfig([], {})).toMatchObject({ port: 4010, host: "127.0.0.1", auth: false, data: undefined });
    expect(loadConfig(["--port", "5000"], { PORT: "6000" }).port).toBe(5000);
    expect(loadConfig([], { PORT: "6000" }).port).toBe(6000);
    expect(loadConfig(["--", "--port", "5001"], {}).port).toBe(5001);
    expect(
      loadConfig(["--auth", "on", "--data", "x.db"], { LIVEHOOK_MOCK_AK: "ak", LIVEHOOK_MOCK_SK: "sk" }),
    ).toMatchObject({ auth: true, data: "x.db", accessKeyId: "ak", accessKeySecret: "sk" });
    expect(() => loadConfig(["--auth", "on"], {})).toThrow();
    expect(() => loadConfig(["--auth", "maybe"], {})).toThrow();
    expect(() => loadConfig(["--port", "70000"], {})).toThrow();
    expect(() => loadConfig(["--bogus"], {})).toThrow();
  });

  test("USAGE describes every flag the command line accepts, and nothing it refuses", () => {
    expect(FLAG_NAMES.length).toBeGreaterThan(0);
    const described = [...USAGE.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    expect(described.sort()).toEqual([...FLAG_NAMES].sort());
    expect(wantsHelp(["--port", "4011", "-h"])).toBe(true);
    expect(wantsHelp(["--port", "4011"])).toBe(false);
  });

  test("--apig-lockout and --probe-callback-url are off unless given; a reset keeps what was given", () => {
    expect(loadConfig([], {})).toMatchObject({ apigLockout: false, probeCallbackUrl: false });
    expect(loadConfig(["--apig-lockout", "--probe-callback-url"], {})).toMatchObject({
      apigLockout: true,
      probeCallbackUrl: true,
    });
    const store = new Store(":memory:", { apig_lockout: true });
    expect([store.settings.apig_lockout, store.settings.probe_callback_url]).toEqual([true, false]);
    store.setSettings({ ...store.settings, apig_lockout: false, probe_callback_url: true });
    store.reset();
    expect([store.settings.apig_lockout, store.settings.probe_callback_url]).toEqual([true, false]);
    store.close();
  });
});

describe("body size", () => {
  test("bodies over 1 MiB get each API's 400, not a crash", async () => {
    const m = testMock();
    const big = "x".repeat(1024 * 1024 + 1);
    const live = await m.json("/v1/p/record/callbacks", "POST", big);
    expect(live.status).toBe(400);
    expect(((await live.json()) as { error_code: string }).error_code).toBe("LIVE.100011001");
    const rtc = await m.json("/v2/apps/5fcdf5651aaaaaa6f835d0d4/record-callback", "PUT", big);
    expect(((await rtc.json()) as { error_code: string }).error_code).toBe("RTC.00001003");
    const ali = await m.app.request("/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: big,
    });
    expect([ali.status, ((await ali.json()) as { Code: string }).Code]).toEqual([400, "InvalidParams"]);
    const admin = await m.json("/_mock/sessions", "POST", big);
    expect([admin.status, ((await admin.json()) as { error: string }).error]).toEqual([400, "invalid_request"]);
  });
});

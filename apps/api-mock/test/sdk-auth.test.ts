/**
 * The real vendor SDK packages drive the mock over a real 127.0.0.1 socket with `--auth on`: Huawei
 * `@huaweicloud/huaweicloud-sdk-core` (SDK-HMAC-SHA256), `@alicloud/pop-core` (RPC v1, GET query and POST form),
 * `@alicloud/openapi-client` (RPC v1 "v2" style with parameters in the query, and ACS3 with x-acs-action).
 * Signatures carry the real time, so this test runs the mock on the real clock.
 */

import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { testMock } from "./harness.js";

const require = createRequire(import.meta.url);
const { BasicCredentials } =
  require("@huaweicloud/huaweicloud-sdk-core") as typeof import("@huaweicloud/huaweicloud-sdk-core");
const { ClientBuilder } =
  require("@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js") as typeof import("@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js");
type HcClient = import("@huaweicloud/huaweicloud-sdk-core/HcClient.js").HcClient;
const RPCClient = require("@alicloud/pop-core") as typeof import("@alicloud/pop-core");
const OpenApi = require("@alicloud/openapi-client") as typeof import("@alicloud/openapi-client");

const AK = "QTWAOYTTINDUT2QVKYUC";
const SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const PROJECT = "0123456789abcdef0123456789abcdef";

let server: ReturnType<typeof serve>;
let port = 0;

beforeAll(async () => {
  // The Huawei SDK logs every failed call (a whole axios error) to the console; the assertions below say enough.
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation(() => undefined);
  }
  const m = testMock({ credentials: { accessKeyId: AK, accessKeySecret: SK }, realClock: true });
  server = serve({ fetch: m.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function huawei(sk = SK): HcClient {
  return new ClientBuilder<HcClient>((hc) => hc)
    .withCredential(new BasicCredentials().withAk(AK).withSk(sk).withProjectId(PROJECT))
    .withEndpoint(`http://127.0.0.1:${port}`)
    .build();
}

/** What the service SDK's LiveClient/CloudRTCClient ParamCreater builds, handed to HcClient.sendRequest. */
const request = (
  method: string,
  url: string,
  extra: { queryParams?: Record<string, unknown>; data?: object } = {},
) => ({
  method,
  url,
  contentType: "application/json",
  queryParams: extra.queryParams ?? {},
  pathParams: {},
  headers: {},
  ...(extra.data === undefined ? {} : { data: extra.data }),
});

describe("Huawei SDK core drives the mock with SDK-HMAC-SHA256", () => {
  test("create, list with app=* (sent unescaped), show, delete, SparkRTC GET/PUT", async () => {
    const client = huawei();
    const created = (await client.sendRequest(
      request("POST", "/v1/{project_id}/record/callbacks", {
        data: {
          publish_domain: "publish.example.com",
          app: "*",
          notify_callback_url: "https://mycallback.example.com/record_notify",
          notify_event_subscription: ["RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START"],
          sign_type: "HMACSHA256",
          key: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
        },
      }),
    )) as unknown as { httpStatusCode: number; id: string };
    expect(created.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^[0-9a-f]{32}$/);

    const list = (await client.sendRequest(
      request("GET", "/v1/{project_id}/record/callbacks", {
        queryParams: { publish_domain: "publish.example.com", app: "*", offset: 0, limit: 10 },
      }),
    )) as unknown as { httpStatusCode: number; total: number };
    expect(list.httpStatusCode).toBe(200);
    expect(list.total).toBe(1);

    const shown = (await client.sendRequest(
      request("GET", `/v1/{project_id}/record/callbacks/${created.id}`),
    )) as unknown as { app: string };
    expect(shown.app).toBe("*");

    const deleted = (await client.sendRequest(
      request("DELETE", `/v1/{project_id}/record/callbacks/${created.id}`),
    )) as unknown as { httpStatusCode: number };
    expect(deleted.httpStatusCode).toBe(204);

    const rtcPath = "/v2/apps/5fcdf5651aaaaaa6f835d0d4/record-callback";
    const put = (await client.sendRequest(
      request("PUT", rtcPath, {
        data: { url: "https://cb.example.com/rtc", auth_key: "0123456789abcdef0123456789abcdef" },
      }),
    )) as unknown as { httpStatusCode: number };
    expect(put.httpStatusCode).toBe(200);
    const got = (await client.sendRequest(request("GET", rtcPath))) as unknown as {
      record_callback: { url: string };
    };
    expect(got.record_callback.url).toBe("https://cb.example.com/rtc");
  });

  test("a wrong secret key gets 401 APIGW.0301", async () => {
    const err = await huawei("wrong-secret-key")
      .sendRequest(request("GET", "/v1/{project_id}/record/callbacks"))
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number; httpStatusCode?: number; errorCode?: string },
      );
    expect(err).toBeDefined();
    expect(err?.status ?? err?.httpStatusCode).toBe(401);
    expect(err?.errorCode).toBe("APIGW.0301");
  });

  test("an unsigned request gets 401 APIGW.0301", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/${PROJECT}/record/callbacks`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error_code: "APIGW.0301" });
  });
});

describe("Alibaba SDKs drive the mock", () => {
  const pop = (secret = SK) =>
    new RPCClient({
      endpoint: `http://127.0.0.1:${port}`,
      apiVersion: "2016-11-01",
      accessKeyId: AK,
      accessKeySecret: secret,
    });

  test("pop-core, GET query and POST form (RPC v1 HMAC-SHA1)", async () => {
    const client = pop();
    const add = await client.request<{ RequestId: string }>(
      "AddLiveRecordNotifyConfig",
      { DomainName: "pop.example.com", NotifyUrl: "http://127.0.0.1:4020/hooks/aliyun-live", NeedStatusNotify: true },
      { method: "POST" },
    );
    expect(add.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    const desc = await client.request<{ LiveRecordNotifyConfig: { NotifyUrl: string } }>(
      "DescribeLiveRecordNotifyConfig",
      { DomainName: "pop.example.com" },
      {},
    );
    expect(desc.LiveRecordNotifyConfig.NotifyUrl).toBe("http://127.0.0.1:4020/hooks/aliyun-live");
  });

  test("pop-core with a wrong secret gets SignatureDoesNotMatch; a wrong AK InvalidAccessKeyId.NotFound", async () => {
    const wrongSecret = await pop("nope")
      .request("DescribeLiveRecordNotifyConfig", { DomainName: "pop.example.com" }, {})
      .catch((e: { code?: string }) => e);
    expect((wrongSecret as { code?: string }).code).toBe("SignatureDoesNotMatch");
    const wrongAk = await new RPCClient({
      endpoint: `http://127.0.0.1:${port}`,
      apiVersion: "2016-11-01",
      accessKeyId: "UNKNOWNAK",
      accessKeySecret: SK,
    })
      .request("DescribeLiveRecordNotifyConfig", { DomainName: "pop.example.com" }, {})
      .catch((e: { code?: string }) => e);
    expect((wrongAk as { code?: string }).code).toBe("InvalidAccessKeyId.NotFound");
  });

  const openapi = (signatureAlgorithm?: string) =>
    new OpenApi.default(
      new OpenApi.Config({
        accessKeyId: AK,
        accessKeySecret: SK,
        endpoint: `127.0.0.1:${port}`,
        protocol: "http",
        ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
      }),
    );
  const call = (client: InstanceType<typeof OpenApi.default>, action: string, query: Record<string, string>) =>
    client.callApi(
      new OpenApi.Params({
        action,
        version: "2016-11-01",
        protocol: "HTTP",
        pathname: "/",
        method: "POST",
        authType: "AK",
        style: "RPC",
        reqBodyType: "formData",
        bodyType: "json",
      }),
      new OpenApi.OpenApiRequest({ query }),
      {} as never,
    );

  test.each([
    ["v2 (RPC v1 signature, parameters in the query)", "v2"],
    ["v3 (ACS3-HMAC-SHA256, x-acs-action)", undefined],
  ])("openapi-client %s", async (_name, algorithm) => {
    const client = openapi(algorithm);
    const domain = `oc-${algorithm ?? "v3"}.example.com`;
    const add = (await call(client, "AddLiveRecordNotifyConfig", {
      DomainName: domain,
      NotifyUrl: "http://127.0.0.1:4020/hooks/aliyun-live",
      NotifyReqAuth: "true",
      NotifyAuthKey: "k*ey with spaces",
    })) as { statusCode: number; body: { RequestId: string } };
    expect(add.statusCode).toBe(200);
    const desc = (await call(client, "DescribeLiveRecordNotifyConfig", { DomainName: domain })) as {
      body: { LiveRecordNotifyConfig: { DomainName: string; NotifyAuthKey: string } };
    };
    expect(desc.body.LiveRecordNotifyConfig).toMatchObject({ DomainName: domain, NotifyAuthKey: "" });
    const missing = await call(client, "DescribeLiveRecordNotifyConfig", { DomainName: "none.example.com" }).catch(
      (e: { code?: string; statusCode?: number; data?: { statusCode?: number } }) => e,
    );
    expect((missing as { code?: string }).code).toBe("InvalidConfig.NotFound");
  });
});

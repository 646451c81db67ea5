import {
  AliyunLiveAddLiveRecordNotifyConfigResponse,
  AliyunLiveDescribeLiveRecordNotifyConfigResponse,
  AliyunLiveDescribeLiveRecordNotifyRecordsResponse,
  AliyunLiveErrorResponse,
} from "@livehook/core";
import { describe, expect, test } from "vitest";
import { testMock } from "../../test/harness.js";

type Mock = ReturnType<typeof testMock>;
type Style = "query" | "form" | "acs3";

/** Sends an RPC action the way each SDK family does (§4.1). */
function rpc(m: Mock, style: Style, action: string, params: Record<string, string>) {
  if (style === "query") {
    const q = new URLSearchParams({ Action: action, Version: "2016-11-01", Format: "JSON", ...params });
    return m.app.request(`/?${q}`);
  }
  if (style === "form") {
    const body = new URLSearchParams({ Action: action, Version: "2016-11-01", Format: "JSON", ...params });
    return m.app.request("/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  }
  return m.app.request(`/?${new URLSearchParams(params)}`, {
    method: "POST",
    headers: { "x-acs-action": action, "x-acs-version": "2016-11-01", accept: "application/json" },
  });
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const err = AliyunLiveErrorResponse.parse(await res.json());
  expect(err.Code).toBe(code);
  expect(err.HostId).toBe("live.aliyuncs.com");
  expect(err.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
}

const DOMAIN = "play.example.com";

describe.each<Style>(["query", "form", "acs3"])("Alibaba recording-notify config (%s style)", (style) => {
  test("add, describe (key never echoed), update, delete", async () => {
    const m = testMock();
    const add = await rpc(m, style, "AddLiveRecordNotifyConfig", {
      DomainName: DOMAIN,
      NotifyUrl: "http://cb.example.com/ali",
      NeedStatusNotify: "true",
      NotifyReqAuth: "true",
      NotifyAuthKey: "secretkey",
    });
    expect(add.status).toBe(200);
    AliyunLiveAddLiveRecordNotifyConfigResponse.parse(await add.json());
    await expectError(
      await rpc(m, style, "AddLiveRecordNotifyConfig", { DomainName: DOMAIN, NotifyUrl: "http://x.example.com" }),
      400,
      "ConfigAlreadyExists",
    );
    const desc = AliyunLiveDescribeLiveRecordNotifyConfigResponse.parse(
      await (await rpc(m, style, "DescribeLiveRecordNotifyConfig", { DomainName: DOMAIN })).json(),
    );
    expect(desc.LiveRecordNotifyConfig).toEqual({
      DomainName: DOMAIN,
      NotifyUrl: "http://cb.example.com/ali",
      NeedStatusNotify: true,
      NotifyReqAuth: true,
      NotifyAuthKey: "",
    });
    expect(
      (
        await rpc(m, style, "UpdateLiveRecordNotifyConfig", {
          DomainName: DOMAIN,
          NotifyUrl: "https://new.example.com",
        })
      ).status,
    ).toBe(200);
    const after = AliyunLiveDescribeLiveRecordNotifyConfigResponse.parse(
      await (await rpc(m, style, "DescribeLiveRecordNotifyConfig", { DomainName: DOMAIN })).json(),
    );
    expect(after.LiveRecordNotifyConfig.NotifyUrl).toBe("https://new.example.com");
    expect(after.LiveRecordNotifyConfig.NeedStatusNotify).toBe(true);
    expect(m.store.getAliyun(DOMAIN)?.NotifyAuthKey).toBe("secretkey");
    expect((await rpc(m, style, "DeleteLiveRecordNotifyConfig", { DomainName: DOMAIN })).status).toBe(200);
    for (const action of ["DeleteLiveRecordNotifyConfig", "DescribeLiveRecordNotifyConfig"]) {
      await expectError(await rpc(m, style, action, { DomainName: DOMAIN }), 404, "InvalidConfig.NotFound");
    }
    await expectError(
      await rpc(m, style, "UpdateLiveRecordNotifyConfig", { DomainName: DOMAIN, NotifyUrl: "http://a.example.com" }),
      404,
      "InvalidConfig.NotFound",
    );
  });

  test("parameter errors carry a 4xx status and Code (D20)", async () => {
    const m = testMock();
    await expectError(
      await rpc(m, style, "AddLiveRecordNotifyConfig", { NotifyUrl: "http://x" }),
      400,
      "MissingDomainName",
    );
    await expectError(
      await rpc(m, style, "AddLiveRecordNotifyConfig", { DomainName: DOMAIN }),
      400,
      "MissingNotifyUrl",
    );
    await expectError(
      await rpc(m, style, "AddLiveRecordNotifyConfig", { DomainName: DOMAIN, NotifyUrl: "ftp://x" }),
      400,
      "InvalidParams",
    );
    await expectError(
      await rpc(m, style, "AddLiveRecordNotifyConfig", {
        DomainName: DOMAIN,
        NotifyUrl: "http://x",
        NeedStatusNotify: "yes",
      }),
      400,
      "MalformedParams",
    );
    await expectError(await rpc(m, style, "NoSuchAction", {}), 404, "InvalidAction.NotFound");
  });
});

describe("Alibaba transport rules", () => {
  test("missing action, wrong version, unknown domain (D19), throttling (D16), injected 5xx", async () => {
    const m = testMock();
    await expectError(await m.app.request("/"), 400, "MissingAction");
    await expectError(
      await m.app.request("/?Action=DescribeLiveRecordNotifyConfig&Version=2014-01-01&DomainName=a.example.com"),
      400,
      "InvalidVersion",
    );
    m.store.addDomain("aliyun-live", "known.example.com");
    await expectError(
      await rpc(m, "query", "DescribeLiveRecordNotifyConfig", { DomainName: DOMAIN }),
      404,
      "InvalidDomain.NotFound",
    );
    m.store.setSettings({ ...m.store.settings, throttling: { ...m.store.settings.throttling, enabled: true } });
    for (let i = 0; i < 50; i++) {
      await expectError(
        await rpc(m, "query", "DescribeLiveRecordNotifyConfig", { DomainName: "known.example.com" }),
        404,
        "InvalidConfig.NotFound",
      );
    }
    await expectError(
      await rpc(m, "query", "DescribeLiveRecordNotifyConfig", { DomainName: "known.example.com" }),
      400,
      "Throttling.User",
    );
    m.advance(1000);
    m.store.setFaults({ api_error_rate: 1 });
    await expectError(
      await rpc(m, "query", "DescribeLiveRecordNotifyConfig", { DomainName: DOMAIN }),
      500,
      "InternalError",
    );
  });

  test("DescribeLiveRecordNotifyRecords: time window, page rules, records from real deliveries", async () => {
    const seen: string[] = [];
    const m = testMock({
      fetch: async (_url, init) => {
        seen.push(String(init?.body));
        return new Response('{"Code":0,"Msg":"Success"}', { status: seen.length === 2 ? 404 : 200 });
      },
    });
    await rpc(m, "query", "AddLiveRecordNotifyConfig", {
      DomainName: DOMAIN,
      NotifyUrl: "http://127.0.0.1:4020/hooks/aliyun-live",
      NeedStatusNotify: "true",
    });
    const created = await m.json("/_mock/sessions", "POST", {
      vendor: "aliyun-live",
      domain: DOMAIN,
      app: "live",
      stream: "s1",
      segments: 2,
    });
    expect(created.status).toBe(201);
    await m.simulator.idle();
    const window = { DomainName: DOMAIN, StartTime: "2026-02-28T00:00:00Z", EndTime: "2026-03-02T00:00:00Z" };
    const res = await rpc(m, "query", "DescribeLiveRecordNotifyRecords", window);
    expect(res.status).toBe(200);
    const page = AliyunLiveDescribeLiveRecordNotifyRecordsResponse.parse(await res.json());
    expect(page).toMatchObject({ Code: 0, Msg: "ok", PageNum: 1, PageSize: 20, TotalNum: 4, TotalPage: 1 });
    expect(page.CallbackList.map((r) => r.NotifyType).sort()).toEqual([
      "file_created",
      "file_created",
      "record_paused",
      "record_started",
    ]);
    // Alibaba fails a 4xx at once (D11): the second delivery is failed after one attempt.
    const failed = page.CallbackList.filter((r) => r.NotifyResult === "failed");
    expect(failed).toHaveLength(1);
    expect(seen).toContain(failed[0]?.NotifyContent);
    const paged = AliyunLiveDescribeLiveRecordNotifyRecordsResponse.parse(
      await (
        await rpc(m, "form", "DescribeLiveRecordNotifyRecords", {
          ...window,
          PageSize: "2",
          PageNumber: "2",
          Status: "success",
        })
      ).json(),
    );
    expect(paged).toMatchObject({ PageNum: 2, PageSize: 2, TotalNum: 3, TotalPage: 2 });
    expect(paged.CallbackList).toHaveLength(1);

    const bad: [Record<string, string>, string][] = [
      [{ ...window, EndTime: window.StartTime }, "InvalidParams"],
      [{ ...window, StartTime: "2026-02-20T00:00:00Z" }, "InvalidParams"],
      [{ ...window, StartTime: "yesterday" }, "InvalidParams"],
      [{ ...window, PageSize: "501" }, "InvalidParams"],
      [{ ...window, PageSize: "0" }, "InvalidParams"],
      [{ ...window, PageNumber: "100001" }, "InvalidParams"],
      [{ ...window, PageNumber: "x" }, "MalformedParams"],
      [{ DomainName: DOMAIN, EndTime: window.EndTime }, "MissingStartTime"],
      [{ DomainName: DOMAIN, StartTime: window.StartTime }, "MissingEndTime"],
    ];
    for (const [params, code] of bad) {
      await expectError(await rpc(m, "query", "DescribeLiveRecordNotifyRecords", params), 400, code);
    }
  });
});

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  ALIYUN_LIVE_ERROR_CODE_VALUES,
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
  return err;
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
      [{ ...window, PageSize: "" }, "MalformedParams"],
    ];
    for (const [params, code] of bad) {
      await expectError(await rpc(m, "query", "DescribeLiveRecordNotifyRecords", params), 400, code);
    }
  });
});

/** Every required parameter of each action (the `required` lists of core's aliyun-live.yaml), with a good value. */
const REQUIRED: Record<string, Record<string, string>> = {
  AddLiveRecordNotifyConfig: { DomainName: DOMAIN, NotifyUrl: "http://cb.example.com/ali" },
  UpdateLiveRecordNotifyConfig: { DomainName: DOMAIN, NotifyUrl: "http://cb.example.com/ali" },
  DescribeLiveRecordNotifyConfig: { DomainName: DOMAIN },
  DeleteLiveRecordNotifyConfig: { DomainName: DOMAIN },
  DescribeLiveRecordNotifyRecords: {
    DomainName: DOMAIN,
    StartTime: "2026-02-28T00:00:00Z",
    EndTime: "2026-03-01T00:00:00Z",
  },
};

describe("Alibaba missing parameters (D22)", () => {
  const cases = Object.entries(REQUIRED).flatMap(([action, params]) =>
    Object.keys(params).map((name): [string, string, Record<string, string>] => [action, name, params]),
  );

  test("the cases are exactly the document's required parameters, and both codes are in its error enum", () => {
    type Doc = { components: { schemas: Record<string, { required: string[] }> } };
    const path = createRequire(import.meta.url).resolve("@livehook/core/openapi/aliyun-live.json");
    const doc = JSON.parse(readFileSync(path, "utf8")) as Doc;
    for (const [action, params] of Object.entries(REQUIRED)) {
      const required = doc.components.schemas[`AliyunLive${action}Request`]?.required ?? [];
      expect(Object.keys(params)).toEqual(required.filter((name) => name !== "Action" && name !== "Version"));
      for (const name of Object.keys(params)) expect(ALIYUN_LIVE_ERROR_CODE_VALUES).toContain(`Missing${name}`);
    }
    expect(ALIYUN_LIVE_ERROR_CODE_VALUES).toContain("MissingParams");
  });

  test.each(cases)("%s without %s: the gateway's 400 Missing{Param}", async (action, name, params) => {
    const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== name));
    for (const style of ["query", "form", "acs3"] as const) {
      const err = await expectError(await rpc(testMock(), style, action, rest), 400, `Missing${name}`);
      expect(err.Message).toBe(`${name} is mandatory for this action.`);
    }
  });

  test.each(cases)("%s with an empty %s: the action's 400 MissingParams", async (action, name, params) => {
    for (const style of ["query", "form", "acs3"] as const) {
      const err = await expectError(
        await rpc(testMock(), style, action, { ...params, [name]: "" }),
        400,
        "MissingParams",
      );
      expect(err.Message).toContain(name);
    }
  });

  test("the issue's probe: StartTime= gets MissingParams naming StartTime", async () => {
    const res = await testMock().app.request(
      "/?Action=DescribeLiveRecordNotifyRecords&Version=2016-11-01&DomainName=ali.example.com&StartTime=&EndTime=2026-03-01T00:00:00Z",
    );
    const err = await expectError(res, 400, "MissingParams");
    expect(err.Message).toBe("The parameter StartTime is mandatory and cannot be empty.");
  });

  test("the gateway runs first: an absent parameter wins over an empty one, whatever their order", async () => {
    const m = testMock();
    await expectError(
      await rpc(m, "query", "DescribeLiveRecordNotifyRecords", { DomainName: DOMAIN, StartTime: "" }),
      400,
      "MissingEndTime",
    );
    await expectError(await rpc(m, "query", "AddLiveRecordNotifyConfig", { DomainName: "" }), 400, "MissingNotifyUrl");
  });

  test("a value that is present and not empty, but bad, is InvalidParams, not a missing parameter", async () => {
    const m = testMock();
    await expectError(
      await rpc(m, "query", "DescribeLiveRecordNotifyRecords", {
        ...REQUIRED.DescribeLiveRecordNotifyRecords,
        StartTime: " ",
      }),
      400,
      "InvalidParams",
    );
    await expectError(
      await rpc(m, "query", "AddLiveRecordNotifyConfig", { DomainName: DOMAIN, NotifyUrl: "ftp://x" }),
      400,
      "InvalidParams",
    );
  });
});

describe("Alibaba record times compare in whole seconds, both ends inclusive (D23)", () => {
  // The record is sent at 15:05:24.383 and shown as 15:05:24Z.
  const SENT = new Date("2026-03-01T15:05:24.383Z");

  async function oneRecord() {
    const m = testMock({ now: SENT });
    await rpc(m, "query", "AddLiveRecordNotifyConfig", {
      DomainName: DOMAIN,
      NotifyUrl: "http://127.0.0.1:4020/hooks/aliyun-live",
      NeedStatusNotify: "true",
    });
    // A session that only starts and ends sends one status callback, record_started, at once.
    const created = await m.json("/_mock/sessions", "POST", {
      vendor: "aliyun-live",
      domain: DOMAIN,
      app: "live",
      stream: "edge",
      segments: 1,
    });
    expect(created.status).toBe(201);
    await m.simulator.idle();
    const records = async (StartTime: string, EndTime: string) => {
      const res = await rpc(m, "query", "DescribeLiveRecordNotifyRecords", { DomainName: DOMAIN, StartTime, EndTime });
      expect(res.status).toBe(200);
      return AliyunLiveDescribeLiveRecordNotifyRecordsResponse.parse(await res.json()).CallbackList;
    };
    return { m, records };
  }

  test("a record sent at .383 of the EndTime second is included, and so is one at the StartTime second", async () => {
    const { m, records } = await oneRecord();
    const all = await records("2026-03-01T00:00:00Z", "2026-03-01T23:59:59Z");
    const started = all.find((r) => r.NotifyType === "record_started");
    expect(started?.NotifyTime).toBe("2026-03-01T15:05:24Z");
    // The edge is real: the stored send time has milliseconds past the shown second.
    const stored = m.store.aliyunRecords({
      domain: DOMAIN,
      fromMs: 0,
      toMs: Number.MAX_SAFE_INTEGER,
      limit: 50,
      offset: 0,
    });
    const sentAt = stored.items.find((r) => r.notifyType === "record_started")?.delivery.attempts.at(-1)?.started_at;
    expect(sentAt).toBe("2026-03-01T15:05:24.383Z");

    const types = (list: { NotifyType: string }[]) => list.map((r) => r.NotifyType);
    expect(types(await records("2026-03-01T15:00:00Z", "2026-03-01T15:05:24Z"))).toContain("record_started");
    expect(types(await records("2026-03-01T15:05:24Z", "2026-03-01T15:10:00Z"))).toContain("record_started");
    // One second either side leaves it out.
    expect(types(await records("2026-03-01T15:00:00Z", "2026-03-01T15:05:23Z"))).not.toContain("record_started");
    expect(types(await records("2026-03-01T15:05:25Z", "2026-03-01T15:10:00Z"))).not.toContain("record_started");
    // A fraction in a bound (tolerated, D3) is dropped, not rounded: .999 still ends at second 24, .001 starts there.
    expect(types(await records("2026-03-01T15:00:00Z", "2026-03-01T15:05:24.001Z"))).toContain("record_started");
    expect(types(await records("2026-03-01T15:05:24.999Z", "2026-03-01T15:10:00Z"))).toContain("record_started");
  });

  test("polling in slices from the last NotifyTime seen skips nothing", async () => {
    const { records } = await oneRecord();
    const first = await records("2026-03-01T15:00:00Z", "2026-03-01T15:05:24Z");
    const last = first[0]?.NotifyTime;
    expect(last).toBe("2026-03-01T15:05:24Z");
    const next = await records(last ?? "", "2026-03-01T15:30:00Z");
    expect(next.map((r) => r.NotifyType)).toContain("record_started");
  });

  test("EndTime must be a later second than StartTime; the 7-day limit is counted in seconds too", async () => {
    const m = testMock({ now: SENT });
    const query = (StartTime: string, EndTime: string) =>
      rpc(m, "query", "DescribeLiveRecordNotifyRecords", { DomainName: DOMAIN, StartTime, EndTime });
    await expectError(await query("2026-03-01T15:05:24Z", "2026-03-01T15:05:24.900Z"), 400, "InvalidParams");
    expect((await query("2026-03-01T15:05:24Z", "2026-03-01T15:05:25Z")).status).toBe(200);
    // Seven days before 15:05:24.383 is shown as 15:05:24: that second may still be queried, the one before not.
    expect((await query("2026-02-22T15:05:24Z", "2026-03-01T15:05:25Z")).status).toBe(200);
    await expectError(await query("2026-02-22T15:05:23Z", "2026-03-01T15:05:25Z"), 400, "InvalidParams");
  });
});

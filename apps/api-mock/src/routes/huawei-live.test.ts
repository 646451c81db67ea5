import {
  HuaweiLiveErrorResponse,
  HuaweiLiveListRecordCallbackConfigsResponse,
  HuaweiLiveRecordCallbackConfig,
} from "@livehook/core";
import { describe, expect, test } from "vitest";
import { HUAWEI_REQUEST_ID, T0, testMock } from "../../test/harness.js";

const PROJECT = "0123456789abcdef0123456789abcdef";
const BASE = `/v1/${PROJECT}/record/callbacks`;
const KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const body = (over: Record<string, unknown> = {}) => ({
  publish_domain: "publish.example.com",
  app: "live",
  notify_callback_url: "https://mycallback.example.com/record_notify",
  key: KEY,
  ...over,
});

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
  const parsed = HuaweiLiveErrorResponse.parse(await res.json());
  expect(parsed.error_code).toBe(code);
}

describe("Huawei Live recording-callback CRUD", () => {
  test("create answers 201 with defaults, server times, an id and never the key", async () => {
    const m = testMock();
    const res = await m.json(BASE, "POST", body());
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
    const json = await res.json();
    // The schema fills in the page's defaults, so the reply itself must carry them (the mock always sends both).
    expect(json).toMatchObject({ notify_event_subscription: ["RECORD_FILE_COMPLETE"], sign_type: "HMACSHA256" });
    const cfg = HuaweiLiveRecordCallbackConfig.parse(json);
    expect(cfg.id).toMatch(/^[0-9a-f]{32}$/);
    expect(cfg.notify_event_subscription).toEqual(["RECORD_FILE_COMPLETE"]);
    expect(cfg.sign_type).toBe("HMACSHA256");
    expect(cfg.create_time).toBe("2026-03-01T00:00:00Z");
    expect(cfg.update_time).toBe("2026-03-01T00:00:00Z");
    expect(json).not.toHaveProperty("key");
    expect(JSON.stringify(json)).not.toContain(KEY);
    expect(res.headers.get("content-type")).toBe("application/json");
    // The reply is the stored API form; the stored row adds the project and the key (used to sign callbacks).
    const shown = await (await m.app.request(`${BASE}/${cfg.id}`)).json();
    expect(shown).toEqual(json);
    expect(m.store.getHuaweiLive(PROJECT, cfg.id)).toEqual({ ...cfg, project_id: PROJECT, key: KEY });
    // Ids start with the creation time in ms (time-ordered, D4 shape kept).
    expect(cfg.id.slice(0, 12)).toBe(T0.getTime().toString(16).padStart(12, "0"));
  });

  test("one config per (domain, app): a duplicate gets 400 LIVE.103011018; ** is a literal app (D2)", async () => {
    const m = testMock();
    expect((await m.json(BASE, "POST", body())).status).toBe(201);
    await expectError(await m.json(BASE, "POST", body()), 400, "LIVE.103011018");
    expect((await m.json(BASE, "POST", body({ app: "*" }))).status).toBe(201);
    expect((await m.json(BASE, "POST", body({ app: "**" }))).status).toBe(201);
  });

  test.each([
    ["missing app", { app: undefined }],
    ["empty domain", { publish_domain: "" }],
    ["bad domain", { publish_domain: "not a domain" }],
    ["url with a query", { notify_callback_url: "https://x.example.com/a?b=1" }],
    ["ftp url", { notify_callback_url: "ftp://x.example.com/a" }],
    ["unknown event", { notify_event_subscription: ["RECORD_WHATEVER"] }],
    ["RECORD_START without consoleParity (D1)", { notify_event_subscription: ["RECORD_START"] }],
    ["bad sign type", { sign_type: "SHA1" }],
    ["short key (D5)", { key: "abc" }],
    ["key with symbols (D5)", { key: `${KEY}!` }],
  ])("create rejects %s with 400 LIVE.100011001", async (_name, over) => {
    const m = testMock();
    await expectError(await m.json(BASE, "POST", body(over)), 400, "LIVE.100011001");
  });

  test("publish_domain: create and update take a domain name of up to 253 characters; list takes the page's 1–255", async () => {
    // Labels of 63 characters, the DNS maximum, so only the total length is at stake.
    const domainOf = (length: number) =>
      `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(length - 192)}`;
    const longest = domainOf(253);
    expect(longest).toHaveLength(253);
    const m = testMock();
    const created = await m.json(BASE, "POST", body({ publish_domain: longest }));
    expect(created.status).toBe(201);
    const cfg = HuaweiLiveRecordCallbackConfig.parse(await created.json());
    expect(cfg.publish_domain).toBe(longest);
    for (const length of [254, 255]) {
      await expectError(await m.json(BASE, "POST", body({ publish_domain: domainOf(length) })), 400, "LIVE.100011001");
      await expectError(
        await m.json(`${BASE}/${cfg.id}`, "PUT", body({ publish_domain: domainOf(length) })),
        400,
        "LIVE.100011001",
      );
    }

    const list = async (publishDomain: string) => m.app.request(`${BASE}?publish_domain=${publishDomain}`);
    const found = HuaweiLiveListRecordCallbackConfigsResponse.parse(await (await list(longest)).json());
    expect(found.callback_config.map((c) => c.id)).toEqual([cfg.id]);
    // 254 and 255 are inside the list page's range: a valid filter that no config can match.
    for (const length of [254, 255]) {
      const res = await list(domainOf(length));
      expect(res.status).toBe(200);
      expect(HuaweiLiveListRecordCallbackConfigsResponse.parse(await res.json())).toEqual({
        total: 0,
        callback_config: [],
      });
    }
    await expectError(await list(domainOf(256)), 400, "LIVE.100011001");
  });

  test("malformed JSON and a wrong media type are rejected", async () => {
    const m = testMock();
    await expectError(await m.json(BASE, "POST", "{nope"), 400, "LIVE.100011001");
    const res = await m.app.request(BASE, { method: "POST", body: JSON.stringify(body()) });
    await expectError(res, 400, "LIVE.100011012");
  });

  test("consoleParity accepts RECORD_START; strictKeys off accepts any key", async () => {
    const m = testMock();
    m.store.setSettings({ ...m.store.settings, console_parity: true, strict_keys: false });
    const res = await m.json(BASE, "POST", body({ key: "short", notify_event_subscription: ["RECORD_START"] }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { notify_event_subscription: string[] }).notify_event_subscription).toEqual([
      "RECORD_START",
    ]);
  });

  test("list: filters, total of all matches, pagination defaults and ranges, create_time order", async () => {
    const m = testMock();
    for (let i = 0; i < 12; i++) {
      m.advance(1000);
      expect((await m.json(BASE, "POST", body({ app: `app${i}` }))).status).toBe(201);
    }
    m.advance(1000);
    await m.json(BASE, "POST", body({ app: "*" }));
    const res = await m.app.request(BASE);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
    const page = HuaweiLiveListRecordCallbackConfigsResponse.parse(await res.json());
    expect(page.total).toBe(13);
    expect(page.callback_config).toHaveLength(10);
    expect(page.callback_config.map((c) => c.app).slice(0, 3)).toEqual(["app0", "app1", "app2"]);
    const second = HuaweiLiveListRecordCallbackConfigsResponse.parse(
      await (await m.app.request(`${BASE}?offset=10&limit=100`)).json(),
    );
    expect(second.callback_config.map((c) => c.app)).toEqual(["app10", "app11", "*"]);
    const wildcard = HuaweiLiveListRecordCallbackConfigsResponse.parse(
      await (await m.app.request(`${BASE}?publish_domain=publish.example.com&app=*&offset=0&limit=10`)).json(),
    );
    expect(wildcard.total).toBe(1);
    expect(wildcard.callback_config[0]?.app).toBe("*");
    const bad = ["limit=0", "limit=101", "offset=-1", "offset=4097", "limit=abc", "app=", "publish_domain="];
    for (const q of [...bad, "limit=1.5", "limit=1e1", "limit=+5", "limit=", "offset=0x10", "limit=9999999999"]) {
      await expectError(await m.app.request(`${BASE}?${q}`), 400, "LIVE.100011001");
    }
    // Query text becomes integers before core's HuaweiLiveListRecordCallbackConfigsQuery parses it; unknown names
    // are ignored and the first value of a repeated name wins.
    const converted = HuaweiLiveListRecordCallbackConfigsResponse.parse(
      await (await m.app.request(`${BASE}?limit=2&limit=abc&offset=007&unknown=1&__proto__=x`)).json(),
    );
    expect(converted.callback_config.map((c) => c.app)).toEqual(["app7", "app8"]);
    // Another project sees nothing.
    const other = await (await m.app.request("/v1/otherproject/record/callbacks")).json();
    expect(other).toEqual({ total: 0, callback_config: [] });
  });

  test("show, update (D13) and delete with the vendor's statuses (D10)", async () => {
    const m = testMock();
    const created = HuaweiLiveRecordCallbackConfig.parse(await (await m.json(BASE, "POST", body())).json());
    const url = `${BASE}/${created.id}`;
    expect(HuaweiLiveRecordCallbackConfig.parse(await (await m.app.request(url)).json())).toEqual(created);
    await expectError(await m.app.request(`${BASE}/ffffffffffffffffffffffffffffffff`), 404, "LIVE.100011001");

    m.advance(5000);
    const upd = await m.json(url, "PUT", {
      publish_domain: "publish.example.com",
      app: "live2",
      notify_event_subscription: ["RECORD_OVER"],
      sign_type: "MD5",
    });
    expect(upd.status).toBe(200);
    const updated = HuaweiLiveRecordCallbackConfig.parse(await upd.json());
    expect(updated).toMatchObject({ app: "live2", sign_type: "MD5", create_time: created.create_time });
    expect(updated.update_time).toBe("2026-03-01T00:00:05Z");
    expect(updated.notify_callback_url).toBeUndefined();
    // D13: an omitted key keeps the stored one, "" clears it.
    expect(m.store.getHuaweiLive("0123456789abcdef0123456789abcdef", created.id)?.key).toBe(KEY);
    await m.json(url, "PUT", body({ app: "live2", key: "" }));
    expect(m.store.getHuaweiLive("0123456789abcdef0123456789abcdef", created.id)?.key).toBeUndefined();

    await expectError(await m.json(url, "PUT", body({ publish_domain: "other.example.com" })), 400, "LIVE.100011001");
    await m.json(BASE, "POST", body({ app: "taken" }));
    await expectError(await m.json(url, "PUT", body({ app: "taken" })), 400, "LIVE.103011018");
    await expectError(await m.json(`${BASE}/nope`, "PUT", body()), 400, "LIVE.100011001");

    const del = await m.app.request(url, { method: "DELETE", headers: { "content-type": "application/json" } });
    expect(del.status).toBe(204);
    expect(del.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
    expect(await del.text()).toBe("");
    await expectError(await m.app.request(url, { method: "DELETE" }), 400, "LIVE.100011001");
  });

  test("an unsupported method is 400 LIVE.100011011; an unknown path is the gateway's 404", async () => {
    const m = testMock();
    await expectError(await m.app.request(BASE, { method: "PATCH" }), 400, "LIVE.100011011");
    const res = await m.app.request("/v1/p/record/callback/abc", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
  });

  test("with a domain list, an unknown domain is 400 LIVE.100011001 (D19)", async () => {
    const m = testMock();
    m.store.addDomain("huawei-live", "known.example.com");
    await expectError(await m.json(BASE, "POST", body()), 400, "LIVE.100011001");
    expect((await m.json(BASE, "POST", body({ publish_domain: "known.example.com" }))).status).toBe(201);
  });

  test("throttling is off by default and answers 429 APIG.0308 when on (D16)", async () => {
    const m = testMock();
    for (let i = 0; i < 400; i++) expect((await m.app.request(BASE)).status).toBe(200);
    m.store.setSettings({
      ...m.store.settings,
      throttling: { ...m.store.settings.throttling, enabled: true, huawei_live_per_minute: 2 },
    });
    expect((await m.app.request(BASE)).status).toBe(200);
    expect((await m.app.request(BASE)).status).toBe(200);
    const res = await m.app.request(BASE);
    expect(res.status).toBe(429);
    // The gateway's body repeats the first 32 characters of the reply's X-request-id.
    const requestId = res.headers.get("x-request-id") ?? "";
    expect(requestId).toMatch(HUAWEI_REQUEST_ID);
    expect(await res.json()).toEqual({
      error_code: "APIG.0308",
      error_msg: "The throttling threshold has been reached",
      request_id: requestId.slice(0, 32),
    });
    // Each method and route has its own budget.
    expect((await m.json(BASE, "POST", body())).status).toBe(201);
    m.advance(60_000);
    expect((await m.app.request(BASE)).status).toBe(200);
  });

  test("the api_error_rate fault answers the vendor's 5xx", async () => {
    const m = testMock();
    m.store.setFaults({ api_error_rate: 1 });
    await expectError(await m.app.request(BASE), 500, "LIVE.103011021");
    const create = await m.json(BASE, "POST", body());
    expect(create.status).toBe(500);
    expect(await create.json()).toEqual({ error_code: "LIVE.103011021", error_msg: "Database access failure" });
    expect(m.store.listHuaweiLive(PROJECT, {}, 0, 10).total).toBe(0);
  });
});

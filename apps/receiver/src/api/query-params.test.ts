import { afterEach, describe, expect, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, post, STORE_KINDS, signedHuaweiLive } from "../../test/helpers.js";
import type { EventStore } from "../store/types.js";

describe.each(STORE_KINDS)("query parameters on $kind", ({ open }) => {
  let opened: { store: EventStore; cleanup: () => Promise<void> } | undefined;
  afterEach(async () => {
    await opened?.store.close();
    await opened?.cleanup();
    opened = undefined;
  });

  async function receiver() {
    opened = await open();
    const r = await makeReceiver({ store: opened.store });
    expect((await post(r.app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()))).status).toBe(200);
    return r;
  }

  const problem = async (res: Response | Promise<Response>) => {
    const answer = await res;
    return { status: answer.status, body: await answer.json() };
  };
  const invalid = (parameter: string, reason: string) => ({
    status: 400,
    body: { error: "invalid_parameter", parameter, reason },
  });

  test("substring filters are validated like the others and find events through the API, wildcards escaped", async () => {
    const { app } = await receiver();
    expect(await problem(app.request("/api/events?streamContains=a%00b"))).toEqual(
      invalid("streamContains", "control_character"),
    );
    expect(await problem(app.request("/api/events?eventTypeContains="))).toEqual(invalid("eventTypeContains", "empty"));
    expect(await problem(app.request(`/api/events?appContains=${"a".repeat(257)}`))).toEqual(
      invalid("appContains", "too_long"),
    );
    const ids = async (query: string) =>
      ((await (await app.request(`/api/events?${query}`)).json()) as { events: unknown[] }).events.length;
    expect(await ids("eventTypeContains=file_comp&streamContains=STREAM&domainContains=example")).toBe(1);
    expect(await ids("eventTypeContains=%25")).toBe(0);
    expect(await ids("appContains=_")).toBe(0);
  });

  test("NUL bytes and other control characters are a 400 naming the parameter, never a store error", async () => {
    const { app } = await receiver();
    expect(await problem(app.request("/api/events?eventType=%00"))).toEqual(invalid("eventType", "control_character"));
    expect(await problem(app.request("/api/events?stream=a%00b"))).toEqual(invalid("stream", "control_character"));
    expect(await problem(app.request("/api/events?domain=a%0Ab"))).toEqual(invalid("domain", "control_character"));
    expect(await problem(app.request("/api/events?app=%7F"))).toEqual(invalid("app", "control_character"));
    expect(await problem(app.request("/api/events?session=a%00b"))).toEqual(invalid("session", "control_character"));
    expect(await problem(app.request("/api/sessions?session=a%00b"))).toEqual(invalid("session", "control_character"));
    // The store still answers afterwards: nothing broke a connection or a transaction.
    expect((await app.request("/api/events?eventType=RECORD_FILE_COMPLETE")).status).toBe(200);
  });

  test("over-long, empty and repeated values", async () => {
    const { app } = await receiver();
    expect(await problem(app.request(`/api/events?stream=${"s".repeat(257)}`))).toEqual(invalid("stream", "too_long"));
    expect((await app.request(`/api/events?stream=${"s".repeat(256)}`)).status).toBe(200);
    expect(await problem(app.request("/api/events?app="))).toEqual(invalid("app", "empty"));
    expect(await problem(app.request("/api/events?vendor=huawei-live&vendor=aliyun-live"))).toEqual(
      invalid("vendor", "repeated"),
    );
    expect(await problem(app.request("/api/sessions?session=%ED%A0%80"))).toEqual(
      // Not UTF-8, so Hono keeps the percent-encoded text, which is a valid (if useless) filter.
      { status: 200, body: { sessions: [] } },
    );
  });

  test("bad numbers, times, ids and enumerations", async () => {
    const { app } = await receiver();
    expect(await problem(app.request("/api/events?limit=abc"))).toEqual(invalid("limit", "not_an_integer"));
    expect(await problem(app.request("/api/events?limit=1e2"))).toEqual(invalid("limit", "not_an_integer"));
    expect(await problem(app.request("/api/events?limit=0"))).toEqual(invalid("limit", "out_of_range"));
    expect(await problem(app.request("/api/events?limit=501"))).toEqual(invalid("limit", "out_of_range"));
    expect(await problem(app.request("/api/events?limit=99999999"))).toEqual(invalid("limit", "not_an_integer"));
    expect(await problem(app.request("/api/events?cursor=-1"))).toEqual(invalid("cursor", "not_an_id"));
    expect(await problem(app.request("/api/events?after=9999999999999999"))).toEqual(invalid("after", "not_an_id"));
    expect(await problem(app.request("/api/events?since=yesterday"))).toEqual(invalid("since", "not_a_time"));
    expect(await problem(app.request("/api/events?until=%00"))).toEqual(invalid("until", "not_a_time"));
    expect(await problem(app.request("/api/events?vendor=acme"))).toEqual(invalid("vendor", "unknown_vendor"));
    expect(await problem(app.request("/api/events?verdict=maybe"))).toEqual(invalid("verdict", "unknown_verdict"));
    expect(await problem(app.request("/api/sessions?scan=20001"))).toEqual(invalid("scan", "out_of_range"));
    expect(await problem(app.request("/api/rejections?cursor=x"))).toEqual(invalid("cursor", "not_an_id"));
    expect(await problem(app.request("/api/rejections?vendor=%00"))).toEqual(invalid("vendor", "unknown_vendor"));
    expect(await problem(app.request("/api/events/stream?after=%00"))).toEqual(invalid("after", "not_an_id"));
    expect(await problem(app.request("/api/events/stream", { headers: { "last-event-id": "x1" } }))).toEqual(
      invalid("Last-Event-ID", "not_an_id"),
    );
    expect(await problem(app.request("/api/events/%00"))).toEqual(invalid("id", "not_an_id"));
    expect(await problem(app.request("/api/events/12345678901234567"))).toEqual(invalid("id", "not_an_id"));
    expect(await problem(app.request("/api/events/999"))).toEqual({ status: 404, body: { error: "not_found" } });
  });

  test("valid parameters still filter, with the documented defaults", async () => {
    const { app } = await receiver();
    const since = encodeURIComponent("2026-02-28T00:00:00Z");
    const res = await app.request(`/api/events?vendor=huawei-live&since=${since}&until=9999999999999&limit=5`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { events: unknown[] }).events).toHaveLength(1);
    expect((await app.request("/api/sessions?scan=10&vendor=huawei-live")).status).toBe(200);
    expect((await app.request("/api/rejections?vendor=huawei-rtc&cursor=10")).status).toBe(200);
    expect((await app.request("/api/events/1")).status).toBe(200);
  });
});

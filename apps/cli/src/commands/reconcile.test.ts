import { describe, expect, test } from "vitest";
import { testContext } from "../../test/cli-harness.js";
import { reconcile } from "./reconcile.js";

const MOCK = "http://mock.test";
const RECEIVER = "http://receiver.test";
const START = JSON.stringify({ event_type: "RECORD_NEW_FILE_START", job_id: "j1", app_id: "a", record_format: "HLS" });
const COMPLETE = JSON.stringify({ event_type: "RECORD_FILE_COMPLETE", job_id: "j1", download_url: "https://x/1.m3u8" });

type Sent = { id: string; body: string; status?: string; duplicate_of?: string };
const delivery = (d: Sent) => ({
  id: d.id,
  session_id: "s1",
  vendor: "huawei-rtc",
  event_type: JSON.parse(d.body).event_type,
  app: "a",
  stream: "st",
  url: `${RECEIVER}/hooks/huawei-rtc`,
  status: d.status ?? "success",
  attempts: [],
  body: d.body,
  headers: {},
  created_at: "2026-03-01T00:00:00.000Z",
  updated_at: "2026-03-01T00:00:00.000Z",
  ...(d.duplicate_of === undefined ? {} : { duplicate_of: d.duplicate_of }),
});

/** A mock that sent `sent` and a receiver that stored `stored` (bodies), behind one fake fetch. */
function world(sent: Sent[], stored: string[]) {
  const events = stored.map((body, i) => ({
    id: i + 1,
    vendor: "huawei-rtc",
    receivedAt: "2026-03-01T00:00:01.000Z",
    eventType: JSON.parse(body).event_type,
    domain: null,
    app: "a",
    stream: "st",
    sessionKey: null,
    verdict: "verified",
    valid: true,
    duplicates: 0,
  }));
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input));
    const json = (value: unknown) =>
      new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
    if (url.origin === MOCK && url.pathname === "/_mock/deliveries") {
      return json({ total: sent.length, deliveries: sent.map(delivery) });
    }
    if (url.origin === RECEIVER && url.pathname === "/api/events") return json({ events, nextCursor: null });
    const detail = /^\/api\/events\/(\d+)$/.exec(url.pathname);
    if (url.origin === RECEIVER && detail) {
      const id = Number(detail[1]);
      return json({ id, vendor: "huawei-rtc", body: JSON.parse(stored[id - 1] as string) });
    }
    return new Response("not found", { status: 404 });
  };
  const { ctx } = testContext({ fetch: fetch as typeof globalThis.fetch });
  return reconcile(ctx, { mockUrl: MOCK, receiverUrl: RECEIVER });
}

describe("reconcile counts events, not bodies", () => {
  test("two genuine events with one body owe two stored events", async () => {
    const sent = [
      { id: "d1", body: START },
      { id: "d2", body: COMPLETE },
      { id: "d3", body: START },
    ];
    const both = await world(sent, [START, COMPLETE, START]);
    expect(both).toMatchObject({ expected: 3, stored: 3, missing: [], duplicated: [] });

    const one = await world(sent, [START, COMPLETE]);
    expect(one.expected).toBe(3);
    expect(one.stored).toBe(2);
    expect(one.missing).toHaveLength(1);
    expect(one.missing[0]?.deliveryIds).toEqual(["d1", "d3"]);
  });

  test("a duplicate_of copy owes nothing more, and a second stored copy is a duplicate", async () => {
    const sent = [
      { id: "d1", body: COMPLETE },
      { id: "d2", body: COMPLETE, duplicate_of: "d1" },
    ];
    expect(await world(sent, [COMPLETE])).toMatchObject({ expected: 1, stored: 1, missing: [], duplicated: [] });
    const twice = await world(sent, [COMPLETE, COMPLETE]);
    expect(twice.duplicated).toEqual([{ identity: expect.stringMatching(/^huawei-rtc:/), eventIds: [1, 2] }]);
  });

  test("a body nested deeper than the receiver accepts is owed, and reported missing without overflowing", async () => {
    for (const depth of [3000, 100_000]) {
      const deep = `{"event_type":"RECORD_OVER","x":${"[".repeat(depth)}${"]".repeat(depth)}}`;
      const report = await world([{ id: "d1", body: deep }], [COMPLETE]);
      expect(report).toMatchObject({ expected: 1, stored: 0, duplicated: [] });
      expect(report.missing.map((g) => g.identity)).toEqual(["huawei-rtc:too_deeply_nested"]);
    }
  });

  test("a __proto__ field is part of the identity, as the receiver keys it", async () => {
    const withProto = '{"event_type":"RECORD_OVER","__proto__":{"job_id":"j1"}}';
    const without = '{"event_type":"RECORD_OVER"}';
    expect(await world([{ id: "d1", body: withProto }], [withProto])).toMatchObject({ stored: 1, missing: [] });
    const other = await world([{ id: "d1", body: withProto }], [without]);
    expect(other).toMatchObject({ expected: 1, stored: 0 });
    expect(other.missing).toHaveLength(1);
  });

  test("skipped deliveries are owed nothing", async () => {
    const report = await world([{ id: "d1", body: COMPLETE, status: "skipped" }], []);
    expect(report).toEqual({ expected: 0, stored: 0, missing: [], duplicated: [], pending: 0 });
  });
});

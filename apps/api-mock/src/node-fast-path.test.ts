/**
 * The node:http fast path answers Huawei Live list and create over real sockets exactly as the Hono routes do
 * (huawei-live.test.ts covers the rules themselves); everything else reaches Hono.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { HuaweiLiveRecordCallbackConfig } from "@livehook/core";
import fc from "fast-check";
import { afterEach, describe, expect, test } from "vitest";
import { HUAWEI_REQUEST_ID, testMock } from "../test/harness.js";
import { MAX_BODY_BYTES } from "./context.js";
import { nodeFastPath } from "./node-fast-path.js";

const PROJECT = "0123456789abcdef0123456789abcdef";
const BASE = `/v1/${PROJECT}/record/callbacks`;
const KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    publish_domain: "publish.example.com",
    app: "live",
    notify_callback_url: "https://mycallback.example.com/record_notify",
    key: KEY,
    ...over,
  });

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A mock served as main.ts serves it; `hits` counts the requests the fast path took. */
async function served(opts: Parameters<typeof testMock>[0] = {}) {
  const m = testMock(opts);
  const fast = nodeFastPath(m.context);
  const hono = getRequestListener(m.app.fetch);
  let hits = 0;
  const server = createServer((req, res) => {
    if (fast(req, res)) hits++;
    else void hono(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { m, base, port: (server.address() as AddressInfo).port, hits: () => hits };
}

type Shot = { method: string; path: string; body?: string; type?: string };

/** The same requests, in the same order, to the Hono app in-process and to the fast path over a socket. */
const shots: Shot[] = [
  { method: "POST", path: BASE, body: body() },
  { method: "POST", path: BASE, body: body() },
  { method: "POST", path: BASE, body: body({ app: "*", notify_event_subscription: ["RECORD_NEW_FILE_START"] }) },
  { method: "POST", path: BASE, body: body({ app: "x", key: "" }) },
  { method: "POST", path: BASE, body: "{nope" },
  { method: "POST", path: BASE, body: body({ app: "y" }), type: "text/plain" },
  { method: "POST", path: BASE, body: body({ app: "y" }), type: "application/merge-patch+json; charset=utf-8" },
  { method: "POST", path: BASE, body: body({ app: "z", publish_domain: "not a domain" }) },
  { method: "POST", path: BASE, body: body({ app: "z", key: "short" }) },
  { method: "POST", path: BASE, body: body({ app: "z", notify_event_subscription: ["RECORD_START"] }) },
  { method: "POST", path: BASE, body: "[]" },
  { method: "POST", path: BASE, body: "x".repeat(MAX_BODY_BYTES + 1) },
  { method: "POST", path: BASE },
  { method: "GET", path: BASE },
  { method: "GET", path: `${BASE}?offset=1&limit=2` },
  { method: "GET", path: `${BASE}?app=*` },
  { method: "GET", path: `${BASE}?publish_domain=publish.example.com&app=live&unknown=1` },
  { method: "GET", path: `${BASE}?offset=abc` },
  { method: "GET", path: `${BASE}?limit=0` },
  { method: "GET", path: `${BASE}?limit=101` },
  { method: "GET", path: `/v1/other-project/record/callbacks` },
];

describe("node:http fast path", () => {
  test("gives the Hono routes' status, body and headers for list and create", async () => {
    const hono = testMock();
    const { m, base, hits } = await served();
    for (const shot of shots) {
      const init: RequestInit = { method: shot.method };
      if (shot.body !== undefined) {
        init.body = shot.body;
        init.headers = { "content-type": shot.type ?? "application/json" };
      }
      const expected = await hono.app.request(shot.path, init);
      const got = await fetch(`${base}${shot.path}`, init);
      const what = `${shot.method} ${shot.path} ${(shot.body ?? "").slice(0, 60)}`;
      expect(got.status, what).toBe(expected.status);
      expect(await got.text(), what).toBe(await expected.text());
      expect(got.headers.get("content-type"), what).toBe(expected.headers.get("content-type"));
      expect(got.headers.get("x-request-id"), what).toMatch(HUAWEI_REQUEST_ID);
    }
    expect(hits()).toBe(shots.length);
    // The store behind the socket holds what the replies said, key included (used to sign callbacks).
    const listed = (await (await fetch(`${base}${BASE}?limit=100`)).json()) as {
      total: number;
      callback_config: unknown[];
    };
    expect(listed.total).toBe(4); // live, *, x and y (a +json media type is JSON)
    const live = HuaweiLiveRecordCallbackConfig.parse(listed.callback_config[0]);
    expect(m.store.getHuaweiLive(PROJECT, live.id)).toEqual({ ...live, project_id: PROJECT, key: KEY });
  });

  test("a create is visible to the Hono routes at once, and its reply is the stored object", async () => {
    const { base } = await served();
    const res = await fetch(`${base}${BASE}`, {
      method: "POST",
      body: body(),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(201);
    const created = HuaweiLiveRecordCallbackConfig.parse(await res.json());
    const shown = await fetch(`${base}${BASE}/${created.id}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual(created);
    expect(JSON.stringify(created)).not.toContain(KEY);
  });

  test("throttling and the injected 5xx fault apply, sharing the Hono routes' budget", async () => {
    const { m, base } = await served();
    const patch = await m.json("/_mock/settings", "PATCH", {
      throttling: { enabled: true, huawei_live_per_minute: 2 },
    });
    expect(patch.status).toBe(200);
    const post = (app: string) =>
      fetch(`${base}${BASE}`, { method: "POST", body: body({ app }), headers: { "content-type": "application/json" } });
    expect((await m.json(BASE, "POST", JSON.parse(body({ app: "a" })))).status).toBe(201);
    expect((await post("b")).status).toBe(201);
    const throttled = await post("c");
    expect(throttled.status).toBe(429);
    expect(((await throttled.json()) as { error_code: string }).error_code).toBe("APIG.0308");
    expect(throttled.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
    // Another method has its own budget.
    expect((await fetch(`${base}${BASE}`)).status).toBe(200);

    await m.json("/_mock/settings", "PATCH", { throttling: { enabled: false } });
    expect((await m.json("/_mock/faults", "PUT", { api_error_rate: 1 })).status).toBe(200);
    const failed = await post("d");
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error_code: "LIVE.103011021", error_msg: "Database access failure" });
    expect(m.store.getHuaweiLive(PROJECT, "d")).toBeUndefined();
  });

  test("with --auth on it steps aside and Hono verifies the signature", async () => {
    const { base, hits } = await served({ credentials: { accessKeyId: "AK", accessKeySecret: "SK" } });
    const res = await fetch(`${base}${BASE}`, {
      method: "POST",
      body: body(),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_code: string }).error_code).toBe("APIGW.0301");
    expect(hits()).toBe(0);
  });

  test("everything else goes to Hono", async () => {
    const { base, hits } = await served();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const put = await fetch(`${base}${BASE}`, { method: "PUT", body: "{}" });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { error_code: string }).error_code).toBe("LIVE.100011011");
    expect((await fetch(`${base}${BASE}/`)).status).toBe(404);
    expect((await fetch(`${base}/v1/a%20b/record/callbacks`)).status).toBe(200);
    expect((await fetch(`${base}${BASE}`, { method: "HEAD" })).status).toBe(200);
    expect(hits()).toBe(0);
  });

  test("a client that disconnects mid-body gets nothing stored and the server keeps serving", async () => {
    const { m, port, base } = await served();
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `POST ${BASE} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"publish_domain":`,
        );
        setTimeout(() => socket.destroy(), 20);
      });
      socket.on("close", () => resolve());
    });
    const res = await fetch(`${base}${BASE}`, {
      method: "POST",
      body: body(),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(201);
    expect(m.store.listHuaweiLiveJson(PROJECT, {}, 0, 10)).toContain('"total":1');
  });

  test("property: random bodies and list queries get the same answers on both paths", async () => {
    const hono = testMock();
    const { base } = await served();
    const field = fc.oneof(
      fc.constantFrom("publish_domain", "app", "notify_callback_url", "notify_event_subscription", "sign_type", "key"),
      fc.string({ maxLength: 6 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("publish.example.com", "*", "https://x.example.com/cb", "HMACSHA256", "MD5", KEY),
      fc.array(fc.constantFrom("RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START", "RECORD_START", "X")),
      fc.integer(),
      fc.constant(null),
    );
    const createBody = fc.oneof(
      fc.dictionary(field, value, { maxKeys: 7 }).map((o) => JSON.stringify(o)),
      fc.record({ app: fc.string({ maxLength: 8 }) }).map((o) => body(o)),
      fc.string({ maxLength: 40 }),
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom("offset", "limit", "app", "publish_domain", "x"), fc.string({ maxLength: 6 })), {
        maxLength: 4,
      })
      .map((pairs) => new URLSearchParams(pairs).toString());
    const shot = fc.oneof(
      fc.record({ method: fc.constant("POST"), body: createBody, type: fc.constantFrom("application/json", "text/x") }),
      fc.record({ method: fc.constant("GET"), query }),
    );
    await fc.assert(
      fc.asyncProperty(shot, async (s) => {
        const path = "query" in s && s.query !== "" ? `${BASE}?${s.query}` : BASE;
        const init: RequestInit =
          "body" in s ? { method: "POST", body: s.body, headers: { "content-type": s.type } } : { method: "GET" };
        const expected = await hono.app.request(path, init);
        const got = await fetch(`${base}${path}`, init);
        expect(got.status).toBe(expected.status);
        expect(await got.text()).toBe(await expected.text());
      }),
      { numRuns: 150 },
    );
  });
});

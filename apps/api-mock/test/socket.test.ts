/**
 * The app behind @hono/node-server on a real socket, as main.ts serves it: request bodies are read from the
 * IncomingMessage there (src/raw-body.ts), which in-process `app.request()` tests never reach.
 */
import { connect } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { HuaweiLiveRecordCallbackConfig } from "@livehook/core";
import { afterEach, expect, test } from "vitest";
import { MAX_BODY_BYTES } from "../src/raw-body.js";
import { HUAWEI_REQUEST_ID, testMock } from "./harness.js";

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

const servers: ServerType[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function served() {
  const m = testMock();
  const port = await new Promise<number>((resolve) => {
    servers.push(serve({ fetch: m.app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port)));
  });
  return { m, port, base: `http://127.0.0.1:${port}` };
}

const post = (base: string, payload: string, type = "application/json") =>
  fetch(`${base}${BASE}`, { method: "POST", body: payload, headers: { "content-type": type } });

test("create and list over a socket: the reply is the stored object, errors are the vendor's", async () => {
  const { m, base } = await served();
  const res = await post(base, body());
  expect(res.status).toBe(201);
  expect(res.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);
  const created = HuaweiLiveRecordCallbackConfig.parse(await res.json());
  expect(m.store.getHuaweiLive(PROJECT, created.id)).toEqual({ ...created, project_id: PROJECT, key: KEY });
  expect((await post(base, body({ app: "y" }), "application/merge-patch+json; charset=utf-8")).status).toBe(201);

  const duplicate = await post(base, body());
  expect(duplicate.status).toBe(400);
  expect(await duplicate.json()).toEqual({ error_code: "LIVE.103011018", error_msg: "resource already exists" });
  const malformed = await post(base, "{nope");
  expect(await malformed.json()).toEqual({ error_code: "LIVE.100011001", error_msg: "Request Illegal" });
  const tooLarge = await post(base, "x".repeat(MAX_BODY_BYTES + 1));
  expect(tooLarge.status).toBe(400);
  expect(await tooLarge.json()).toEqual({ error_code: "LIVE.100011001", error_msg: "Request Illegal" });
  expect(tooLarge.headers.get("x-request-id")).toMatch(HUAWEI_REQUEST_ID);

  const listed = await fetch(`${base}${BASE}?limit=100`);
  expect(((await listed.json()) as { total: number }).total).toBe(2);
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
  expect((await post(base, body())).status).toBe(201);
  expect(m.store.listHuaweiLive(PROJECT, {}, 0, 10).total).toBe(1);
});

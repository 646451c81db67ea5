/**
 * Forwarding to a real app: the README's example app (examples/verify-forward.mjs, which verifies with the
 * `standardwebhooks` package) receives the outbox's forwards and `POST /api/events/:id/resend`'s alike.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { systemClock } from "@livehook/core";
import { pino } from "pino";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  FORWARD_SECRET,
  huaweiLiveEvent,
  makeReceiver,
  post,
  signedHuaweiLive,
  type TestReceiver,
} from "../test/helpers.js";
import { newForwardSecret } from "./forward-secret.js";
import { Forwarder } from "./forwarder.js";
import { outboxTargets } from "./outbox/targets.js";

let exampleApp: ChildProcess;
let appUrl: string;
const appLines: string[] = [];

beforeAll(async () => {
  exampleApp = spawn(process.execPath, [new URL("../examples/verify-forward.mjs", import.meta.url).pathname], {
    env: { ...process.env, LIVEHOOK_FORWARD_SECRET: FORWARD_SECRET, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let pending = "";
  const listening = new Promise<string>((resolve) => {
    exampleApp.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      appLines.push(...lines);
      const port = /listening on (\d+)/.exec(lines.join("\n"))?.[1];
      if (port !== undefined) resolve(port);
    });
  });
  appUrl = `http://127.0.0.1:${await listening}/webhooks`;
});

afterAll(async () => {
  if (exampleApp.exitCode === null) {
    exampleApp.kill();
    await once(exampleApp, "exit");
  }
});

/** A delivery signed now: the example app checks the forward's timestamp against the real clock. */
async function storeEvent(r: TestReceiver, over: Record<string, unknown>): Promise<number> {
  const ts = Math.floor(Date.now() / 1000) + 60;
  const res = await post(r.app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent(over), { ts }));
  expect(res.status).toBe(200);
  return Number(res.headers.get("x-livehook-event-id"));
}

const resend = async (r: TestReceiver, id: number | string, headers: Record<string, string> = {}) => {
  const res = await r.app.request(`/api/events/${id}/resend`, { method: "POST", headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test("the outbox and a resend reach the example app, which verifies them with a Standard Webhooks library", async () => {
  const r = await makeReceiver({
    clock: systemClock,
    config: { forward: { "huawei-live": appUrl } },
  });
  const id = await storeEvent(r, { job_id: "forwarded-job" });
  const forwarder = new Forwarder({
    store: r.store,
    targets: outboxTargets(r.deps.config, { clock: systemClock }).byVendor,
    retryScheduleMs: [],
    clock: systemClock,
    log: pino({ level: "silent" }),
  });
  expect(await forwarder.runOnce()).toBe(1);
  expect((await r.store.getEvent(id))?.forwardState).toBe("delivered");
  await expect.poll(() => appLines.filter((l) => l.includes("forwarded-job")).length).toBe(1);
  expect(appLines.find((l) => l.includes("forwarded-job"))).toMatch(/^huawei-live RECORD_FILE_COMPLETE \{/);

  const again = await resend(r, id);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ eventId: id, target: appUrl, status: 204, delivered: true });
  expect(typeof again.body.ms).toBe("number");
  await expect.poll(() => appLines.filter((l) => l.includes("forwarded-job")).length).toBe(2);
});

test("a resend signed with another secret is refused by the app, and said so", async () => {
  const r = await makeReceiver({
    clock: systemClock,
    config: { forward: { "huawei-live": appUrl }, forwardSecret: newForwardSecret() },
  });
  const id = await storeEvent(r, { job_id: "other-secret" });
  const answer = await resend(r, id);
  expect(answer).toMatchObject({ status: 200, body: { status: 401, delivered: false } });
  expect((await r.store.getEvent(id))?.forwardState).toBe("pending");
});

test("resend: no target is a 409 with the reason, an unknown event 404, a bad id 400, an unreachable app 502", async () => {
  const none = await makeReceiver({ clock: systemClock });
  const id = await storeEvent(none, { job_id: "no-target" });
  expect(await resend(none, id)).toEqual({
    status: 409,
    body: {
      error: "no_forward_target",
      message: "no forwarding target for huawei-live: start the receiver with --forward-to",
    },
  });
  expect(await resend(none, 999)).toEqual({ status: 404, body: { error: "not_found" } });
  expect(await resend(none, "x1")).toMatchObject({
    status: 400,
    body: { error: "invalid_parameter", parameter: "id" },
  });
  expect((await (await none.app.request("/api/forwarding")).json()) as unknown).toEqual({
    targets: {},
    signature: "standard-webhooks",
  });

  // A port nobody listens on: the server closed right after binding it.
  const closed = await makeReceiver();
  await new Promise((resolve) => closed.server.close(resolve));
  const gone = await makeReceiver({
    clock: systemClock,
    config: { forward: { "huawei-live": `http://user:pw@${new URL(closed.url).host}/in?token=abc` } },
  });
  const goneId = await storeEvent(gone, { job_id: "unreachable" });
  const failed = await resend(gone, goneId);
  expect(failed).toMatchObject({
    status: 502,
    body: { error: "forward_failed", reason: "ECONNREFUSED", eventId: goneId, target: `${closed.url}/in` },
  });
  // Credentials and the query of a target are never shown.
  expect((await (await gone.app.request("/api/forwarding")).json()) as unknown).toEqual({
    targets: { "huawei-live": `${closed.url}/in` },
    signature: "standard-webhooks",
  });
});

test("resend is an API route: an admin token protects it", async () => {
  const token = "t".repeat(20);
  const r = await makeReceiver({
    clock: systemClock,
    config: { forward: { "huawei-live": appUrl }, adminToken: token },
  });
  const id = await storeEvent(r, { job_id: "protected" });
  expect((await resend(r, id)).status).toBe(401);
  // Another site's page cannot make a browser post it, token or not.
  const host = new URL(r.url).host;
  expect(await resend(r, id, { authorization: `Bearer ${token}`, origin: "https://evil.example", host })).toMatchObject(
    { status: 403, body: { error: "cross_origin" } },
  );
  expect(await resend(r, id, { authorization: `Bearer ${token}` })).toMatchObject({
    status: 200,
    body: { status: 204 },
  });
});

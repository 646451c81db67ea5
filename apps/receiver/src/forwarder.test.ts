import { pino } from "pino";
import { Webhook } from "standardwebhooks";
import { afterEach, expect, test, vi } from "vitest";
import { FORWARD_SECRET, huaweiLiveEvent, makeReceiver, manualClock, post, signedHuaweiLive } from "../test/helpers.js";
import { Forwarder } from "./forwarder.js";
import { httpTarget } from "./outbox/http-target.js";
import type { OutboxTarget } from "./outbox/target.js";

afterEach(() => {
  vi.useRealTimers();
});

const log = pino({ level: "silent" });

test("relays the original body signed in the Standard Webhooks format, retries on the schedule, then dead-letters", async () => {
  const clock = manualClock();
  const { app, store } = await makeReceiver({
    clock,
    config: { forward: { "huawei-live": "http://downstream.test/in" }, forwardRetryMs: [1000, 5000] },
  });
  const okBody = signedHuaweiLive(huaweiLiveEvent({ job_id: "ok" }));
  await post(app, "/hooks/huawei-live", okBody);
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "fails" })));

  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    const body = new TextDecoder().decode(init.body as Uint8Array);
    calls.push({ url, headers: init.headers as Record<string, string>, body });
    return new Response(null, { status: body.includes('"ok"') ? 204 : 500 });
  }) as unknown as typeof fetch;
  const forwarder = new Forwarder({
    store,
    targets: {
      "huawei-live": [httpTarget("http://downstream.test/in", { fetch: fakeFetch, secret: FORWARD_SECRET, clock })],
    },
    retryScheduleMs: [1000, 5000],
    clock,
    log,
  });

  expect(await forwarder.runOnce()).toBe(2);
  const first = calls[0];
  expect(first?.url).toBe("http://downstream.test/in");
  // The vendor's body byte for byte, and headers naming what it is and what its signature covered.
  expect(first?.body).toBe(okBody);
  expect(first?.headers).toMatchObject({
    "content-type": "application/json",
    "webhook-timestamp": String(clock.now().getTime() / 1000),
    "x-livehook-vendor": "huawei-live",
    "x-livehook-event-type": "RECORD_FILE_COMPLETE",
    "x-livehook-authenticated": "fields",
    "x-livehook-authenticated-fields": "auth_timestamp,event_type,publish_domain,app,stream,download_url,play_url",
  });
  // Any Standard Webhooks library verifies it (this one checks the timestamp against Date.now()).
  vi.useFakeTimers({ toFake: ["Date"], now: clock.now() });
  const webhook = new Webhook(FORWARD_SECRET);
  expect(webhook.verify(first?.body ?? "", first?.headers ?? {})).toMatchObject({ job_id: "ok" });
  expect(() => webhook.verify((first?.body ?? "").replace('"ok"', '"ko"'), first?.headers ?? {})).toThrow(
    /No matching signature/,
  );
  vi.useRealTimers();
  const [failing, ok] = await store.listEvents({ limit: 2 });
  expect(ok?.forwardState).toBe("delivered");
  expect(failing?.forwardState).toBe("pending");

  expect(await forwarder.runOnce()).toBe(0); // not due yet
  clock.advance(1000);
  expect(await forwarder.runOnce()).toBe(1);
  clock.advance(5000);
  expect(await forwarder.runOnce()).toBe(1);
  const dead = await store.getEvent(failing?.id ?? 0);
  expect(dead).toMatchObject({
    forwardState: "dead",
    forwardAttempts: 3,
    forwardError: "http://downstream.test/in: HTTP 500",
  });
  clock.advance(1e9);
  expect(await forwarder.runOnce()).toBe(0);
  expect(calls).toHaveLength(4);
  // One message id for every attempt of an event: the app's idempotency key.
  expect(new Set(calls.slice(1).map((c) => c.headers["webhook-id"])).size).toBe(1);
  expect(calls[1]?.headers["webhook-id"]).not.toBe(first?.headers["webhook-id"]);
  const letters = (await (await app.request("/api/dead-letters")).json()) as { deadLetters: { eventId: number }[] };
  expect(letters.deadLetters.map((d) => d.eventId)).toEqual([failing?.id]);
});

test("a network error counts as a failed attempt", async () => {
  const clock = manualClock();
  const { app, store } = await makeReceiver({ clock, config: { forward: { "huawei-live": "http://x.test/" } } });
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()));
  const failing = (async () => {
    throw new TypeError("fetch failed");
  }) as unknown as typeof fetch;
  const forwarder = new Forwarder({
    store,
    targets: { "huawei-live": [httpTarget("http://x.test/", { fetch: failing, secret: FORWARD_SECRET, clock })] },
    retryScheduleMs: [],
    clock,
    log,
  });
  await forwarder.runOnce();
  const [event] = await store.listEvents({ limit: 1 });
  expect(event?.forwardState).toBe("dead");
});

/** A target that confirms or fails each event as `answer` says, and records what it was given. */
function scriptedTarget(name: string, answer: (jobId: string) => string | undefined) {
  const seen: string[] = [];
  const target: OutboxTarget = {
    name,
    deliver: async (tasks) =>
      tasks.map((task) => {
        const jobId = (JSON.parse(new TextDecoder().decode(task.rawBody)) as { job_id: string }).job_id;
        seen.push(jobId);
        return answer(jobId);
      }),
    close: async () => {},
  };
  return { target, seen };
}

test("several targets: an event is delivered once every target confirmed it, and a retry skips those that did", async () => {
  const clock = manualClock();
  const { app, store } = await makeReceiver({
    clock,
    config: { publish: { "huawei-live": ["nats://127.0.0.1:4222"] }, forwardRetryMs: [1000] },
  });
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "j1" })));
  let httpUp = false;
  const bus = scriptedTarget("nats://bus", () => undefined);
  const http = scriptedTarget("http://down/in", () => (httpUp ? undefined : "HTTP 503"));
  const forwarder = new Forwarder({
    store,
    targets: { "huawei-live": [bus.target, http.target] },
    retryScheduleMs: [1000],
    clock,
    log,
  });
  expect(await forwarder.runOnce()).toBe(1);
  const [event] = await store.listEvents({ limit: 1 });
  expect(await store.getEvent(event?.id ?? 0)).toMatchObject({
    forwardState: "pending",
    forwardError: "http://down/in: HTTP 503",
  });
  httpUp = true;
  clock.advance(1000);
  expect(await forwarder.runOnce()).toBe(1);
  expect(bus.seen).toEqual(["j1"]);
  expect(http.seen).toEqual(["j1", "j1"]);
  expect((await store.getEvent(event?.id ?? 0))?.forwardState).toBe("delivered");
});

test("a claim hides its events from a second receiver's claim until its lease runs out", async () => {
  const clock = manualClock();
  const { app, store } = await makeReceiver({ clock, config: { publish: { "huawei-live": ["nats://h:4222"] } } });
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "j1" })));
  // The first receiver claims and dies before recording anything (its target never answers).
  const hung: OutboxTarget = { name: "nats://h:4222", deliver: () => new Promise(() => {}), close: async () => {} };
  const dying = new Forwarder({
    store,
    targets: { "huawei-live": [hung] },
    retryScheduleMs: [],
    leaseMs: 5000,
    clock,
    log,
  });
  void dying.runOnce();
  await new Promise((r) => setTimeout(r, 50));
  const second = scriptedTarget("nats://h:4222", () => undefined);
  const other = new Forwarder({
    store,
    targets: { "huawei-live": [second.target] },
    retryScheduleMs: [],
    leaseMs: 5000,
    clock,
    log,
  });
  expect(await other.runOnce()).toBe(0);
  clock.advance(5000);
  expect(await other.runOnce()).toBe(1);
  expect(second.seen).toEqual(["j1"]);
});

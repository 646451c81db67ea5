import { pino } from "pino";
import { expect, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, manualClock, post, signedHuaweiLive } from "../test/helpers.js";
import { Forwarder } from "./forwarder.js";

const log = pino({ level: "silent" });

test("relays accepted events as JSON, retries on the schedule, then dead-letters", async () => {
  const clock = manualClock();
  const { app, store } = await makeReceiver({
    clock,
    config: { forward: { "huawei-live": "http://downstream.test/in" }, forwardRetryMs: [1000, 5000] },
  });
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "ok" })));
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "fails" })));

  const calls: { url: string; body: Record<string, unknown> }[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as { body: { job_id: string } };
    calls.push({ url, body });
    return new Response(null, { status: body.body.job_id === "ok" ? 204 : 500 });
  }) as unknown as typeof fetch;
  const forwarder = new Forwarder({
    store,
    targets: { "huawei-live": "http://downstream.test/in" },
    retryScheduleMs: [1000, 5000],
    clock,
    log,
    fetch: fakeFetch,
  });

  expect(await forwarder.runOnce()).toBe(2);
  expect(calls[0]).toMatchObject({
    url: "http://downstream.test/in",
    body: { vendor: "huawei-live", eventType: "RECORD_FILE_COMPLETE" },
  });
  const [failing, ok] = await store.listEvents({ limit: 2 });
  expect(ok?.forwardState).toBe("delivered");
  expect(failing?.forwardState).toBe("pending");

  expect(await forwarder.runOnce()).toBe(0); // not due yet
  clock.advance(1000);
  expect(await forwarder.runOnce()).toBe(1);
  clock.advance(5000);
  expect(await forwarder.runOnce()).toBe(1);
  const dead = await store.getEvent(failing?.id ?? 0);
  expect(dead).toMatchObject({ forwardState: "dead", forwardAttempts: 3, forwardError: "HTTP 500" });
  clock.advance(1e9);
  expect(await forwarder.runOnce()).toBe(0);
  expect(calls).toHaveLength(4);
  const letters = (await (await app.request("/api/dead-letters")).json()) as { deadLetters: { eventId: number }[] };
  expect(letters.deadLetters.map((d) => d.eventId)).toEqual([failing?.id]);
});

test("a network error counts as a failed attempt", async () => {
  const clock = manualClock();
  const { app, store } = await makeReceiver({ clock, config: { forward: { "huawei-live": "http://x.test/" } } });
  await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()));
  const forwarder = new Forwarder({
    store,
    targets: { "huawei-live": "http://x.test/" },
    retryScheduleMs: [],
    clock,
    log,
    fetch: (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch,
  });
  await forwarder.runOnce();
  const [event] = await store.listEvents({ limit: 1 });
  expect(event?.forwardState).toBe("dead");
});

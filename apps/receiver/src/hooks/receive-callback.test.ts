import { describe, expect, test } from "vitest";
import {
  ALIYUN_HOST,
  aliyunFileEvent,
  aliyunStatusEvent,
  huaweiLiveEvent,
  huaweiRtcEvent,
  KEYS,
  makeReceiver,
  manualClock,
  NOW_S,
  post,
  signedAliyun,
  signedHuaweiLive,
  signedHuaweiRtc,
} from "../../test/helpers.js";
import type { EventStore } from "../store/types.js";

describe("check order", () => {
  test("413 before anything else, even with a bad content type", async () => {
    const { app, store } = await makeReceiver({ config: { bodyLimitBytes: 100 } });
    const res = await post(app, "/hooks/huawei-live", "x".repeat(200), { "content-type": "text/plain" });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "body_too_large" });
    expect(await store.countEvents()).toBe(0);
  });

  test("413 for a chunked body without Content-Length", async () => {
    const { app } = await makeReceiver({ config: { bodyLimitBytes: 100 } });
    const chunks = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 5; i++) ctl.enqueue(new TextEncoder().encode("y".repeat(40)));
        ctl.close();
      },
    });
    const res = await app.request("/hooks/huawei-rtc", {
      method: "POST",
      body: chunks,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  test("415 before the signature check", async () => {
    const { app } = await makeReceiver();
    const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()), {
      "content-type": "text/plain",
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: "unsupported_media_type" });
  });

  test("401 before JSON parsing: a non-JSON body with valid SparkRTC headers of another body", async () => {
    const { app } = await makeReceiver();
    const res = await post(app, "/hooks/huawei-rtc", "not json", signedHuaweiRtc("{}"));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "bad_signature" });
  });

  test("400 for a correctly signed body that is not JSON", async () => {
    const { app, store } = await makeReceiver();
    const res = await post(app, "/hooks/huawei-rtc", "not json", signedHuaweiRtc("not json"));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_json" });
    expect(await store.countEvents()).toBe(0);
  });

  test("404 for a vendor without keys", async () => {
    const { app } = await makeReceiver({
      config: { keys: { "huawei-live": [], "huawei-rtc": [], "aliyun-live": [] } },
    });
    const res = await post(app, "/hooks/aliyun-live", JSON.stringify(aliyunFileEvent()), signedAliyun());
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "vendor_not_configured" });
  });
});

describe("signatures", () => {
  test.each([
    ["missing_signature", () => JSON.stringify(huaweiLiveEvent())],
    ["bad_signature", () => signedHuaweiLive(huaweiLiveEvent()).replace('"stream":"mystream"', '"stream":"other"')],
    ["expired", () => signedHuaweiLive(huaweiLiveEvent(), { ts: NOW_S - 301 })],
    ["not_yet_valid", () => signedHuaweiLive(huaweiLiveEvent(), { ts: NOW_S + 3601 })],
    ["bad_signature", () => signedHuaweiLive(huaweiLiveEvent(), { key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ" })],
  ])("huawei-live %s is 401 and never stored as accepted", async (reason, body) => {
    const { app, deps, store } = await makeReceiver();
    const res = await post(app, "/hooks/huawei-live", body());
    expect(res.status).toBe(401);
    const json = await res.json();
    expect(json).toEqual({ error: reason });
    expect(JSON.stringify(json)).not.toContain(KEYS.huaweiLive);
    await deps.committer.drain();
    expect(await store.countEvents()).toBe(0);
    const rejections = await store.listRejections({ limit: 10 });
    expect(rejections.map((r) => r.reason)).toEqual([reason]);
    expect(deps.metrics.render()).toContain(
      `livehook_events_rejected_total{vendor="huawei-live",reason="${reason}"} 1`,
    );
  });

  test("key rotation: the old key is accepted and its index recorded", async () => {
    const { app, store } = await makeReceiver();
    const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent(), { key: KEYS.huaweiLiveOld }));
    expect(res.status).toBe(200);
    const [event] = await store.listEvents({ limit: 1 });
    expect(event?.keyIndex).toBe(1);
  });

  test("Huawei MD5 is refused unless configured, then stored as not body-authenticated", async () => {
    const body = signedHuaweiLive(huaweiLiveEvent(), { signType: "MD5" });
    const strict = await makeReceiver();
    expect((await post(strict.app, "/hooks/huawei-live", body)).status).toBe(401);

    const lenient = await makeReceiver({ config: { huaweiLiveSignTypes: ["HMACSHA256", "MD5"] } });
    const res = await post(lenient.app, "/hooks/huawei-live", body);
    expect(res.status).toBe(200);
    const [event] = await lenient.store.listEvents({ limit: 1 });
    expect(event?.authScope).toBe("none");
    const api = (await (await lenient.app.request(`/api/events/${event?.id}`)).json()) as Record<string, unknown>;
    expect(api.authenticated).toEqual({ scope: "none" });
    expect(api.bodyAuthenticated).toBe(false);
    expect(api.verdict).toBe("verified_signature_only");
  });

  test("SparkRTC: signed body accepted, tampered body 401, missing headers 401 missing_signature", async () => {
    const { app } = await makeReceiver();
    const raw = JSON.stringify(huaweiRtcEvent());
    expect((await post(app, "/hooks/huawei-rtc", raw, signedHuaweiRtc(raw))).status).toBe(200);
    const tampered = raw.replace("room01", "room02");
    const res = await post(app, "/hooks/huawei-rtc", tampered, signedHuaweiRtc(raw));
    expect(await res.json()).toEqual({ error: "bad_signature" });
    const missing = await post(app, "/hooks/huawei-rtc", raw);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: "missing_signature" });
  });

  test("SparkRTC timestamps in milliseconds are accepted", async () => {
    const { app } = await makeReceiver();
    const raw = JSON.stringify(huaweiRtcEvent());
    const res = await post(app, "/hooks/huawei-rtc", raw, signedHuaweiRtc(raw, { ts: NOW_S * 1000 }));
    expect(res.status).toBe(200);
  });

  test("Alibaba: host from config, or from the Host header with the port tried both ways (D12)", async () => {
    const { app, store } = await makeReceiver();
    const res = await post(app, "/hooks/aliyun-live", JSON.stringify(aliyunFileEvent()), signedAliyun());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Code: 0, Msg: "Success" });
    const [event] = await store.listEvents({ limit: 1 });
    expect(event?.authScope).toBe("none");
    expect(event?.eventType).toBe("file_created");

    const byHeader = await makeReceiver({ config: { aliyunCallbackHost: undefined } });
    const headers = { ...signedAliyun({ host: "hooks.example.net" }), host: "hooks.example.net:8443" };
    expect((await post(byHeader.app, "/hooks/aliyun-live", JSON.stringify(aliyunFileEvent()), headers)).status).toBe(
      200,
    );
    const wrongHost = { ...signedAliyun({ host: ALIYUN_HOST }), host: "evil.example.net" };
    expect((await post(byHeader.app, "/hooks/aliyun-live", JSON.stringify(aliyunFileEvent()), wrongHost)).status).toBe(
      401,
    );
  });
});

describe("validation", () => {
  test("unknown fields are kept and counted, never rejected", async () => {
    const { app, deps, store } = await makeReceiver();
    const body = signedHuaweiLive(huaweiLiveEvent({ new_vendor_field: "x", another: 2 }));
    const res = await post(app, "/hooks/huawei-live", body);
    expect(res.status).toBe(200);
    const [summary] = await store.listEvents({ limit: 1 });
    expect(summary?.unknownFields.sort()).toEqual(["another", "new_vendor_field"]);
    expect(summary?.valid).toBe(true);
    const stored = await store.getEvent(summary?.id ?? 0);
    expect(new TextDecoder().decode(stored?.rawBody)).toBe(body);
    expect(deps.metrics.render()).toContain('livehook_unknown_fields_total{vendor="huawei-live"} 2');
  });

  test("a verified event that fails the schema is stored, flagged and acknowledged", async () => {
    const { app, store } = await makeReceiver();
    const body = signedHuaweiLive(huaweiLiveEvent({ event_type: "RECORD_SOMETHING_NEW", file_size: -1 }));
    const res = await post(app, "/hooks/huawei-live", body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 1, result: "success" });
    const [summary] = await store.listEvents({ limit: 1 });
    expect(summary?.valid).toBe(false);
    const stored = await store.getEvent(summary?.id ?? 0);
    expect(stored?.issues.map((i) => (i as { path: string[] }).path[0]).sort()).toEqual(["event_type", "file_size"]);
  });

  test("a verified SparkRTC body that is a JSON array is stored as invalid, not rejected", async () => {
    const { app, store } = await makeReceiver();
    const raw = "[1,2,3]";
    expect((await post(app, "/hooks/huawei-rtc", raw, signedHuaweiRtc(raw))).status).toBe(200);
    const [summary] = await store.listEvents({ limit: 1 });
    expect(summary?.valid).toBe(false);
  });
});

describe("exactly once", () => {
  test("a retry re-signed with a new timestamp is acknowledged and stored once", async () => {
    const clock = manualClock();
    const { app, store } = await makeReceiver({ clock });
    const first = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent(), { ts: NOW_S }));
    clock.advance(5000);
    const retry = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent(), { ts: NOW_S + 5 }));
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("x-livehook-duplicate")).toBe("1");
    expect(retry.headers.get("x-livehook-event-id")).toBe(first.headers.get("x-livehook-event-id"));
    expect(await store.countEvents()).toBe(1);
    const [event] = await store.listEvents({ limit: 1 });
    expect(event?.duplicates).toBe(1);
  });

  test("key order and whitespace of a re-serialized retry do not matter", async () => {
    const { app, store } = await makeReceiver();
    const raw1 = JSON.stringify(huaweiRtcEvent());
    const raw2 = JSON.stringify(Object.fromEntries(Object.entries(huaweiRtcEvent()).reverse()), null, 2);
    await post(app, "/hooks/huawei-rtc", raw1, signedHuaweiRtc(raw1));
    await post(app, "/hooks/huawei-rtc", raw2, signedHuaweiRtc(raw2, { rand: "99" }));
    expect(await store.countEvents()).toBe(1);
  });

  test("concurrent duplicates in one event-loop turn are stored once", async () => {
    const { app, store } = await makeReceiver();
    const raw = JSON.stringify(aliyunFileEvent());
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => post(app, "/hooks/aliyun-live", raw, signedAliyun())),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(replies.filter((r) => r.headers.get("x-livehook-duplicate") === "0")).toHaveLength(1);
    expect(await store.countEvents()).toBe(1);
  });

  test("Alibaba status bodies: same body within the window is a duplicate, after two windows a new event", async () => {
    const clock = manualClock(new Date("2026-03-01T00:00:00Z"));
    const { app, store } = await makeReceiver({ clock, config: { dedupeWindowSeconds: 60 } });
    const raw = JSON.stringify(aliyunStatusEvent("record_paused"));
    const send = () =>
      post(app, "/hooks/aliyun-live", raw, signedAliyun({ ts: Math.floor(clock.now().getTime() / 1000) }));

    expect((await send()).headers.get("x-livehook-duplicate")).toBe("0");
    // The vendor's retries: 5 s timeout, then up to 5 retries 1 s apart (D11), all inside one window.
    for (const step of [5000, 1000, 1000, 1000, 1000, 1000]) {
      clock.advance(step);
      expect((await send()).headers.get("x-livehook-duplicate")).toBe("1");
    }
    // Across a bucket boundary, still less than one window after the stored event.
    clock.set(new Date("2026-03-01T00:00:59Z"));
    expect((await send()).headers.get("x-livehook-duplicate")).toBe("1");
    clock.set(new Date("2026-03-01T00:01:05Z"));
    expect((await send()).headers.get("x-livehook-duplicate")).toBe("1");
    // A genuine second pause two windows later is a new event.
    clock.set(new Date("2026-03-01T00:02:00Z"));
    expect((await send()).headers.get("x-livehook-duplicate")).toBe("0");
    expect(await store.countEvents()).toBe(2);
    // A different status is a different event at once.
    expect(
      (
        await post(
          app,
          "/hooks/aliyun-live",
          JSON.stringify(aliyunStatusEvent("record_resumed")),
          signedAliyun({ ts: Math.floor(clock.now().getTime() / 1000) }),
        )
      ).headers.get("x-livehook-duplicate"),
    ).toBe("0");
  });
});

describe("SparkRTC file starts (no file identity in the body)", () => {
  const rtcSender = (app: Parameters<typeof post>[0], clock: ReturnType<typeof manualClock>) => {
    let rand = 0;
    return async (over: Record<string, unknown>) => {
      const raw = JSON.stringify(huaweiRtcEvent(over));
      const ts = Math.floor(clock.now().getTime() / 1000);
      const res = await post(app, "/hooks/huawei-rtc", raw, signedHuaweiRtc(raw, { ts, rand: String(++rand) }));
      expect(res.status).toBe(200);
      return res.headers.get("x-livehook-duplicate");
    };
  };
  const complete = (n: number) => ({
    event_type: "RECORD_FILE_COMPLETE",
    download_url: `https://obs.example.com/Record/mystream-${n}.m3u8`,
    start_time: "2026-03-01T00:00:00Z",
    end_time: "2026-03-01T00:00:20Z",
    record_duration: 20,
  });

  test("every file of a job is stored, however short the segments; retries of a start are not", async () => {
    const clock = manualClock(new Date("2026-03-01T00:00:00Z"));
    const { app, store } = await makeReceiver({ clock, config: { dedupeWindowSeconds: 60 } });
    const send = rtcSender(app, clock);
    expect(await send({})).toBe("0");
    // The vendor's retries of that start (5 s timeout, then 1 s apart, D11).
    for (const step of [5000, 1000, 1000]) {
      clock.advance(step);
      expect(await send({})).toBe("1");
    }
    // 20 s segments, far shorter than the window: each completion makes the next identical start a new file.
    for (let n = 1; n <= 3; n++) {
      clock.advance(13_000);
      expect(await send(complete(n))).toBe("0");
      clock.advance(1000);
      expect(await send({})).toBe("0");
      clock.advance(5000);
      expect(await send({})).toBe("1");
    }
    const starts = await store.listEvents({ limit: 50, eventType: "RECORD_NEW_FILE_START" });
    expect(starts).toHaveLength(4);
    // Formats are files of their own: an MP4 start next to the HLS one is new at once.
    expect(await send({ record_format: "MP4" })).toBe("0");
  });

  test("without a completion in between, an identical start is new only outside the window", async () => {
    const clock = manualClock(new Date("2026-03-01T00:00:00Z"));
    const { app, store } = await makeReceiver({ clock, config: { dedupeWindowSeconds: 40 } });
    const send = rtcSender(app, clock);
    expect(await send({})).toBe("0");
    clock.advance(39_000);
    expect(await send({})).toBe("1");
    // 1.25 windows after the stored start: always new (the completion may have been lost or not subscribed).
    clock.advance(11_000);
    expect(await send({})).toBe("0");
    expect(await store.countEvents()).toBe(2);
  });

  test("completions and job ends are identified by their bodies, not by time", async () => {
    const clock = manualClock(new Date("2026-03-01T00:00:00Z"));
    const { app, store } = await makeReceiver({ clock });
    const send = rtcSender(app, clock);
    expect(await send(complete(1))).toBe("0");
    clock.advance(3_600_000);
    expect(await send(complete(1))).toBe("1");
    expect(await send({ event_type: "CLOUD_RECORD_SERVER_OVER" })).toBe("0");
    clock.advance(3_600_000);
    expect(await send({ event_type: "CLOUD_RECORD_SERVER_OVER" })).toBe("1");
    expect(await store.countEvents()).toBe(2);
  });
});

describe("recording rejected attempts is bounded", () => {
  test("a flood of bad requests keeps only the newest N per vendor, and every attempt is still counted", async () => {
    const { app, deps, store } = await makeReceiver({ config: { rejectedKeepPerVendor: 5 } });
    for (let i = 0; i < 30; i++) {
      const res = await post(app, "/hooks/huawei-rtc", `{"n":${i}}`, signedHuaweiRtc("{}"));
      expect(res.status).toBe(401);
    }
    await post(app, "/hooks/aliyun-live", "{}", { "content-type": "application/json" });
    await deps.committer.drain();
    const kept = await store.listRejections({ vendor: "huawei-rtc", limit: 100 });
    expect(kept.map((r) => new TextDecoder().decode(r.rawBody))).toEqual([29, 28, 27, 26, 25].map((n) => `{"n":${n}}`));
    expect(await store.listRejections({ vendor: "aliyun-live", limit: 100 })).toHaveLength(1);
    expect(deps.metrics.render()).toContain(
      'livehook_events_rejected_total{vendor="huawei-rtc",reason="bad_signature"} 30',
    );
  });
});

describe("durability", () => {
  test("a failed write answers 503, never 2xx, and nothing is acknowledged", async () => {
    const { store: real } = await makeReceiver();
    const failing: EventStore = {
      ...real,
      writeBatch: async () => {
        throw new Error("disk I/O error");
      },
    };
    const { app, deps } = await makeReceiver({ store: failing });
    const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "store_unavailable" });
    expect(deps.metrics.render()).toContain("livehook_store_failures_total 1");
  });

  test("the reply is sent only after the batch committed", async () => {
    const { store: real } = await makeReceiver();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let committed = false;
    const slow: EventStore = {
      ...real,
      writeBatch: async (events) => {
        await gate;
        const out = await real.writeBatch(events);
        committed = true;
        return out;
      },
    };
    const { app } = await makeReceiver({ store: slow });
    let replied = false;
    const pending = Promise.resolve(post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()))).then((r) => {
      replied = true;
      expect(committed).toBe(true);
      return r;
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(replied).toBe(false);
    release();
    expect((await pending).status).toBe(200);
  });
});

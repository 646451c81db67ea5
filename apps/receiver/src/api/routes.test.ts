import { describe, expect, test } from "vitest";
import {
  aliyunFileEvent,
  huaweiLiveEvent,
  KEYS,
  makeReceiver,
  manualClock,
  NOW_S,
  post,
  signedAliyun,
  signedHuaweiLive,
} from "../../test/helpers.js";
import type { EventStore } from "../store/types.js";

type Json = Record<string, unknown> & { events: Record<string, unknown>[]; nextCursor: string | null };
const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Json;

async function seeded() {
  const clock = manualClock();
  const r = await makeReceiver({ clock });
  const session = "task-aaaa";
  const send = async (over: Record<string, unknown>) => {
    clock.advance(1000);
    const res = await post(
      r.app,
      "/hooks/huawei-live",
      signedHuaweiLive(huaweiLiveEvent({ task_id: session, ...over }), {
        ts: Math.floor(clock.now().getTime() / 1000),
      }),
    );
    expect(res.status).toBe(200);
  };
  await send({ event_type: "RECORD_NEW_FILE_START", job_id: "file-1", download_url: undefined });
  await send({ event_type: "RECORD_FILE_COMPLETE", job_id: "file-1" });
  await send({ event_type: "RECORD_NEW_FILE_START", job_id: "file-2", download_url: undefined });
  await send({ event_type: "RECORD_OVER", job_id: undefined, download_url: undefined });
  await send({ event_type: "RECORD_FILE_COMPLETE", job_id: "file-3" });
  clock.advance(1000);
  await post(r.app, "/hooks/aliyun-live", JSON.stringify(aliyunFileEvent()), signedAliyun({ ts: NOW_S + 6 }));
  return { ...r, clock };
}

describe("GET /api/events", () => {
  test("newest first, filters, cursor pagination", async () => {
    const { app } = await seeded();
    const all = await json(app.request("/api/events"));
    expect(all.events).toHaveLength(6);
    expect(all.events[0]).toMatchObject({
      vendor: "aliyun-live",
      eventType: "file_created",
      verdict: "verified_signature_only",
    });
    expect(all.nextCursor).toBeNull();

    const page1 = await json(app.request("/api/events?limit=4"));
    expect(page1.events).toHaveLength(4);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await json(app.request(`/api/events?limit=4&cursor=${page1.nextCursor}`));
    expect(page2.events).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();
    const ids = [...page1.events, ...page2.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(6);

    expect((await json(app.request("/api/events?vendor=aliyun-live"))).events).toHaveLength(1);
    expect((await json(app.request("/api/events?eventType=RECORD_FILE_COMPLETE"))).events).toHaveLength(2);
    expect(
      (await json(app.request("/api/events?domain=push.example.com&app=live&stream=mystream"))).events,
    ).toHaveLength(5);
    // Five Huawei Live HMACSHA256 events (named fields) and one Alibaba event (nothing of the body).
    expect((await json(app.request("/api/events?verdict=body_unauthenticated"))).events).toHaveLength(6);
    expect((await json(app.request("/api/events?verdict=fields_authenticated"))).events).toHaveLength(5);
    expect((await json(app.request("/api/events?verdict=signature_only"))).events).toHaveLength(1);
    expect((await json(app.request("/api/events?verdict=body_authenticated"))).events).toHaveLength(0);
    expect(
      (await json(app.request("/api/events?since=2026-03-01T00:00:03Z&until=2026-03-01T00:00:05Z"))).events,
    ).toHaveLength(2);
    expect((await app.request("/api/events?vendor=nope")).status).toBe(400);
    expect((await app.request("/api/events?limit=100000")).status).toBe(400);
  });
});

describe("GET /api/events/:id", () => {
  test("raw body, headers, verdict and the session timeline", async () => {
    const { app } = await seeded();
    const [complete] = (await json(app.request("/api/events?eventType=RECORD_FILE_COMPLETE&limit=1"))).events;
    const detail = await json(app.request(`/api/events/${complete?.id}`));
    expect(typeof detail.rawBody).toBe("string");
    expect(JSON.parse(detail.rawBody as string).job_id).toBe("file-3");
    expect((detail.headers as Record<string, string>)["content-type"]).toBe("application/json");
    // Huawei Live HMACSHA256 signs seven named fields, not the body.
    expect(detail).toMatchObject({
      authenticated: {
        scope: "fields",
        fields: ["auth_timestamp", "event_type", "publish_domain", "app", "stream", "download_url", "play_url"],
      },
      bodyAuthenticated: false,
      verdict: "verified_fields",
      anomaly: null,
      valid: true,
      keyIndex: 0,
    });
    const session = detail.session as { events: unknown[]; anomalies: { kind: string }[]; ended: boolean };
    expect(session.events).toHaveLength(5);
    expect(session.ended).toBe(true);
    expect(session.anomalies.map((a) => a.kind).sort()).toEqual(["event_after_end", "file_start_without_complete"]);
    expect(JSON.stringify(detail)).not.toContain(KEYS.huaweiLive);
    expect((await app.request("/api/events/999")).status).toBe(404);
    // A malformed id is a client mistake (400 naming the parameter), not a missing event.
    expect((await app.request("/api/events/abc")).status).toBe(400);
  });
});

describe("GET /api/sessions", () => {
  test("groups per job and flags anomalies", async () => {
    const { app } = await seeded();
    const { sessions } = (await json(app.request("/api/sessions"))) as unknown as {
      sessions: { sessionKey: string; vendor: string; anomalies: { kind: string; detail: string }[] }[];
    };
    expect(sessions).toHaveLength(2);
    const huawei = sessions.find((s) => s.vendor === "huawei-live");
    expect(huawei?.sessionKey).toBe("task-aaaa");
    expect(huawei?.anomalies.find((a) => a.kind === "file_start_without_complete")?.detail).toContain("file-2");
    expect((await json(app.request("/api/sessions?vendor=aliyun-live"))).sessions).toHaveLength(1);
  });
});

describe("health, readiness, metrics", () => {
  test("/healthz, /readyz and /metrics", async () => {
    const { app } = await seeded();
    expect(await json(app.request("/healthz"))).toEqual({ status: "ok" });
    expect(await json(app.request("/readyz"))).toEqual({ status: "ready", store: "sqlite" });
    const metrics = await (await app.request("/metrics")).text();
    expect(metrics).toContain('livehook_events_accepted_total{vendor="huawei-live"} 5');
    expect(metrics).toContain('livehook_request_duration_seconds_count{vendor="huawei-live"} 5');
  });

  test("/readyz answers 503 when the store is unreachable", async () => {
    const { store } = await makeReceiver();
    const broken: EventStore = {
      ...store,
      ping: async () => {
        throw new Error("connection refused");
      },
    };
    const { app } = await makeReceiver({ store: broken });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
  });
});

describe("admin token", () => {
  test("required for the API, metrics and inspector when configured; hooks and health stay open", async () => {
    const token = "0123456789abcdef-token";
    const { app } = await makeReceiver({ config: { adminToken: token, host: "0.0.0.0" } });
    expect((await app.request("/api/events")).status).toBe(401);
    expect((await app.request("/api/events?token=wrong")).status).toBe(401);
    expect((await app.request("/metrics")).status).toBe(401);
    expect((await app.request("/")).status).toBe(401);
    expect((await app.request("/api/events", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await app.request(`/api/events?token=${token}`)).status).toBe(200);
    expect((await app.request(`/?token=${token}`)).status).toBe(200);
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()))).status).toBe(200);
  });

  test("the Bearer scheme is case-insensitive; the token itself is not (issue 15 item 7)", async () => {
    const token = "0123456789abcdef-token";
    const { app } = await makeReceiver({ config: { adminToken: token, host: "0.0.0.0" } });
    const withAuthorization = async (value: string) =>
      (await app.request("/api/events", { headers: { authorization: value } })).status;
    for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
      expect(await withAuthorization(`${scheme} ${token}`)).toBe(200);
    }
    expect(await withAuthorization(`bearer  ${token}`)).toBe(200);
    expect(await withAuthorization(`bearer ${token.toUpperCase()}`)).toBe(401);
    expect(await withAuthorization(`Basic ${token}`)).toBe(401);
    expect(await withAuthorization(`bearer${token}`)).toBe(401);
    expect(await withAuthorization("bearer ")).toBe(401);
  });
});

describe("GET /api/events/stream", () => {
  test("sends events committed after the client connected, with ids for resumption", async () => {
    const { app } = await makeReceiver();
    await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "before" })));
    const controller = new AbortController();
    const res = await app.request("/api/events/stream", { signal: controller.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value);
      }
    };
    await readUntil("event: ready");
    await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "after" })));
    await readUntil("event: event");
    await readUntil("\n\n");
    const dataLine = text.split("\n").find((l) => l.startsWith("data: {") && l.includes('"id"'));
    expect(JSON.parse((dataLine as string).slice(6))).toMatchObject({ id: 2, vendor: "huawei-live" });
    expect(text).toContain("id: 2");
    expect(text).not.toContain("id: 1\n");
    controller.abort();
    await reader.cancel().catch(() => {});
  });

  test("a store failure ends the stream with an error event", async () => {
    const { store } = await makeReceiver();
    const broken: EventStore = {
      ...store,
      listEvents: async () => {
        throw new Error("connection lost");
      },
    };
    const { app } = await makeReceiver({ store: broken });
    const res = await app.request("/api/events/stream?after=0");
    const text = await res.text();
    expect(text).toContain("event: error");
    expect(text).toContain("store_unavailable");
  });

  test("?after=0 replays everything", async () => {
    const { app } = await makeReceiver();
    await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()));
    const controller = new AbortController();
    const res = await app.request("/api/events/stream?after=0", { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("id: 1")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("id: 1");
    controller.abort();
    await reader.cancel().catch(() => {});
  });
});

describe("GET /api/events/stream?rejections=1", () => {
  type Message = { event: string; id: string | undefined; data: Record<string, unknown> };
  /** Reads the stream's messages of the given kinds, `count` at a time. */
  function messagesOf(res: Response, kinds: readonly string[]) {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const queue: Message[] = [];
    return {
      async next(count: number): Promise<Message[]> {
        while (queue.length < count) {
          const { value, done } = await reader.read();
          if (done) throw new Error("stream ended early");
          text += decoder.decode(value);
          let at = text.indexOf("\n\n");
          while (at >= 0) {
            const block = text.slice(0, at).split("\n");
            text = text.slice(at + 2);
            const event = block.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
            const id = block.find((l) => l.startsWith("id: "))?.slice(4);
            const data = block.find((l) => l.startsWith("data: "))?.slice(6);
            if (kinds.includes(event) && data !== undefined) queue.push({ event, id, data: JSON.parse(data) });
            at = text.indexOf("\n\n");
          }
        }
        return queue.splice(0, count);
      },
      close: () => reader.cancel().catch(() => {}),
    };
  }

  test("streams rejected attempts with status and reason, in order with events, under one resumable id", async () => {
    const { app, deps } = await makeReceiver();
    await post(app, "/hooks/huawei-live", JSON.stringify(huaweiLiveEvent({ job_id: "earlier" })));
    await deps.committer.drain();
    const controller = new AbortController();
    const res = await app.request("/api/events/stream?rejections=1", { signal: controller.signal });
    const stream = messagesOf(res, ["ready", "event", "rejection"]);
    // The rejection recorded before the client connected is not replayed; the two after it are streamed.
    expect(await stream.next(1)).toMatchObject([{ event: "ready", data: { after: 0, rejectionsAfter: 1 } }]);
    await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "good" })));
    await deps.committer.drain();
    await post(app, "/hooks/huawei-live", JSON.stringify(huaweiLiveEvent({ job_id: "unsigned" })));
    const [event, rejection] = await stream.next(2);
    await stream.close();
    controller.abort();
    expect(event).toMatchObject({ event: "event", id: "1:1", data: { id: 1, vendor: "huawei-live" } });
    expect(rejection).toEqual({
      event: "rejection",
      id: "1:2",
      data: { id: 2, vendor: "huawei-live", receivedAt: expect.any(String), status: 401, reason: "missing_signature" },
    });
  });

  test("Last-Event-ID `events:rejections` resumes both, so nothing is missed across a reconnect", async () => {
    const { app, deps } = await makeReceiver();
    await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "seen" })));
    await post(app, "/hooks/huawei-live", JSON.stringify(huaweiLiveEvent({ job_id: "seen-rejected" })));
    // While the client was away: one event and one rejection.
    await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: "missed" })));
    await post(app, "/hooks/huawei-live", "not json");
    await deps.committer.drain();
    const controller = new AbortController();
    const res = await app.request("/api/events/stream?rejections=true", {
      signal: controller.signal,
      headers: { "last-event-id": "1:1" },
    });
    const stream = messagesOf(res, ["event", "rejection"]);
    const messages = await stream.next(2);
    await stream.close();
    controller.abort();
    expect(messages.map((m) => [m.event, m.data.id, m.id])).toEqual([
      ["event", 2, "2:1"],
      ["rejection", 2, "2:2"],
    ]);
  });

  test("a malformed stream position or flag is a 400 naming it", async () => {
    const { app } = await makeReceiver();
    const bad = await app.request("/api/events/stream?rejections=1", { headers: { "last-event-id": "1:x" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: "invalid_parameter",
      parameter: "Last-Event-ID",
      reason: "not_a_stream_position",
    });
    const flag = await app.request("/api/events/stream?rejections=yes");
    expect(flag.status).toBe(400);
    expect(await flag.json()).toMatchObject({ parameter: "rejections", reason: "not_a_flag" });
  });
});

describe("GET /api/rejections", () => {
  test("lists rejected attempts with their reason", async () => {
    const { app, deps } = await makeReceiver();
    await post(app, "/hooks/huawei-live", JSON.stringify(huaweiLiveEvent()));
    await deps.committer.drain();
    const body = (await json(app.request("/api/rejections"))) as unknown as { rejections: { reason: string }[] };
    expect(body.rejections.map((r) => r.reason)).toEqual(["missing_signature"]);
  });
});

describe("inspector", () => {
  test("served at / as HTML", async () => {
    const { app } = await makeReceiver();
    const res = await app.request("/");
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("livehook receiver");
  });
});

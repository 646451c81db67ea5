import { describe, expect, test } from "vitest";
import { testContext } from "../test/cli-harness.js";
import { type ConnectionChange, followEvents, type RejectedAttempt, sseMessages } from "./receiver-client.js";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });
}

describe("SSE parsing", () => {
  test("messages split across chunks, comments and CRLF", async () => {
    const got = [];
    const body = streamOf([
      "event: ready\ndata: {}\n\n: keep-alive\n\nid: 7\r\nevent: ev",
      'ent\r\ndata: {"id":7}\r\n\r\n',
    ]);
    for await (const m of sseMessages(body)) got.push(m);
    expect(got).toEqual([
      { event: "ready", data: "{}" },
      { event: "event", data: '{"id":7}', id: "7" },
    ]);
  });
});

describe("following the stream", () => {
  const summary = (id: number) => ({
    id,
    vendor: "huawei-rtc",
    receivedAt: "2026-03-01T00:00:00.000Z",
    eventType: "RECORD_FILE_COMPLETE",
    domain: null,
    app: "a",
    stream: "s",
    sessionKey: "j",
    verdict: "verified",
    valid: true,
    duplicates: 0,
  });
  const sse = (...messages: [string, unknown][]) =>
    new Response(streamOf(messages.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)), {
      headers: { "content-type": "text/event-stream" },
    });

  test("a drop, a refused connection and a 503 are said and retried; it resumes after the last event and rejection", async () => {
    const urls: string[] = [];
    const replies: (() => Response)[] = [
      () => sse(["ready", { after: 0, rejectionsAfter: 4 }], ["event", summary(1)]),
      () => {
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) });
      },
      () => new Response("draining", { status: 503 }),
      () =>
        sse(
          ["ready", { after: 1, rejectionsAfter: 4 }],
          [
            "rejection",
            {
              id: 5,
              vendor: "huawei-rtc",
              receivedAt: "2026-03-01T00:00:01.000Z",
              status: 401,
              reason: "bad_signature",
            },
          ],
          ["event", summary(2)],
        ),
    ];
    const stop = new AbortController();
    const events: number[] = [];
    const rejections: RejectedAttempt[] = [];
    const changes: ConnectionChange[] = [];
    const { ctx } = testContext({
      fetch: (async (url: string) => {
        urls.push(url);
        const next = replies.shift();
        if (next === undefined) {
          stop.abort();
          throw new DOMException("aborted", "AbortError");
        }
        return next();
      }) as typeof fetch,
    });
    await followEvents(ctx, "http://r", {
      after: 0,
      signal: stop.signal,
      onEvent: (e) => events.push(e.id),
      onRejection: (r) => rejections.push(r),
      onConnection: (c) => changes.push(c),
    });
    expect(events).toEqual([1, 2]);
    expect(rejections.map((r) => [r.id, r.status, r.reason])).toEqual([[5, 401, "bad_signature"]]);
    expect(urls).toEqual([
      "http://r/api/events/stream?after=0&rejections=1",
      "http://r/api/events/stream?after=1&rejections=1&rejectionsAfter=4",
      "http://r/api/events/stream?after=1&rejections=1&rejectionsAfter=4",
      "http://r/api/events/stream?after=1&rejections=1&rejectionsAfter=4",
      "http://r/api/events/stream?after=2&rejections=1&rejectionsAfter=5",
    ]);
    expect(changes).toEqual([
      { state: "lost", cause: "the receiver closed the stream", attempt: 1, retryInMs: 250 },
      { state: "lost", cause: "ECONNREFUSED", attempt: 2, retryInMs: 500 },
      { state: "lost", cause: "HTTP 503", attempt: 3, retryInMs: 1000 },
      { state: "back", afterEvent: 1 },
      { state: "lost", cause: "the receiver closed the stream", attempt: 1, retryInMs: 250 },
    ]);
  });
});

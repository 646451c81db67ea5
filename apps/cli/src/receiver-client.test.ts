import { describe, expect, test } from "vitest";
import { eventIdentity } from "./event-identity.js";
import { sseMessages } from "./receiver-client.js";

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

describe("event identity", () => {
  test("ignores key order and Huawei Live's auth fields, nothing else", () => {
    const a = { event_type: "RECORD_OVER", task_id: "t", auth_sign: "aa", auth_timestamp: 1 };
    const b = { task_id: "t", event_type: "RECORD_OVER", auth_sign: "bb", auth_timestamp: 2 };
    expect(eventIdentity("huawei-live", a)).toBe(eventIdentity("huawei-live", b));
    expect(eventIdentity("huawei-live", a)).not.toBe(eventIdentity("huawei-live", { ...a, task_id: "u" }));
    expect(eventIdentity("huawei-live", a)).not.toBe(eventIdentity("huawei-rtc", a));
  });
});

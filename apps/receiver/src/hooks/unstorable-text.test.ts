/**
 * Issue 15, item 1: a verified event whose text holds bytes PostgreSQL refuses (NUL) or no store keeps (a lone
 * surrogate) must not fail its batch-mates, and must itself be stored losslessly and flagged, on both stores.
 */
import { describe, expect, test } from "vitest";
import {
  aliyunFileEvent,
  huaweiLiveEvent,
  huaweiRtcEvent,
  makeReceiver,
  openConnections,
  post,
  STORE_KINDS,
  signedAliyun,
  signedHuaweiLive,
  signedHuaweiRtc,
} from "../../test/helpers.js";
import type { EventStore, NewEvent } from "../store/types.js";
import { huaweiLiveHook } from "./huawei-live.js";
import { processCallback } from "./receive-callback.js";

type Detail = Record<string, unknown> & {
  rawBody: string;
  issues: { code: string; path: string[] }[];
  headers: Record<string, string>;
};

/** Records the size of every batch the store is handed, to show the hostile events shared theirs. */
function watched(store: EventStore): { store: EventStore; batches: (readonly NewEvent[])[] } {
  const batches: (readonly NewEvent[])[] = [];
  return {
    batches,
    store: {
      ...store,
      writeBatch: (events) => {
        batches.push(events);
        return store.writeBatch(events);
      },
    },
  };
}

const hostile = [
  {
    name: "NUL in task_id",
    path: "/hooks/huawei-live",
    raw: signedHuaweiLive(huaweiLiveEvent({ task_id: "t\u0000" })),
  },
  {
    name: "lone surrogate in stream, NUL in an unknown field's name",
    path: "/hooks/huawei-live",
    raw: signedHuaweiLive(huaweiLiveEvent({ job_id: "j-2", stream: "s\ud800", "odd\u0000name": 1 })),
  },
  {
    name: "NUL in a SparkRTC job id (the file-sequence scope too)",
    raw: JSON.stringify(huaweiRtcEvent({ job_id: "job\u0000" })),
    path: "/hooks/huawei-rtc",
  },
  {
    name: "NUL and a lone low surrogate in Alibaba's domain and app",
    raw: JSON.stringify(aliyunFileEvent({ domain: "d\u0000", app: "\udc00a" })),
    path: "/hooks/aliyun-live",
  },
];
const headersFor = (path: string, raw: string) =>
  path === "/hooks/huawei-rtc"
    ? signedHuaweiRtc(raw)
    : path === "/hooks/aliyun-live"
      ? signedAliyun()
      : { "content-type": "application/json" };

async function scenario(open: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>) {
  const opened = await open();
  const { store, batches } = watched(opened.store);
  const { app } = await makeReceiver({ store });
  try {
    const honest = Array.from({ length: 12 }, (_, i) => signedHuaweiLive(huaweiLiveEvent({ job_id: `honest-${i}` })));
    // Sent together, so the group committer writes hostile and honest events in the same transactions.
    const sends = [
      ...honest.map((raw) => ({ path: "/hooks/huawei-live", raw })),
      ...hostile.map(({ path, raw }) => ({ path, raw })),
    ];
    await openConnections(app, sends.length);
    const replies = await Promise.all(sends.map(({ path, raw }) => post(app, path, raw, headersFor(path, raw))));
    expect(replies.map((r) => r.status)).toEqual(sends.map(() => 200));
    const ids = replies.map((r) => Number(r.headers.get("x-livehook-event-id")));
    expect(new Set(ids).size).toBe(sends.length);
    // At least one transaction held a hostile event and honest ones.
    const hostileBatch = batches.find(
      (b) => b.some((e) => e.sessionKey?.startsWith("t\ufffd")) && b.some((e) => e.fileKey?.startsWith("honest")),
    );
    expect(hostileBatch).toBeDefined();
    expect(await store.countEvents()).toBe(sends.length);

    const details: Detail[] = [];
    for (const [i, id] of ids.entries()) {
      const res = await app.request(`/api/events/${id}`);
      expect(res.status).toBe(200);
      const detail = (await res.json()) as Detail;
      // Lossless: the stored bytes are the bytes received.
      const stored = await store.getEvent(id);
      expect(Buffer.from(stored?.rawBody ?? []).equals(Buffer.from(sends[i]?.raw ?? ""))).toBe(true);
      expect(detail.rawBody).toBe(sends[i]?.raw);
      details.push(detail);
    }
    return { details, honestCount: honest.length };
  } finally {
    await store.close();
    await opened.cleanup();
  }
}

describe("text a store cannot keep as it is", () => {
  test("hostile events in a batch: every event answered 200 and stored, the hostile ones flagged, same on both stores", async () => {
    const results = [];
    for (const { open } of STORE_KINDS) results.push(await scenario(open));
    const [sqlite, postgres] = results;
    for (const { details, honestCount } of results) {
      for (const honest of details.slice(0, honestCount)) expect(honest.issues).toEqual([]);
      const [task, stream, rtc, aliyun] = details.slice(honestCount);
      expect(task).toMatchObject({ sessionKey: "t\ufffd", body: { task_id: "t\u0000" }, valid: true });
      expect(task?.issues).toEqual([expect.objectContaining({ code: "text_altered", path: ["sessionKey"] })]);
      expect(stream).toMatchObject({
        stream: "s\ufffd",
        body: { stream: "s\ud800" },
        unknownFields: ["odd\u0000name"],
      });
      expect(stream?.issues.map((i) => i.path[0])).toEqual(["stream"]);
      expect(rtc).toMatchObject({ sessionKey: "job\ufffd", body: { job_id: "job\u0000" } });
      expect(rtc?.issues.map((i) => i.path[0])).toEqual(["sessionKey"]);
      expect(aliyun).toMatchObject({ domain: "d\ufffd", app: "\ufffda" });
      expect(aliyun?.issues.map((i) => i.path[0])).toEqual(["domain", "app", "sessionKey"]);
    }
    // The API gives the same answer for the same bytes on either store (ids and session aside, and the Host
    // header, which names each store's receiver by its own port).
    const comparable = (d: Detail) => {
      const { id: _id, session: _session, headers, ...rest } = d;
      const { host: _host, ...otherHeaders } = headers;
      return { ...rest, headers: otherHeaders };
    };
    expect(postgres?.details.map(comparable)).toEqual(sqlite?.details.map(comparable));
  });

  test.each(STORE_KINDS)("headers with NUL and lone surrogates are kept as received on $kind", async ({ open }) => {
    const { store, cleanup } = await open();
    try {
      const { deps } = await makeReceiver({ store });
      const hook = huaweiLiveHook({ signTypes: ["HMACSHA256"], graceSeconds: 300 });
      const raw = new TextEncoder().encode(signedHuaweiLive(huaweiLiveEvent({ job_id: "odd-headers" })));
      // node:http refuses such header values, but processCallback takes whatever an embedding hands it.
      const headers = { "content-type": "application/json", "x-odd": "a\u0000b\ud800c" };
      const reply = await processCallback(hook, deps, {
        raw,
        headers,
        receivedAt: deps.clock.now(),
        started: performance.now(),
      });
      expect(reply.status).toBe(200);
      const stored = await store.getEvent(Number(reply.headers["x-livehook-event-id"]));
      expect(stored?.headers["x-odd"]).toBe("a\u0000b\ud800c");
      expect(Buffer.from(stored?.rawBody ?? []).equals(Buffer.from(raw))).toBe(true);
    } finally {
      await store.close();
      await cleanup();
    }
  });
});

test("a row the store refuses is answered 422 unstorable_event and recorded as rejected, never 503", async () => {
  const { store: base } = await makeReceiver();
  const store: EventStore = {
    ...base,
    writeBatch: async (events) =>
      events.map(() => ({ status: "refused" as const, id: null, reason: "sqlstate 22021" })),
  };
  const { app, deps } = await makeReceiver({ store });
  const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()));
  expect(res.status).toBe(422);
  expect(await res.json()).toEqual({ error: "unstorable_event" });
  await deps.committer.drain();
  expect((await base.listRejections({ limit: 5 })).map((r) => [r.status, r.reason])).toEqual([
    [422, "unstorable_event"],
  ]);
});

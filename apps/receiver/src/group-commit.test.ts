import { expect, onTestFinished, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, openConnections, post, signedHuaweiLive } from "../test/helpers.js";
import { GroupCommitter, MAX_QUEUED_REJECTIONS, StoreWaitExceeded } from "./group-commit.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import { newEvent } from "./store/store.suite.js";
import type { EventStore } from "./store/types.js";

/** An in-memory store, closed when the test ends. */
async function memoryStore(): Promise<EventStore> {
  const store = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
  onTestFinished(() => store.close());
  return store;
}

function counting(store: EventStore) {
  const batches: number[] = [];
  const wrapped: EventStore = {
    ...store,
    writeBatch: (events) => {
      batches.push(events.length);
      return store.writeBatch(events);
    },
  };
  return { wrapped, batches };
}

test("events submitted in one event-loop turn share one transaction", async () => {
  const { wrapped, batches } = counting(await memoryStore());
  const committer = new GroupCommitter(wrapped);
  const outcomes = await Promise.all(Array.from({ length: 30 }, () => committer.submit(newEvent())));
  expect(outcomes.every((o) => o.status === "stored")).toBe(true);
  expect(batches).toEqual([30]);
  await committer.submit(newEvent());
  expect(batches).toEqual([30, 1]);
});

test("while a batch is being written, arrivals wait for the next batch", async () => {
  const base = await memoryStore();
  const batches: number[] = [];
  let release: () => void = () => {};
  let first = true;
  const slow: EventStore = {
    ...base,
    writeBatch: async (events) => {
      batches.push(events.length);
      if (first) {
        first = false;
        await new Promise<void>((r) => {
          release = r;
        });
      }
      return base.writeBatch(events);
    },
  };
  const committer = new GroupCommitter(slow);
  const a = committer.submit(newEvent());
  await new Promise((r) => setImmediate(r));
  const more = Array.from({ length: 5 }, () => committer.submit(newEvent()));
  await new Promise((r) => setImmediate(r));
  expect(batches).toEqual([1]);
  release();
  await Promise.all([a, ...more]);
  expect(batches).toEqual([1, 5]);
});

test("a failed batch rejects every event in it and the next batch still runs", async () => {
  const base = await memoryStore();
  let fail = true;
  const flaky: EventStore = {
    ...base,
    writeBatch: async (events) => {
      if (fail) {
        fail = false;
        throw new Error("SQLITE_FULL");
      }
      return base.writeBatch(events);
    },
  };
  const committer = new GroupCommitter(flaky);
  const results = await Promise.allSettled([committer.submit(newEvent()), committer.submit(newEvent())]);
  expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  expect((await committer.submit(newEvent())).status).toBe("stored");
});

test("concurrent HTTP deliveries are committed together", async () => {
  const { wrapped, batches } = counting(await memoryStore());
  const { app } = await makeReceiver({ store: wrapped });
  await openConnections(app, 10);
  const replies = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: `job-${i}` }))),
    ),
  );
  expect(replies.every((r) => r.status === 200)).toBe(true);
  expect(batches.reduce((a, b) => a + b, 0)).toBe(10);
  expect(batches.length).toBeLessThan(10);
});

test("drain waits for queued events and rejections", async () => {
  const store = await memoryStore();
  const committer = new GroupCommitter(store);
  void committer.submit(newEvent());
  committer.recordRejection({
    vendor: "huawei-rtc",
    receivedAt: 0,
    reason: "expired",
    status: 401,
    headers: {},
    rawBody: new Uint8Array(),
  });
  await committer.drain();
  expect(await store.countEvents()).toBe(1);
  expect(await store.listRejections({ limit: 5 })).toHaveLength(1);
});

test("rejections waiting for a slow store are capped; the excess is reported, never queued", async () => {
  const base = await memoryStore();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const slow: EventStore = {
    ...base,
    recordRejections: async (rs, keep) => {
      await gate;
      return base.recordRejections(rs, keep);
    },
  };
  let dropped = 0;
  const committer = new GroupCommitter(slow, { keepRejectionsPerVendor: 5000, onRejectionDropped: () => dropped++ });
  const rejection = (n: number) => ({
    vendor: "huawei-rtc" as const,
    receivedAt: n,
    reason: "bad_signature",
    status: 401,
    headers: {},
    rawBody: new Uint8Array([n % 256]),
  });
  committer.recordRejection(rejection(0));
  await new Promise((r) => setImmediate(r));
  // The first one is being written (and stuck); the queue behind it fills up to the cap.
  for (let i = 1; i <= MAX_QUEUED_REJECTIONS + 50; i++) committer.recordRejection(rejection(i));
  expect(dropped).toBe(50);
  release();
  await committer.drain();
  expect((await base.listRejections({ limit: 5000 })).length).toBe(MAX_QUEUED_REJECTIONS + 1);
});

test("rejected attempts are recorded at a bounded rate per vendor; the excess is reported, never queued", async () => {
  const store = await memoryStore();
  const dropped: string[] = [];
  const committer = new GroupCommitter(store, {
    rejectionRate: { perSecond: 10, burst: 5 },
    onRejectionDropped: (r) => dropped.push(`${r.vendor}@${r.receivedAt}`),
  });
  const rejection = (vendor: "huawei-rtc" | "aliyun-live", receivedAt: number) => ({
    vendor,
    receivedAt,
    reason: "missing_signature",
    status: 401,
    headers: {},
    rawBody: new Uint8Array(),
  });
  // A burst of 8 at t=0: 5 recorded. Another vendor has a bucket of its own.
  for (let i = 0; i < 8; i++) committer.recordRejection(rejection("huawei-rtc", 1_000_000));
  committer.recordRejection(rejection("aliyun-live", 1_000_000));
  // 350 ms later, 3 tokens have come back (10 per second), whatever is sent.
  for (let i = 0; i < 6; i++) committer.recordRejection(rejection("huawei-rtc", 1_000_350));
  // A clock stepping back mints nothing.
  committer.recordRejection(rejection("huawei-rtc", 999_000));
  await committer.drain();
  expect((await store.listRejections({ vendor: "huawei-rtc", limit: 100 })).length).toBe(8);
  expect((await store.listRejections({ vendor: "aliyun-live", limit: 100 })).length).toBe(1);
  expect(dropped).toEqual([
    ...Array(3).fill("huawei-rtc@1000000"),
    ...Array(3).fill("huawei-rtc@1000350"),
    "huawei-rtc@999000",
  ]);
});

test("a store with a pipeline depth gets that many batches at once, and they settle in order", async () => {
  const base = await memoryStore();
  let outstanding = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const pipelined: EventStore = {
    ...base,
    pipelineDepth: 3,
    writeBatch: async (events) => {
      outstanding++;
      most = Math.max(most, outstanding);
      await new Promise<void>((r) => releases.push(r));
      outstanding--;
      return base.writeBatch(events);
    },
  };
  const committer = new GroupCommitter(pipelined, { maxBatch: 2 });
  const settled: number[] = [];
  const all = Array.from({ length: 10 }, (_, i) => committer.submit(newEvent()).then(() => settled.push(i)));
  for (let turn = 0; turn < 5; turn++) await new Promise((r) => setImmediate(r));
  expect(outstanding).toBe(3);
  const drained = committer.drain();
  while (settled.length < 10) {
    releases.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(all);
  await drained;
  expect(most).toBe(3);
  expect(settled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(await base.countEvents()).toBe(10);
});

test("a store slower than the bound: submitters get StoreWaitExceeded in time, and a late commit is still stored", async () => {
  const base = await memoryStore();
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const blocked: EventStore = {
    ...base,
    // One transaction at a time, like the inline SQLite writer, so later events queue behind the blocked one.
    writeBatch: async (events) => {
      await gate;
      return base.writeBatch(events);
    },
  };
  const committer = new GroupCommitter(blocked, { storeWaitMs: 200 });
  const started = performance.now();
  const first = committer.submit(newEvent({ idemKeys: ["late-1"] }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Queued behind the blocked write: never handed to the store before its deadline.
  const queued = committer.submit(newEvent({ idemKeys: ["queued-1"] }));
  await expect(first).rejects.toThrow(StoreWaitExceeded);
  const firstAnswered = performance.now() - started;
  await expect(queued).rejects.toThrow(StoreWaitExceeded);
  const queuedAnswered = performance.now() - started;
  expect(firstAnswered).toBeGreaterThanOrEqual(195);
  expect(firstAnswered).toBeLessThan(600);
  expect(queuedAnswered).toBeLessThan(650);
  expect(committer.stalledMs()).toBeGreaterThanOrEqual(200);

  release();
  await committer.drain();
  expect(committer.stalledMs()).toBe(0);
  // The blocked write committed after its deadline: stored, unacknowledged, and the retry is its duplicate.
  expect(await base.countEvents()).toBe(1);
  expect((await committer.submit(newEvent({ idemKeys: ["late-1"] }))).status).toBe("duplicate");
  // The queued event was dropped before any write, so its retry is new.
  expect((await committer.submit(newEvent({ idemKeys: ["queued-1"] }))).status).toBe("stored");
});

test("the bound arms itself again for events that arrive while every pipeline slot holds an expired write", async () => {
  const base = await memoryStore();
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const blocked: EventStore = { ...base, writeBatch: async (events) => gate.then(() => base.writeBatch(events)) };
  const committer = new GroupCommitter(blocked, { storeWaitMs: 100 });
  await expect(committer.submit(newEvent())).rejects.toThrow(StoreWaitExceeded);
  const started = performance.now();
  await expect(committer.submit(newEvent())).rejects.toThrow(StoreWaitExceeded);
  expect(performance.now() - started).toBeLessThan(400);
  release();
  await committer.drain();
  expect(await base.countEvents()).toBe(1);
});

/**
 * Issue 15, item 2: a validly signed body nested thousands of levels deep once overflowed the stack in the
 * idempotency digest and was answered 503, which the vendor retries forever. It is refused with a 4xx and a
 * reason, recorded as a rejected attempt, and the receiver goes on storing honest events. On both stores.
 */
import { afterEach, describe, expect, test } from "vitest";
import {
  aliyunFileEvent,
  huaweiLiveEvent,
  huaweiRtcEvent,
  makeReceiver,
  openTestStore,
  post,
  STORE_KINDS,
  signedAliyun,
  signedHuaweiLive,
  signedHuaweiRtc,
  type TestStore,
} from "../../test/helpers.js";
import { huaweiRtcHook } from "./huawei-rtc.js";
import { processCallback } from "./receive-callback.js";

/** JSON text of arrays nested `depth` levels. */
const nestedArrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
/** JSON text of objects nested `depth` levels, each with one key. */
const nestedObjects = (depth: number) => `${'{"n":'.repeat(depth)}0${"}".repeat(depth)}`;

/** A validly signed delivery of `vendor` whose body carries `deep` (JSON text) as one more field. */
function signedDeepDelivery(vendor: "huawei-live" | "huawei-rtc" | "aliyun-live", deep: string) {
  if (vendor === "huawei-live") {
    // Signed by core, then the deep field is spliced in before the closing brace: unsigned fields stay unsigned.
    const signed = signedHuaweiLive(huaweiLiveEvent());
    return { path: "/hooks/huawei-live", body: `${signed.slice(0, -1)},"extra":${deep}}`, headers: undefined };
  }
  if (vendor === "huawei-rtc") {
    const body = `${JSON.stringify(huaweiRtcEvent()).slice(0, -1)},"extra":${deep}}`;
    return { path: "/hooks/huawei-rtc", body, headers: signedHuaweiRtc(body) };
  }
  const body = `${JSON.stringify(aliyunFileEvent()).slice(0, -1)},"push_args":${deep}}`;
  return { path: "/hooks/aliyun-live", body, headers: signedAliyun() };
}

describe.each(STORE_KINDS)("deeply nested bodies ($kind)", ({ kind }) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  test.each(["huawei-live", "huawei-rtc", "aliyun-live"] as const)(
    "%s: signed, 3,000 and 100,000 levels: 400 too_deeply_nested, recorded; an honest event is stored after",
    async (vendor) => {
      opened = await openTestStore(kind);
      const { app, deps, store } = await makeReceiver({ store: opened.store, config: { bodyLimitBytes: 1 << 20 } });
      for (const deep of [nestedArrays(3000), nestedObjects(3000), nestedArrays(100_000)]) {
        const attack = signedDeepDelivery(vendor, deep);
        const res = await post(app, attack.path, attack.body, attack.headers);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ error: "too_deeply_nested" });
      }
      await deps.committer.drain();
      const rejected = await store.listRejections({ vendor, limit: 10 });
      expect(rejected.map((r) => [r.status, r.reason])).toEqual([
        [400, "too_deeply_nested"],
        [400, "too_deeply_nested"],
        [400, "too_deeply_nested"],
      ]);
      expect(await store.countEvents()).toBe(0);
      expect(deps.metrics.render()).toContain(
        `livehook_events_rejected_total{vendor="${vendor}",reason="too_deeply_nested"} 3`,
      );
      expect(deps.metrics.render()).toContain("livehook_store_failures_total 0");

      const honest = signedDeepDelivery(vendor, "[]");
      const ok = await post(app, honest.path, honest.body, honest.headers);
      expect(ok.status).toBe(200);
      expect(await store.countEvents()).toBe(1);
    },
  );

  test("a body exactly at the bound (32 levels) is stored", async () => {
    opened = await openTestStore(kind);
    const { app, store } = await makeReceiver({ store: opened.store });
    // The top-level object is level 1, so the field holds 31 more.
    const atBound = signedDeepDelivery("huawei-rtc", nestedArrays(31));
    expect((await post(app, atBound.path, atBound.body, atBound.headers)).status).toBe(200);
    const beyond = signedDeepDelivery("huawei-rtc", nestedArrays(32));
    expect((await post(app, beyond.path, beyond.body, beyond.headers)).status).toBe(400);
    expect(await store.countEvents()).toBe(1);
  });

  test("an unexpected failure before the write is a 422 with a reason, never 503 store_unavailable", async () => {
    opened = await openTestStore(kind);
    const { deps, store } = await makeReceiver({ store: opened.store });
    const failing = {
      ...huaweiRtcHook({ toleranceSeconds: 300 }),
      facts: () => {
        throw new RangeError("Maximum call stack size exceeded");
      },
    };
    const body = JSON.stringify(huaweiRtcEvent());
    const reply = await processCallback(failing, deps, {
      raw: new TextEncoder().encode(body),
      headers: signedHuaweiRtc(body),
      receivedAt: deps.clock.now(),
      started: performance.now(),
    });
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({ error: "unprocessable_body" });
    await deps.committer.drain();
    expect((await store.listRejections({ limit: 1 }))[0]).toMatchObject({ status: 422, reason: "unprocessable_body" });
    expect(deps.metrics.render()).toContain("livehook_store_failures_total 0");
  });
});

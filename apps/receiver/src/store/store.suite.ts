/**
 * The storage contract, run against SQLite (sqlite-store.test.ts) and PostgreSQL (postgres-store.test.ts).
 * Not a test file itself: each implementation calls `storeSuite` with its own factory.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { EventQuery, EventStore, NewEvent, NewRejection, VerdictFilter } from "./types.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");

export function newEvent(over: Partial<NewEvent> = {}): NewEvent {
  return {
    vendor: "huawei-live",
    receivedAt: T0,
    idemKeys: [`huawei-live:${Math.random().toString(16).slice(2)}`],
    eventType: "RECORD_NEW_FILE_START",
    domain: "push.example.com",
    app: "live",
    stream: "s1",
    sessionKey: "task-1",
    fileKey: "job-1",
    eventTime: T0,
    authScope: "fields",
    signatureKey: null,
    signatureGraceSeconds: null,
    keyIndex: 0,
    valid: true,
    issues: [],
    unknownFields: [],
    headers: { "content-type": "application/json" },
    rawBody: new TextEncoder().encode('{"a":1}'),
    forward: false,
    ...over,
  };
}

/**
 * What a Huawei Live completion sent at T0 carries: a signature key for its `auth_timestamp` (T0 + 300 s, an
 * expiry, D6) and the receiver's default grace after it.
 */
export function signedAtT0(hex: string): Pick<NewEvent, "signatureKey" | "signatureGraceSeconds"> {
  const stamp = T0 / 1000 + 300;
  return { signatureKey: `t${stamp.toString(36).padStart(7, "0")}:${hex}`, signatureGraceSeconds: 300 };
}

export function storeSuite(name: string, open: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>) {
  describe(`${name} store`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    test("substring filters: anywhere in the value, ASCII case-insensitive, LIKE wildcards match themselves", async () => {
      await store.writeBatch([
        newEvent({ eventType: "RECORD_FILE_COMPLETE", stream: "cam_1" }),
        newEvent({ eventType: "RECORD_NEW_FILE_START", stream: "cam%1" }),
        newEvent({ eventType: "record_over", stream: "camX1", domain: "push\\example" }),
        newEvent({ eventType: null, stream: null, app: "other" }),
      ]);
      const types = async (contains: NonNullable<EventQuery["contains"]>) =>
        (await store.listEvents({ contains, limit: 10 })).map((e) => e.stream).sort();
      expect(await types({ eventType: "file" })).toEqual(["cam%1", "cam_1"]);
      expect(await types({ eventType: "Record_O" })).toEqual(["camX1"]);
      // `_` and `%` are themselves, not "any character" and "anything".
      expect(await types({ stream: "m_1" })).toEqual(["cam_1"]);
      expect(await types({ stream: "m%1" })).toEqual(["cam%1"]);
      expect(await types({ domain: "h\\e" })).toEqual(["camX1"]);
      expect(await types({ stream: "cam", eventType: "start" })).toEqual(["cam%1"]);
      expect(await types({ app: "x" })).toEqual([]);
    });

    test("stores an event and reads it back byte for byte", async () => {
      const raw = new Uint8Array([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x31, 0x7d]);
      const [outcome] = await store.writeBatch([
        newEvent({ rawBody: raw, issues: [{ path: ["x"] }], unknownFields: ["u"], headers: { a: "b" } }),
      ]);
      expect(outcome?.status).toBe("stored");
      const stored = await store.getEvent(outcome?.id ?? -1);
      expect(stored).toMatchObject({
        vendor: "huawei-live",
        receivedAt: T0,
        eventType: "RECORD_NEW_FILE_START",
        sessionKey: "task-1",
        fileKey: "job-1",
        eventTime: T0,
        authScope: "fields",
        anomaly: null,
        valid: true,
        issues: [{ path: ["x"] }],
        unknownFields: ["u"],
        headers: { a: "b" },
        duplicates: 0,
      });
      expect(Array.from(stored?.rawBody ?? [])).toEqual(Array.from(raw));
      expect(await store.getEvent(9999)).toBeUndefined();
    });

    test("JSON columns keep NUL and lone surrogates exactly (JSON escapes them), and so does the raw body", async () => {
      const odd = "a\u0000b\ud800c\udc00";
      const raw = new TextEncoder().encode(JSON.stringify({ odd }));
      const [outcome] = await store.writeBatch([
        newEvent({ rawBody: raw, issues: [{ message: odd }], unknownFields: [odd], headers: { [odd]: odd } }),
      ]);
      const stored = await store.getEvent(outcome?.id ?? -1);
      expect(stored).toMatchObject({ issues: [{ message: odd }], unknownFields: [odd], headers: { [odd]: odd } });
      expect(Buffer.from(stored?.rawBody ?? []).equals(Buffer.from(raw))).toBe(true);
    });

    test("a key already claimed is a duplicate, within a batch and across batches", async () => {
      const outcomes = await store.writeBatch([newEvent({ idemKeys: ["k1"] }), newEvent({ idemKeys: ["k1"] })]);
      expect(outcomes.map((o) => o.status)).toEqual(["stored", "duplicate"]);
      expect(outcomes[1]?.id).toBe(outcomes[0]?.id);
      const [again] = await store.writeBatch([newEvent({ idemKeys: ["k1"] })]);
      expect(again).toEqual({ status: "duplicate", id: outcomes[0]?.id });
      expect(await store.countEvents()).toBe(1);
      expect((await store.getEvent(outcomes[0]?.id ?? 0))?.duplicates).toBe(2);
    });

    test("identity-less events: any shared claim makes a duplicate, and a duplicate keeps no claim", async () => {
      const [a] = await store.writeBatch([newEvent({ idemKeys: ["h:w0", "h:w1"] })]);
      const [b] = await store.writeBatch([newEvent({ idemKeys: ["h:w1", "h:w2"] })]);
      expect(a?.status).toBe("stored");
      expect(b).toEqual({ status: "duplicate", id: a?.id });
      // h:w2 was not kept by the duplicate, so an event two windows after the first is new.
      const [c] = await store.writeBatch([newEvent({ idemKeys: ["h:w2", "h:w3"] })]);
      expect(c?.status).toBe("stored");
    });

    test("one batch gives the same outcomes as writing its events one by one", async () => {
      const outcomes = await store.writeBatch([
        newEvent({ idemKeys: ["s:w0", "s:w1"] }),
        newEvent({ idemKeys: ["s:w1", "s:w2"] }),
        newEvent({ idemKeys: ["s:w2", "s:w3"] }),
        newEvent({ idemKeys: ["solo"] }),
        newEvent({ idemKeys: ["solo"] }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(["stored", "duplicate", "stored", "stored", "duplicate"]);
      expect(outcomes[1]?.id).toBe(outcomes[0]?.id);
      expect(outcomes[4]?.id).toBe(outcomes[3]?.id);
      expect((await store.getEvent(outcomes[0]?.id ?? 0))?.duplicates).toBe(1);
      expect(await store.countEvents()).toBe(3);
    });

    test("lists with filters, newest first, with cursor and after", async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const [o] = await store.writeBatch([
          newEvent({
            vendor: i % 2 === 0 ? "huawei-live" : "aliyun-live",
            receivedAt: T0 + i * 1000,
            stream: `s${i}`,
            authScope: i === 3 ? "none" : i === 1 ? "body" : "fields",
            valid: i !== 4,
          }),
        ]);
        ids.push(o?.id ?? 0);
      }
      const all = await store.listEvents({ limit: 10 });
      expect(all.map((e) => e.id)).toEqual([...ids].reverse());
      expect((await store.listEvents({ limit: 10, vendor: "aliyun-live" })).map((e) => e.id)).toEqual([ids[3], ids[1]]);
      expect((await store.listEvents({ limit: 10, stream: "s2" })).map((e) => e.id)).toEqual([ids[2]]);
      expect((await store.listEvents({ limit: 10, since: T0 + 1000, until: T0 + 3000 })).map((e) => e.id)).toEqual([
        ids[2],
        ids[1],
      ]);
      const byVerdict = async (verdict: VerdictFilter) =>
        (await store.listEvents({ limit: 10, verdict })).map((e) => e.id);
      expect(await byVerdict("body_authenticated")).toEqual([ids[1]]);
      expect(await byVerdict("body_unauthenticated")).toEqual([ids[4], ids[3], ids[2], ids[0]]);
      expect(await byVerdict("fields_authenticated")).toEqual([ids[4], ids[2], ids[0]]);
      expect(await byVerdict("signature_only")).toEqual([ids[3]]);
      expect(await byVerdict("forged_variant")).toEqual([]);
      expect((await store.listEvents({ limit: 10, verdict: "invalid" })).map((e) => e.id)).toEqual([ids[4]]);
      expect((await store.listEvents({ limit: 2, before: ids[3] })).map((e) => e.id)).toEqual([ids[2], ids[1]]);
      expect((await store.listEvents({ limit: 2, after: ids[1] })).map((e) => e.id)).toEqual([ids[2], ids[3]]);
    });

    test("a second event with a stored signature key is stored and both are flagged as forged variants", async () => {
      const signature = signedAtT0("0123456789abcdef0123456789abcdef");
      const [first] = await store.writeBatch([newEvent(signature)]);
      // Another event (its own idempotency key) under the same signature, then a third in one batch with a fourth
      // that carries a different signature.
      const [second] = await store.writeBatch([newEvent(signature)]);
      const [third, other] = await store.writeBatch([
        newEvent(signature),
        newEvent(signedAtT0("ffffffffffffffffffffffffffffffff")),
      ]);
      expect(first).toEqual({ status: "stored", id: expect.any(Number) });
      const firstId = first?.id as number;
      expect(second).toEqual({ status: "stored", id: expect.any(Number), forgedVariantOf: firstId });
      expect(third).toEqual({ status: "stored", id: expect.any(Number), forgedVariantOf: firstId });
      expect(other).toEqual({ status: "stored", id: expect.any(Number) });
      const anomalyOf = async (id: number | null | undefined) => (await store.getEvent(id ?? -1))?.anomaly;
      // The first points at the first variant stored; each variant at the first.
      expect(await anomalyOf(firstId)).toEqual({ kind: "forged_variant", otherEventId: second?.id });
      expect(await anomalyOf(second?.id)).toEqual({ kind: "forged_variant", otherEventId: firstId });
      expect(await anomalyOf(third?.id)).toEqual({ kind: "forged_variant", otherEventId: firstId });
      expect(await anomalyOf(other?.id)).toBeNull();
      const flagged = (await store.listEvents({ limit: 10, verdict: "forged_variant" })).map((e) => e.id);
      expect(flagged).toEqual([third?.id, second?.id, firstId]);
    });

    test("variants within one batch are flagged too, and a duplicate is never a variant", async () => {
      const signature = signedAtT0("0123456789abcdef0123456789abcdef");
      const idemKeys = ["huawei-live:same-event"];
      const outcomes = await store.writeBatch([
        newEvent({ ...signature, idemKeys }),
        newEvent({ ...signature, idemKeys }),
        newEvent(signature),
      ]);
      const firstId = outcomes[0]?.status === "stored" ? outcomes[0].id : -1;
      expect(outcomes[1]).toEqual({ status: "duplicate", id: firstId });
      expect(outcomes[2]).toEqual({ status: "stored", id: expect.any(Number), forgedVariantOf: firstId });
      expect((await store.getEvent(firstId))?.anomaly).toEqual({
        kind: "forged_variant",
        otherEventId: outcomes[2]?.id,
      });
    });

    test("records rejections", async () => {
      await store.recordRejections(
        [
          {
            vendor: "huawei-rtc",
            receivedAt: T0,
            reason: "expired",
            status: 401,
            headers: { x: "y" },
            rawBody: new Uint8Array([1]),
          },
        ],
        10,
      );
      const [r] = await store.listRejections({ limit: 5 });
      expect(r).toMatchObject({ vendor: "huawei-rtc", reason: "expired", status: 401, headers: { x: "y" } });
      expect(await store.countEvents()).toBe(0);
    });

    test("keeps only the newest rejections of each vendor", async () => {
      const rejection = (vendor: NewRejection["vendor"], n: number): NewRejection => ({
        vendor,
        receivedAt: T0 + n,
        reason: `r${n}`,
        status: 401,
        headers: {},
        rawBody: new Uint8Array([n]),
      });
      await store.recordRejections([rejection("aliyun-live", 0)], 3);
      for (let batch = 0; batch < 4; batch++) {
        const rs = Array.from({ length: 5 }, (_, i) => rejection("huawei-rtc", batch * 5 + i));
        await store.recordRejections(rs, 3);
      }
      const rtc = await store.listRejections({ vendor: "huawei-rtc", limit: 100 });
      expect(rtc.map((r) => r.reason)).toEqual(["r19", "r18", "r17"]);
      // Another vendor's flood does not evict this one's records.
      expect((await store.listRejections({ vendor: "aliyun-live", limit: 100 })).map((r) => r.reason)).toEqual(["r0"]);
      // Following from a cursor: ids above it, oldest first.
      const [, , oldest] = rtc;
      const after = await store.listRejections({ after: oldest?.id, limit: 100 });
      expect(after.map((r) => r.reason)).toEqual(["r18", "r19"]);
    });

    describe("file starts sequenced by stored completions", () => {
      const start = (keys: string[], scope = "job-1:HLS") =>
        newEvent({ idemKeys: keys, fileSequence: { scope, role: "start" } });
      const complete = (key: string, scope = "job-1:HLS") =>
        newEvent({ idemKeys: [key], fileSequence: { scope, role: "complete" } });

      test("a repeated start is a duplicate until a completion of its scope is stored", async () => {
        const [s1] = await store.writeBatch([start(["st:w0", "st:w1"])]);
        expect(s1?.status).toBe("stored");
        expect((await store.getEvent(s1?.id ?? 0))?.idemKey).toBe("st:w0:c0");
        // A retry of the start: same window, no completion in between.
        expect(await store.writeBatch([start(["st:w1", "st:w2"])])).toEqual([{ status: "duplicate", id: s1?.id }]);
        // A completion of another scope changes nothing.
        await store.writeBatch([complete("other-complete", "job-2:HLS")]);
        expect((await store.writeBatch([start(["st:w1", "st:w2"])]))[0]?.status).toBe("duplicate");
        // The file completes; the next identical start, still within the window, is a new file.
        expect((await store.writeBatch([complete("c1")]))[0]?.status).toBe("stored");
        const [s2] = await store.writeBatch([start(["st:w1", "st:w2"])]);
        expect(s2?.status).toBe("stored");
        expect((await store.getEvent(s2?.id ?? 0))?.idemKey).toBe("st:w1:c1");
        // A redelivered completion is a duplicate and is not counted again, so the start's retry stays one.
        expect((await store.writeBatch([complete("c1")]))[0]?.status).toBe("duplicate");
        expect(await store.writeBatch([start(["st:w2", "st:w3"])])).toEqual([{ status: "duplicate", id: s2?.id }]);
        expect(await store.countEvents()).toBe(4);
      });

      test("within one batch, as if written one by one", async () => {
        const outcomes = await store.writeBatch([
          start(["b:w0", "b:w1"]),
          start(["b:w0", "b:w1"]),
          complete("b-c1"),
          complete("b-c1"),
          start(["b:w0", "b:w1"]),
          newEvent({ idemKeys: ["plain"] }),
          start(["b:w1", "b:w2"]),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual([
          "stored",
          "duplicate",
          "stored",
          "duplicate",
          "stored",
          "stored",
          "duplicate",
        ]);
        expect(outcomes[1]?.id).toBe(outcomes[0]?.id);
        expect(outcomes[6]?.id).toBe(outcomes[4]?.id);
        // The count carries over to the next batch.
        expect((await store.writeBatch([start(["b:w1", "b:w2"])]))[0]?.status).toBe("duplicate");
        expect((await store.writeBatch([complete("b-c2"), start(["b:w1", "b:w2"])])).map((o) => o.status)).toEqual([
          "stored",
          "stored",
        ]);
      });
    });

    test("forwarding queue: claimed with a lease, retried, dead-lettered", async () => {
      const [o] = await store.writeBatch([newEvent({ forward: true })]);
      const id = o?.id ?? 0;
      expect((await store.claimForwards(T0 - 1, 1000, 10)).length).toBe(0);
      const [task] = await store.claimForwards(T0, 1000, 10);
      expect(task).toMatchObject({ id, attempts: 0, done: [], idemKey: expect.any(String) });
      // Claimed: hidden from other claims until the lease runs out, then due again (its claimer died).
      expect((await store.claimForwards(T0 + 999, 1000, 10)).length).toBe(0);
      expect((await store.claimForwards(T0 + 1000, 1000, 10))[0]?.id).toBe(id);
      await store.markForwards(T0 + 1000, [
        { id, state: "pending", nextAt: T0 + 1500, error: "HTTP 500", done: ["nats://127.0.0.1:4222"] },
      ]);
      expect((await store.claimForwards(T0 + 1499, 1000, 10)).length).toBe(0);
      expect((await store.claimForwards(T0 + 1500, 1000, 10))[0]).toMatchObject({
        attempts: 1,
        done: ["nats://127.0.0.1:4222"],
      });
      await store.markForwards(T0 + 1500, [{ id, state: "dead", error: "HTTP 500", done: [] }]);
      const stored = await store.getEvent(id);
      expect(stored).toMatchObject({ forwardState: "dead", forwardAttempts: 2, forwardError: "HTTP 500" });
      expect((await store.claimForwards(T0 + 1e9, 1000, 10)).length).toBe(0);
      expect(await store.listDeadLetters(10)).toEqual([
        {
          id: expect.any(Number),
          eventId: id,
          vendor: "huawei-live",
          failedAt: T0 + 1500,
          attempts: 2,
          error: "HTTP 500",
        },
      ]);
    });

    test("forwarding queue: a batch is claimed once and marked delivered in one call", async () => {
      const outcomes = await store.writeBatch([
        newEvent({ forward: true, idemKeys: ["huawei-live:claim-a"] }),
        newEvent({ forward: true, idemKeys: ["huawei-live:claim-b"] }),
        newEvent({ forward: true, idemKeys: ["huawei-live:claim-c"] }),
      ]);
      const ids = outcomes.map((o) => o.id ?? 0);
      const first = await store.claimForwards(T0, 1000, 2);
      const second = await store.claimForwards(T0, 1000, 2);
      expect([...first, ...second].map((t) => t.id)).toEqual(ids);
      await store.markForwards(
        T0,
        ids.map((id) => ({ id, state: "delivered" as const })),
      );
      for (const id of ids) expect((await store.getEvent(id))?.forwardState).toBe("delivered");
      expect((await store.claimForwards(T0 + 1e9, 1000, 10)).length).toBe(0);
      // A receiver whose lease ran out records its failure late: what the other one recorded stands.
      await store.markForwards(T0, [{ id: ids[0] as number, state: "dead", error: "late", done: [] }]);
      expect(await store.getEvent(ids[0] as number)).toMatchObject({ forwardState: "delivered", forwardAttempts: 1 });
      expect(await store.listDeadLetters(10)).toEqual([]);
    });

    test("ping succeeds", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

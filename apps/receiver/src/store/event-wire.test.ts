import { AUTHENTICATION_SCOPES } from "@livehook/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { VENDORS } from "../vendors.js";
import { decodeEvents, decodeOutcomes, encodeEvents, encodeOutcomes } from "./event-wire.js";
import { type EventRow, toEventRow } from "./sqlite-writer.js";
import type { NewEvent, WriteOutcome } from "./types.js";

const text = fc.option(fc.string(), { nil: null });
const event: fc.Arbitrary<NewEvent> = fc.record({
  vendor: fc.constantFrom(...VENDORS),
  receivedAt: fc.integer({ min: 0, max: 2 ** 45 }),
  idemKeys: fc.array(fc.string(), { minLength: 1, maxLength: 5 }),
  eventType: text,
  domain: text,
  app: text,
  stream: text,
  sessionKey: text,
  fileKey: text,
  eventTime: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: null }),
  authScope: fc.constantFrom(...AUTHENTICATION_SCOPES),
  signatureKey: text,
  signatureGraceSeconds: fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: null }),
  keyIndex: fc.nat(8),
  valid: fc.boolean(),
  issues: fc.array(fc.record({ path: fc.array(fc.string()), code: fc.string(), message: fc.string() })),
  unknownFields: fc.array(fc.string()),
  headers: fc.dictionary(fc.string(), fc.string()),
  // Bodies arrive as views into a larger socket read: only the viewed bytes may travel.
  rawBody: fc
    .tuple(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }))
    .map(([before, body, after]) => {
      const whole = new Uint8Array([...before, ...body, ...after]);
      return whole.subarray(before.length, before.length + body.length);
    }),
  forward: fc.boolean(),
  fileSequence: fc.option(
    fc.record({ scope: fc.string(), role: fc.constantFrom("start" as const, "complete" as const) }),
    {
      nil: undefined,
    },
  ),
});

/** What a clone to another thread would give: the same values, bodies as plain byte arrays. */
const plain = (rows: readonly EventRow[]) => rows.map((e) => ({ ...e, rawBody: [...e.rawBody] }));

describe("event wire", () => {
  test("a batch arrives as the writer's rows: every field, JSON columns as text, exactly the viewed body bytes", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        const expected = plain(events.map(toEventRow));
        const { batch, transfer } = encodeEvents(events);
        expect(transfer[0]?.byteLength).toBe(events.reduce((n, e) => n + e.rawBody.byteLength, 0));
        // The structured clone the worker receives, with the body buffer transferred as postMessage does.
        const received = structuredClone(batch, { transfer });
        expect(plain(decodeEvents(received))).toEqual(expected);
      }),
    );
  });

  test("outcomes survive the trip: stored ids (forged variants with their original), duplicates of a known event and of an unknown one", () => {
    const outcome: fc.Arbitrary<WriteOutcome> = fc.oneof(
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((id) => ({ status: "stored" as const, id })),
      fc
        .tuple(
          fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        )
        .map(([id, forgedVariantOf]) => ({ status: "stored" as const, id, forgedVariantOf })),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((id) => ({ status: "duplicate" as const, id })),
      fc.constant({ status: "duplicate" as const, id: null }),
    );
    fc.assert(
      fc.property(fc.array(outcome), (outcomes) => {
        expect(decodeOutcomes(structuredClone(encodeOutcomes(outcomes)))).toEqual(outcomes);
      }),
    );
  });
});

test("toEventRow keeps the JSON columns as their JSON text", () => {
  fc.assert(
    fc.property(event, (e) => {
      const row = toEventRow(e);
      expect(JSON.parse(row.issuesJson)).toEqual(e.issues);
      expect(JSON.parse(row.unknownFieldsJson)).toEqual(e.unknownFields);
      expect(JSON.parse(row.headersJson)).toEqual(e.headers);
    }),
  );
});

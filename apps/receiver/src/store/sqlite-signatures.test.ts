/**
 * Forged variants on SQLite: the writer holds the signature keys still valid in memory (no index). It reads them
 * back when it opens, so a variant is caught across a restart within the key's validity, and keeps nothing once
 * no variant could verify any more (docs/receiver-internals.md "Forged variants").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openSqliteStore } from "./sqlite-store.js";
import { createSqliteWriter, openWriterConnection, type SqliteWriter, toEventRow } from "./sqlite-writer.js";
import { newEvent, signedAtT0 } from "./store.suite.js";
import type { NewEvent } from "./types.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
/** signedAtT0's key: `auth_timestamp` T0 + 300 s, plus 300 s of grace. */
const VALID_UNTIL = T0 + 600_000;
const SIGNATURE = signedAtT0("0123456789abcdef0123456789abcdef");

let dir: string;
let file: string;
const open: BetterSqlite3.Database[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "livehook-signatures-"));
  file = join(dir, "r.db");
  await (await openSqliteStore({ file, synchronous: "NORMAL", writer: "inline" })).close();
});
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A writer as the store's writer thread opens one on the file. */
function openWriter(): { writer: SqliteWriter; db: BetterSqlite3.Database } {
  const db = openWriterConnection(BetterSqlite3, file, "NORMAL");
  open.push(db);
  return { writer: createSqliteWriter(db), db };
}
const write = (writer: SqliteWriter, over: Partial<NewEvent>) => writer.writeAll([toEventRow(newEvent(over))])[0];
const anomalyOf = (db: BetterSqlite3.Database, id: number) =>
  db.prepare("SELECT anomaly, anomaly_event_id AS other FROM events WHERE id = ?").get(id);

test("a variant within its signature's validity is caught after the writer reopens, and both are flagged", () => {
  const first = openWriter();
  const original = write(first.writer, { ...SIGNATURE, receivedAt: T0 });
  expect(original).toEqual({ status: "stored", id: 1 });
  first.db.close();

  const second = openWriter();
  expect(second.writer.heldSignatures()).toBe(1);
  const variant = write(second.writer, { ...SIGNATURE, receivedAt: VALID_UNTIL });
  expect(variant).toEqual({ status: "stored", id: 2, forgedVariantOf: 1 });
  expect(anomalyOf(second.db, 1)).toEqual({ anomaly: "forged_variant", other: 2 });
  expect(anomalyOf(second.db, 2)).toEqual({ anomaly: "forged_variant", other: 1 });
});

test("past its validity a key matches nothing, and neither the writer nor a reopened one keeps it", () => {
  const first = openWriter();
  write(first.writer, { ...SIGNATURE, receivedAt: T0 });
  first.db.close();

  const second = openWriter();
  // Received a millisecond after the signature expired (a variant could not verify then): no match.
  expect(write(second.writer, { ...SIGNATURE, receivedAt: VALID_UNTIL + 1 })).toEqual({ status: "stored", id: 2 });
  expect(anomalyOf(second.db, 1)).toEqual({ anomaly: null, other: null });
  // Kept a while after expiry for events received before it but written later; then dropped as time passes.
  expect(second.writer.heldSignatures()).toBe(1);
  write(second.writer, { receivedAt: VALID_UNTIL + 600_001 });
  expect(second.writer.heldSignatures()).toBe(0);
  second.db.close();

  expect(openWriter().writer.heldSignatures()).toBe(0);
});

test("an event whose hook allows more grace makes the writer read back the stored keys for that grace", () => {
  const first = openWriter();
  const longGrace = { ...SIGNATURE, signatureGraceSeconds: 900 };
  write(first.writer, { ...longGrace, receivedAt: T0 });
  first.db.close();

  // The writer opens assuming the default grace, under which this variant's signature would have expired.
  const second = openWriter();
  const variant = write(second.writer, { ...longGrace, receivedAt: VALID_UNTIL + 300_000 });
  expect(variant).toEqual({ status: "stored", id: 2, forgedVariantOf: 1 });
});

test("keys of a batch that rolled back match nothing", () => {
  const { writer, db } = openWriter();
  db.exec(
    "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.stream = 'refused' BEGIN SELECT RAISE(ABORT, 'no'); END",
  );
  expect(() =>
    writer.writeAll([
      toEventRow(newEvent({ ...SIGNATURE, receivedAt: T0 })),
      toEventRow(newEvent({ receivedAt: T0, stream: "refused" })),
    ]),
  ).toThrow(/no/);
  expect(writer.heldSignatures()).toBe(0);
  expect(write(writer, { ...SIGNATURE, receivedAt: T0 })).toEqual({ status: "stored", id: 1 });
});

test("the store (writer thread) catches a variant across a close and reopen within the validity", async () => {
  const first = await openSqliteStore({ file, synchronous: "NORMAL", writer: "worker" });
  expect(await first.writeBatch([newEvent({ ...SIGNATURE, receivedAt: T0 })])).toEqual([{ status: "stored", id: 1 }]);
  await first.close();
  const second = await openSqliteStore({ file, synchronous: "NORMAL", writer: "worker" });
  try {
    const [variant] = await second.writeBatch([newEvent({ ...SIGNATURE, receivedAt: T0 + 60_000 })]);
    expect(variant).toEqual({ status: "stored", id: 2, forgedVariantOf: 1 });
    expect((await second.getEvent(1))?.anomaly).toEqual({ kind: "forged_variant", otherEventId: 2 });
  } finally {
    await second.close();
  }
});

/**
 * Issue 15 item 8: a flood of unsigned requests must not grow the disk without bound. 5,000 requests of 8 KB,
 * unsigned, with a 600-byte header, over 50 keep-alive connections to 127.0.0.1, against the production server
 * (server.ts), on a SQLite file (the writer thread, as in production) and on the real PostgreSQL.
 * The bound asserted is the one README "Query API" states.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock, VENDORS } from "@livehook/core";
import { afterAll, expect, test } from "vitest";
import { makeReceiver, openTestStore } from "../test/helpers.js";
import { runLoad } from "../test/load.js";
import { REJECTED_BODY_BYTES, REJECTED_HEADERS_BYTES, REJECTION_RATE } from "./rejected-record.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import { WAL_SIZE_LIMIT_BYTES } from "./store/sqlite-writer.js";
import type { EventStore } from "./store/types.js";

const FLOOD_REQUESTS = 5000;
const KEEP = 100;
/** README: a kept record takes at most two 4 KiB pages (4 KiB of body, 2 KiB of headers, a few fields). */
const RECORD_PAGES_BYTES = 8 * 1024;
const BODY = JSON.stringify({ padding: "x".repeat(8 * 1024 - 20) });

/** Floods the receiver; calls `sample` every 25 ms meanwhile. */
async function flood(store: EventStore, sample: () => void = () => {}) {
  const r = await makeReceiver({ store, clock: systemClock, config: { rejectedKeepPerVendor: KEEP } });
  const stop = new AbortController();
  const sampler = setInterval(sample, 25);
  const started = performance.now();
  const load = await runLoad({
    url: r.url,
    connections: 50,
    durationMs: 60_000,
    signal: stop.signal,
    request: (i) => {
      if (i >= FLOOD_REQUESTS - 1) stop.abort();
      return {
        path: `/hooks/${VENDORS[i % VENDORS.length]}`,
        headers: { "content-type": "application/json", "x-flood": "y".repeat(600), "x-n": String(i) },
        body: BODY,
      };
    },
  });
  await r.deps.committer.drain();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  return { r, load, seconds };
}

/**
 * What every flood must show, whatever the store: all refused and counted, few written, each record cut, at most
 * `keptAtMost` kept per vendor.
 */
async function expectBoundedRecords({ r, load, seconds }: Awaited<ReturnType<typeof flood>>, keptAtMost: number) {
  expect(load.sent).toBe(FLOOD_REQUESTS);
  expect(load.ok).toBe(0);
  const metrics = r.deps.metrics.render();
  const count = (name: string) =>
    [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, "gm"))].reduce((n, m) => n + Number(m[1]), 0);
  expect(count("livehook_events_rejected_total")).toBe(FLOOD_REQUESTS);

  // Each vendor's bucket: the burst, then the rate, over the flood's duration.
  const writable = VENDORS.length * (REJECTION_RATE.burst + REJECTION_RATE.perSecond * Math.ceil(seconds));
  const newest = await r.store.listRejections({ limit: 1 });
  const written = newest[0]?.id ?? 0;
  expect(written).toBeLessThanOrEqual(writable);
  expect(count("livehook_rejections_dropped_total")).toBe(FLOOD_REQUESTS - written);

  for (const vendor of VENDORS) {
    const kept = await r.store.listRejections({ vendor, limit: 1000 });
    expect(kept.length).toBeGreaterThanOrEqual(KEEP);
    expect(kept.length).toBeLessThanOrEqual(keptAtMost);
    for (const record of kept) {
      expect(record.rawBody.byteLength).toBe(REJECTED_BODY_BYTES);
      expect(Buffer.byteLength(JSON.stringify(record.headers))).toBeLessThanOrEqual(REJECTED_HEADERS_BYTES);
      expect(record.headers["x-flood"]?.length).toBeLessThan(600);
      expect(record.headers["x-n"]).toMatch(/^\d+$/);
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), "livehook-flood-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("SQLite: the rejected records, the database file and its WAL stay under the stated bound", async () => {
  const file = join(dir, "flood.db");
  const store = await openSqliteStore({ file, synchronous: "FULL", writer: "worker" });
  const size = (suffix: string) => {
    try {
      return statSync(file + suffix).size;
    } catch {
      return 0;
    }
  };
  const before = size("");
  let peakWal = 0;
  const outcome = await flood(store, () => {
    peakWal = Math.max(peakWal, size("-wal"));
  });
  try {
    await expectBoundedRecords(outcome, KEEP);
    expect(size("") - before).toBeLessThanOrEqual(VENDORS.length * KEEP * RECORD_PAGES_BYTES);
    expect(peakWal).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    expect(size("-wal")).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
  } finally {
    await store.close();
  }
});

test("PostgreSQL: the rejection table stays bounded", async () => {
  const { store, cleanup } = await openTestStore("postgres");
  try {
    // Several transactions are in flight at once (pipelineDepth), and each prunes without seeing the others'
    // uncommitted rows, so the newest few batches may stand beyond the cut until the next write prunes them.
    await expectBoundedRecords(await flood(store), 2 * KEEP);
  } finally {
    await cleanup();
  }
});

/**
 * Real sockets, real processes: two receivers on one PostgreSQL under concurrent duplicate deliveries, and
 * SIGTERM draining. The clock is the real one here (separate processes), so events are signed with the current
 * time; no assertion depends on timing.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { huaweiRtcCallbackHeaders, signHuaweiLiveCallbackBody } from "@livehook/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import { huaweiLiveEvent, huaweiRtcEvent, KEYS } from "./helpers.js";
import { type RunningReceiver, spawnReceiver } from "./spawn-receiver.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const nowS = () => Math.floor(Date.now() / 1000);

/** A SparkRTC delivery, signed afresh (new rand and timestamp) as each vendor attempt is. */
async function deliverRtc(url: string, body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${url}/hooks/huawei-rtc`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...huaweiRtcCallbackHeaders(raw, KEYS.huaweiRtc, {
        rand: String(randomBytes(4).readUInt32BE()),
        timestamp: nowS(),
      }),
    },
    body: raw,
  });
  await res.arrayBuffer();
  return { status: res.status, duplicate: res.headers.get("x-livehook-duplicate") };
}

async function deliver(url: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/hooks/huawei-live`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    // Each attempt is signed afresh, as a vendor retry is (D6).
    body: signHuaweiLiveCallbackBody(body, KEYS.huaweiLive, "HMACSHA256", nowS()),
  });
  const text = await res.text();
  return { status: res.status, duplicate: res.headers.get("x-livehook-duplicate"), ...(res.ok ? {} : { text }) };
}

describe("two receivers on one PostgreSQL", () => {
  const schema = `livehook_proc_${process.pid}_${randomBytes(4).toString("hex")}`;
  const instances: RunningReceiver[] = [];

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.end();
    const url = new URL(DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const env = {
      DATABASE_URL: url.toString(),
      LIVEHOOK_HUAWEI_LIVE_KEYS: KEYS.huaweiLive,
      LIVEHOOK_HUAWEI_RTC_KEYS: KEYS.huaweiRtc,
      LIVEHOOK_LOG_LEVEL: "warn",
    };
    // Started together, so both run the migrations at once (Kysely's migration lock serializes them).
    instances.push(...(await Promise.all([spawnReceiver([], env), spawnReceiver([], env)])));
  });

  afterAll(async () => {
    for (const r of instances) {
      r.child.kill("SIGTERM");
      await r.exited;
    }
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  test("concurrent duplicate deliveries to both instances are stored exactly once", async () => {
    const [a, b] = instances as [RunningReceiver, RunningReceiver];
    const events = Array.from({ length: 60 }, (_, i) => huaweiLiveEvent({ job_id: `job-${i}`, task_id: "race" }));
    // Every event goes three times to each instance, all at once.
    const attempts = events.flatMap((e) => [a.url, b.url, a.url, b.url, a.url, b.url].map((u) => deliver(u, e)));
    const replies = await Promise.all(attempts);
    // Every status that is not 200 is named, with its reason, so a failure says what the receiver answered.
    expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    expect(replies.filter((r) => r.duplicate === "0")).toHaveLength(events.length);

    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n, sum(duplicates)::int AS d FROM "${schema}".events`);
    await client.end();
    expect(rows[0]).toEqual({ n: events.length, d: events.length * 5 });

    // The API of either instance sees every event.
    const page = (await (await fetch(`${b.url}/api/events?limit=500`)).json()) as { events: unknown[] };
    expect(page.events).toHaveLength(events.length);
  });

  test("SparkRTC file starts without identity: retries racing on both instances store each genuine start once", async () => {
    const [a, b] = instances as [RunningReceiver, RunningReceiver];
    // Every file start of a job is byte-identical (vendor-spec §5.2); a completion in between makes the next one new.
    const start = huaweiRtcEvent({ event_type: "RECORD_NEW_FILE_START", job_id: "rtc-race" });
    const complete = huaweiRtcEvent({ event_type: "RECORD_FILE_COMPLETE", job_id: "rtc-race" });
    const burst = () => Promise.all([a.url, b.url, a.url, b.url].map((u) => deliverRtc(u, start)));
    const first = await burst();
    expect(first.every((r) => r.status === 200)).toBe(true);
    expect(first.filter((r) => r.duplicate === "0")).toHaveLength(1);
    expect((await deliverRtc(b.url, complete)).duplicate).toBe("0");
    const second = await burst();
    expect(second.filter((r) => r.duplicate === "0")).toHaveLength(1);

    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    const { rows } = await client.query(
      `SELECT event_type, count(*)::int AS n FROM "${schema}".events WHERE vendor = 'huawei-rtc' GROUP BY event_type ORDER BY event_type`,
    );
    await client.end();
    expect(rows).toEqual([
      { event_type: "RECORD_FILE_COMPLETE", n: 1 },
      { event_type: "RECORD_NEW_FILE_START", n: 2 },
    ]);
  });
});

describe("SIGTERM", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "livehook-drain-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("drains in-flight requests: every acknowledged event is stored and the process exits 0", async () => {
    const file = join(dir, "r.db");
    const r = await spawnReceiver(["--data", file], {
      LIVEHOOK_HUAWEI_LIVE_KEYS: KEYS.huaweiLive,
      LIVEHOOK_LOG_LEVEL: "warn",
    });
    const acked = new Set<string>();
    let sent = 0;
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const jobId = `w${w}-${i}`;
        sent++;
        try {
          const res = await deliver(r.url, huaweiLiveEvent({ job_id: jobId }));
          if (res.status === 200) acked.add(jobId);
        } catch {
          return; // connection refused once the server closed: never acknowledged
        }
      }
    };
    const workers = Array.from({ length: 10 }, (_, w) => worker(w));
    while (acked.size < 50) await new Promise((res) => setTimeout(res, 5));
    r.child.kill("SIGTERM");
    const exit = await r.exited;
    stop = true;
    await Promise.all(workers);
    expect(exit.code).toBe(0);

    const store = await openSqliteStore({ file, synchronous: "FULL" });
    const stored = new Set<string>();
    for (const e of await store.listEvents({ limit: 100_000 })) if (e.fileKey) stored.add(e.fileKey);
    await store.close();
    for (const id of acked) expect(stored.has(id)).toBe(true);
    expect(sent).toBeGreaterThanOrEqual(acked.size);
  });
});

describe("SIGTERM with a live event stream", () => {
  test("the stream ends and the process exits 0", async () => {
    const r = await spawnReceiver(["--data", ":memory:"], { LIVEHOOK_HUAWEI_LIVE_KEYS: KEYS.huaweiLive });
    const res = await fetch(`${r.url}/api/events/stream`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("event: ready")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    r.child.kill("SIGTERM");
    for (;;) {
      const { done } = await reader.read().catch(() => ({ done: true }));
      if (done) break;
    }
    expect((await r.exited).code).toBe(0);
  });
});

describe("forwarding", () => {
  test("an accepted event is relayed to the downstream URL; a failing downstream is retried", async () => {
    const { createServer } = await import("node:http");
    const received: { id: string | undefined; vendor: string | undefined; body: { job_id: string } }[] = [];
    let failuresLeft = 1;
    const downstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (failuresLeft-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push({
          id: req.headers["x-livehook-event-id"] as string | undefined,
          vendor: req.headers["x-livehook-vendor"] as string | undefined,
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => downstream.listen(0, "127.0.0.1", resolve));
    const port = (downstream.address() as { port: number }).port;
    const r = await spawnReceiver(["--data", ":memory:"], {
      LIVEHOOK_HUAWEI_LIVE_KEYS: KEYS.huaweiLive,
      LIVEHOOK_FORWARD_HUAWEI_LIVE: `http://127.0.0.1:${port}/in`,
      LIVEHOOK_FORWARD_RETRY_MS: "50",
    });
    try {
      expect((await deliver(r.url, huaweiLiveEvent({ job_id: "forward-me" }))).status).toBe(200);
      const deadline = Date.now() + 20_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      expect(received).toHaveLength(1);
      // The vendor's own body, named by the headers (LIVEHOOK_FORWARD_<VENDOR> is --forward-to, one path).
      expect(received[0]).toMatchObject({ vendor: "huawei-live", body: { job_id: "forward-me" } });
      // The delivery is recorded just after the downstream answered, so wait for it (bounded).
      let first: { id: number; forwardState: string } | undefined;
      while (first?.forwardState !== "delivered" && Date.now() < deadline) {
        const page = (await (await fetch(`${r.url}/api/events`)).json()) as {
          events: { id: number; forwardState: string }[];
        };
        first = page.events[0];
        if (first?.forwardState !== "delivered") await new Promise((res) => setTimeout(res, 50));
      }
      expect(first?.forwardState).toBe("delivered");
      expect(received[0]?.id).toBe(String(first?.id));
    } finally {
      r.child.kill("SIGTERM");
      await r.exited;
      downstream.close();
    }
  });
});

describe("start-up", () => {
  test("forwarding with PostgreSQL and no LIVEHOOK_FORWARD_SECRET exits 1 saying what to set", async () => {
    const err = await spawnReceiver(["--forward-to", "http://127.0.0.1:9/in"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("exited with 1");
    expect(err?.message).toContain("forwarding with PostgreSQL needs LIVEHOOK_FORWARD_SECRET");
  });

  test("an invalid configuration exits 1 with a message naming the option and never the keys", async () => {
    const err = await spawnReceiver(["--host", "0.0.0.0"], {
      LIVEHOOK_HUAWEI_LIVE_KEYS: "TOPSECRETKEY0123456789",
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("exited with 1");
    expect(err?.message).toContain("LIVEHOOK_ADMIN_TOKEN");
    expect(err?.message).not.toContain("TOPSECRETKEY");
  });
});

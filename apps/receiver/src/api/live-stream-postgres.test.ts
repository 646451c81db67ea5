/**
 * The live stream across receivers on one PostgreSQL schema (issue 19, item 3): what one receiver stores shows on
 * every receiver's /api/events/stream through LISTEN/NOTIFY, and when the listening connection is killed the
 * stream catches up from the store once it is back, missing nothing.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, post, signedHuaweiLive, type TestReceiver } from "../../test/helpers.js";
import { LISTENER_NAME } from "../store/postgres-listener.js";
import { dropPostgresSchema, eventsChannel, openPostgresStore } from "../store/postgres-store.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `livehook_test_stream_${process.pid}_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
const stores: { close(): Promise<void> }[] = [];

afterAll(async () => {
  for (const s of stores) await s.close();
  await admin.end();
  await dropPostgresSchema(DATABASE_URL, schema);
});

async function receiver(): Promise<TestReceiver> {
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  stores.push(store);
  return makeReceiver({ store });
}

/** The ids an SSE stream sends, as they arrive. */
function follow(stream: Response) {
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const ids: number[] = [];
  const until = async (done: () => boolean) => {
    while (!done()) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error("stream ended");
      text += decoder.decode(value, { stream: true });
      const blocks = text.split("\n\n");
      text = blocks.pop() ?? "";
      for (const block of blocks) {
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        if (id !== undefined) ids.push(Number(id));
        if (block.includes("event: ready")) ids.push(0);
      }
    }
  };
  return { ids, until, cancel: () => reader.cancel().catch(() => {}) };
}

const send = async (r: TestReceiver, job: string): Promise<number> => {
  const res = await post(r.app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent({ job_id: job })));
  expect(res.status).toBe(200);
  return Number(res.headers.get("x-livehook-event-id"));
};

/** The backends of receivers' listening connections on this schema's channel: they hold its listen slots. */
async function listenerPids(): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT a.pid FROM pg_stat_activity AS a JOIN pg_locks AS l ON l.pid = a.pid
     WHERE a.application_name = $1 AND l.locktype = 'advisory' AND l.granted AND l.classid = hashtext($2)::oid
       AND l.objid = 1000 AND l.objsubid = 2`,
    [LISTENER_NAME, eventsChannel(schema)],
  );
  return rows.map((r) => r.pid);
}

test("an event stored by one receiver appears on another's stream; a killed listen connection loses none", async () => {
  await admin.connect();
  const a = await receiver();
  const b = await receiver();
  const controller = new AbortController();
  const stream = follow(await b.app.request("/api/events/stream", { signal: controller.signal }));
  try {
    await stream.until(() => stream.ids.includes(0));
    const first = await send(a, "cross-1");
    await stream.until(() => stream.ids.includes(first));

    // Only B listens: A follows no commits, so it holds no listening connection. Kill B's, then keep storing on
    // A while B's reconnects.
    const killed = await listenerPids();
    expect(killed).toHaveLength(1);
    await admin.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [killed]);
    const during: number[] = [];
    for (let i = 0; i < 20; i++) during.push(await send(a, `during-${i}`));
    await stream.until(() => during.every((id) => stream.ids.includes(id)));

    // Live again on new connections: what A stores now arrives without any other nudge.
    let current: number[] = [];
    while (current.length < 1 || current.some((pid) => killed.includes(pid))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await listenerPids();
    }
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => send(a, `after-${i}`)));
    await stream.until(() => after.every((id) => stream.ids.includes(id)));

    const sent = stream.ids.filter((id) => id !== 0);
    expect(new Set(sent).size).toBe(sent.length);
    expect([...sent].sort((x, y) => x - y)).toEqual([first, ...during, ...after].sort((x, y) => x - y));
  } finally {
    controller.abort();
    await stream.cancel();
  }
});

test("a rejection recorded by one receiver appears on another's ?rejections=1 stream", async () => {
  const a = await receiver();
  const b = await receiver();
  const controller = new AbortController();
  const res = await b.app.request("/api/events/stream?rejections=1", { signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const readUntil = async (found: () => boolean) => {
    while (!found()) {
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      text += decoder.decode(value, { stream: true });
    }
  };
  try {
    await readUntil(() => text.includes("event: ready"));
    const rejected = await post(a.app, "/hooks/huawei-live", JSON.stringify(huaweiLiveEvent({ job_id: "unsigned" })));
    expect(rejected.status).toBe(401);
    // Nothing but A's NOTIFY wakes B's stream: no timer reads the store.
    await readUntil(() => text.includes("event: rejection"));
    const block = text.slice(text.indexOf("event: rejection"));
    expect(block).toMatch(/"reason":"missing_signature"/);
    expect(block).toMatch(/"status":401/);
  } finally {
    controller.abort();
    await reader.cancel().catch(() => {});
  }
});

/**
 * A store failure behind an API read answers 503 with a reason, never 500; on PostgreSQL a read waits at most
 * apiReadWaitMs for a lock or a statement.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, test } from "vitest";
import { makeReceiver } from "../../test/helpers.js";
import { dropPostgresSchema, openPostgresStore } from "../store/postgres-store.js";
import type { EventStore } from "../store/types.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

test("a failing store answers 503 store_unavailable on every read route, with a reason", async () => {
  const { store } = await makeReceiver();
  const failing = (code: string) => async () => {
    throw Object.assign(new Error("canceling statement due to statement timeout"), { code });
  };
  const broken: EventStore = {
    ...store,
    listEvents: failing("57014"),
    getEvent: failing("57014"),
    listRejections: failing("57014"),
    listDeadLetters: failing("57014"),
  };
  const { app } = await makeReceiver({ store: broken });
  for (const path of ["/api/events", "/api/events/1", "/api/sessions", "/api/rejections", "/api/dead-letters"]) {
    const res = await app.request(path);
    expect(res.status, path).toBe(503);
    expect(await res.json()).toEqual({ error: "store_unavailable", reason: "timeout" });
  }
});

test("PostgreSQL: a read blocked by a table lock answers 503 once the read bound is over", async () => {
  const schema = `livehook_test_reads_${process.pid}_${randomBytes(4).toString("hex")}`;
  const store = await openPostgresStore({ url: DATABASE_URL, schema, apiReadWaitMs: 300 });
  const locker = new pg.Client({ connectionString: DATABASE_URL });
  await locker.connect();
  try {
    const { app } = await makeReceiver({ store });
    expect((await app.request("/api/events")).status).toBe(200);
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`);
    const res = await app.request("/api/events");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "store_unavailable", reason: "timeout" });
    await locker.query("ROLLBACK");
    expect((await app.request("/api/events")).status).toBe(200);
  } finally {
    await locker.end();
    await store.close();
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

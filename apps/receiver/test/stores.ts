/**
 * Both stores for tests that must pass on each: an in-memory SQLite store, and the real PostgreSQL
 * (127.0.0.1:5432, never skipped) in a schema of its own that `cleanup` drops.
 */
import { randomBytes } from "node:crypto";
import { dropPostgresSchema, openPostgresStore } from "../src/store/postgres-store.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { EventStore } from "../src/store/types.js";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type TestStore = { store: EventStore; cleanup: () => Promise<void> };

export const STORE_KINDS = ["sqlite", "postgres"] as const;

export async function openTestStore(kind: (typeof STORE_KINDS)[number]): Promise<TestStore> {
  if (kind === "sqlite") {
    const store = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
    return { store, cleanup: () => store.close() };
  }
  const schema = `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropPostgresSchema(DATABASE_URL, schema);
    },
  };
}

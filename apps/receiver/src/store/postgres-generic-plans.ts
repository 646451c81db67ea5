/**
 * Migration 0009 (PostgreSQL only): the write function's statements run on generic plans.
 *
 * PL/pgSQL caches a plan per statement and connection, but under the default plan_cache_mode it plans every
 * statement afresh on each call until generic plans prove cheaper, and with array parameters (whose length a
 * custom plan sees and a generic one guesses) it kept replanning: timed in psql with 17-event batches and
 * synchronous_commit off, a call took 1.6–2.2 ms under `auto` against 1.1–1.5 ms with generic plans, whose
 * plans use the same index scans (BENCHMARKS.md, "Where a PostgreSQL batch spends its time"). The setting
 * applies for the duration of each call, so livehook_claim_keys, called only from within, inherits it.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "./migrations.js";

export function genericPlansForWriteEvents(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await sql`ALTER FUNCTION livehook_write_events(text[], int[], text[], bigint[], text[], text[], text[], text[],
        text[], text[], bigint[], text[], int[], int[], text[], text[], text[], bytea, int[], boolean[], text[], text[],
        text[], text) SET plan_cache_mode = force_generic_plan`.execute(db);
    },
  };
}

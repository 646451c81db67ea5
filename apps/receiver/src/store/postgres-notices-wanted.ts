/**
 * Migration 0011 (PostgreSQL only): a write announces its ids (NOTIFY) only while some receiver listens.
 *
 * A transaction that NOTIFYs takes a database-wide lock at commit and holds it through its WAL flush, so the
 * commits of all writers that notify run one at a time; with nobody listening that is pure cost (BENCHMARKS.md,
 * "Notices only while someone listens"). A receiver listens only while something in it follows commits (a live
 * stream, `waitForEvents`).
 *
 * How a write knows, in one lock call: each write transaction tries to take its slot, one of 64 advisory locks
 * keyed by the channel (its backend's pid picks which of 1000-1063), exclusively until it commits; a listener
 * holds every slot in shared mode. The try fails while any listener holds the slot, and then the write notifies. A new
 * listener takes the slots one by one, each as soon as the write holding it (if any) has committed, so when it has
 * all of them no write that did not notify is still to commit: it says `resync`, and its readers read the store.
 * Listeners share the slots with each other. Two writes whose pids pick the same slot at once: the second one
 * notifies when it need not, nothing worse; the same for two schemas whose channels' hashes collide.
 *
 * A receiver older than 0011 still notifies on every write, and listens without taking the slots, so during a
 * rolling upgrade its live stream misses the ids of the newer receivers' writes until it is replaced.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "./migrations.js";

const NOTICES_WANTED = sql`
CREATE FUNCTION livehook_notices_wanted(p_channel text) RETURNS boolean
LANGUAGE sql AS $fn$
  SELECT NOT pg_try_advisory_xact_lock(hashtext(p_channel), 1000 + pg_backend_pid() % 64)
$fn$`;

/**
 * Taken by the listening connection once its LISTEN is in place, and held until it ends; returns when no write
 * that has not seen it is still to commit.
 */
const LISTEN_SLOTS = sql`
CREATE FUNCTION livehook_hold_listen_slots(p_channel text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  -- PERFORM runs to the last row (a SQL function returning void might stop at the first).
  PERFORM pg_advisory_lock_shared(hashtext(p_channel), s) FROM generate_series(1000, 1063) AS s ORDER BY s;
END
$fn$`;

export function noticesWhileListened(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await NOTICES_WANTED.execute(db);
      await LISTEN_SLOTS.execute(db);
    },
  };
}

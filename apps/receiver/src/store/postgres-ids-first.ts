/**
 * Migration 0010 (PostgreSQL only): livehook_write_events does less work per stored event, with the same outcome
 * as 0008's (which remains the description of what a batch does: input order, lock order, NOTIFY on commit).
 *
 * - Ids first: every event of the batch gets its id from the sequence before its keys are claimed (in input order,
 *   so stored events still get increasing ids in input order), and a claim is inserted with its event's id. 0008
 *   inserted each claim with a NULL id and updated it once the event was stored: a second row version per key.
 *   An event with a key a committed event holds is known to be a duplicate beforehand and takes no id; one found
 *   only by its claim (a repeat within the batch, or a race with another transaction) leaves its id unused, as a
 *   rolled-back insert always did.
 * - Every lookup of a stored row is a correlated subquery or a statement on one key. With
 *   plan_cache_mode = force_generic_plan (0009) a connection plans each statement once, at its first call, when a
 *   new database's tables are empty, and a join then hashes a sequential scan of the whole table. Those plans
 *   stayed until an ANALYZE, so every batch read every row of event_keys and event_signatures, and every batch
 *   with a duplicate every row of events (pg-write.bench.ts; auto_explain: 3 ms for one duplicate's count at 4 000
 *   events). A subquery on a key is an index probe whatever the table's size is thought to be.
 * - The common batch (no duplicate key inside it, no stored signature key) runs fewer statements: the claim and the
 *   verdict on each event are one statement, and the signature claim's own result says whether there is anything
 *   to look up, instead of a join over event_signatures on every batch.
 * - Stored rows a batch updates (the originals of its redeliveries, the holders of signature keys its variants
 *   share) are locked together, in id order, before either update. 0008/0009 counted redeliveries in one UPDATE
 *   over a join, which locks rows in no set order: two receivers given the same redeliveries at once deadlocked
 *   and answered 503 (test/processes.test.ts, about one run in three).
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "./migrations.js";

const CLAIM_KEYS = sql`
CREATE FUNCTION livehook_claim_keys(key_event int[], keys text[], ids bigint[]) RETURNS int[]
LANGUAGE plpgsql AS $fn$
DECLARE
  fresh int[];
  all_or_none boolean;
  claimed text[];
  candidates int[];
  contested int[];
  taken text[] := '{}';
  own text[];
  ev int;
  k text;
  holder bigint;
BEGIN
  IF coalesce(cardinality(keys), 0) = 0 THEN RETURN '{}'; END IF;
  -- Each key is claimed (in key order, the lock order) for the first event of the batch that has it and an id
  -- (an event without one is a known duplicate), with that id. An event that got all its claims is new; one that got none is a duplicate of a stored event or of
  -- an earlier new one. When every event is one or the other, that is the outcome of writing them one by one.
  WITH c AS (
    INSERT INTO event_keys (key, event_id)
    SELECT DISTINCT ON (t.k) t.k, ids[t.e] FROM unnest(key_event, keys) AS t(e, k) WHERE ids[t.e] IS NOT NULL
    ORDER BY t.k, t.e
    ON CONFLICT DO NOTHING RETURNING key, event_id),
  per_event AS (
    SELECT t.e, count(c.key) = count(*) AS owns_all, count(c.key) = 0 AS owns_none
    FROM unnest(key_event, keys) AS t(e, k) LEFT JOIN c ON c.key = t.k AND c.event_id = ids[t.e]
    GROUP BY t.e)
  SELECT (SELECT coalesce(array_agg(p.e ORDER BY p.e), '{}') FROM per_event AS p WHERE p.owns_all),
         (SELECT bool_and(p.owns_all OR p.owns_none) FROM per_event AS p),
         (SELECT coalesce(array_agg(c.key), '{}') FROM c)
    INTO fresh, all_or_none, claimed;
  IF all_or_none THEN RETURN fresh; END IF;

  -- Rare: an event got some of its claims but not all (an identity-less event sharing a window with a stored one
  -- or with another in the batch). As in 0008: an event is new when this transaction claimed every key it has and
  -- no earlier new event took one of them.
  SELECT coalesce(array_agg(t.e ORDER BY t.e), '{}') INTO candidates FROM (
    SELECT p.e FROM unnest(key_event, keys) AS p(e, k) GROUP BY p.e HAVING bool_and(p.k = ANY(claimed))) t;
  SELECT coalesce(array_agg(DISTINCT p.e), '{}') INTO contested FROM unnest(key_event, keys) AS p(e, k)
  WHERE p.e = ANY(candidates) AND p.k IN (
    SELECT q.k FROM unnest(key_event, keys) AS q(e, k) WHERE q.e = ANY(candidates) GROUP BY q.k HAVING count(*) > 1);
  FOREACH ev IN ARRAY contested LOOP
    own := ARRAY(SELECT p.k FROM unnest(key_event, keys) AS p(e, k) WHERE p.e = ev);
    IF own && taken THEN candidates := array_remove(candidates, ev); ELSE taken := taken || own; END IF;
  END LOOP;
  -- Each claim now belongs to the new event that has its key, if any; a duplicate keeps no claim of its own, so
  -- the dedupe window is measured from the stored event. One key per statement, in key order.
  FOR k, holder IN
    SELECT c.k, (SELECT ids[p.e] FROM unnest(key_event, keys) AS p(e, k) WHERE p.k = c.k AND p.e = ANY(candidates)
                 LIMIT 1)
    FROM unnest(claimed) AS c(k) ORDER BY c.k
  LOOP
    IF holder IS NULL THEN
      DELETE FROM event_keys WHERE key = k;
    ELSE
      UPDATE event_keys SET event_id = holder WHERE key = k AND event_id <> holder;
    END IF;
  END LOOP;
  RETURN candidates;
END
$fn$`;

const WRITE_EVENTS = sql`
CREATE OR REPLACE FUNCTION livehook_write_events(
  p_vendor text[], p_key_event int[], p_keys text[], p_received_at bigint[], p_event_type text[], p_domain text[],
  p_app text[], p_stream text[], p_session_key text[], p_file_key text[], p_event_time bigint[],
  p_auth_scope text[], p_key_index int[], p_valid int[], p_issues text[], p_unknown_fields text[],
  p_headers text[], p_bodies bytea, p_body_ends int[], p_forward boolean[], p_seq_scope text[], p_seq_role text[],
  p_signature text[], p_channel text)
RETURNS TABLE (out_id bigint, out_stored boolean, out_variant_of bigint)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
  n int := cardinality(p_vendor);
  held int[];
  ids bigint[];
  keys text[] := p_keys;
  scopes text[] := '{}';
  initial bigint[] := '{}';
  fresh int[];
  fresh_ids bigint[] := '{}';
  signed int;
  sigs_claimed int;
  lost_ids bigint[] := '{}';
  lost_holders bigint[] := '{}';
  dup_events int[] := '{}';
  dup_owners bigint[] := '{}';
  target bigint;
  other bigint;
  times int;
  payload text;
BEGIN
  -- 0. Lock and read the completion counters this batch reads or bumps: a completion another instance
  --    committed meanwhile is waited for and then counted.
  IF EXISTS (SELECT FROM unnest(p_seq_scope) AS s(scope) WHERE s.scope IS NOT NULL) THEN
    WITH r AS (
      INSERT INTO file_sequences (scope, completes)
      SELECT DISTINCT s.scope, 0 FROM unnest(p_seq_scope) AS s(scope) WHERE s.scope IS NOT NULL ORDER BY s.scope
      ON CONFLICT (scope) DO UPDATE SET completes = file_sequences.completes RETURNING scope, completes)
    SELECT array_agg(r.scope ORDER BY r.scope), array_agg(r.completes ORDER BY r.scope) INTO scopes, initial FROM r;
  END IF;

  -- 1. An id for every event that may be new, in input order (nextval runs row by row over the series). An event
  --    with a key that a committed event holds is a duplicate whatever else is in the batch (event_keys rows are
  --    never deleted once committed), so it takes no id and claims nothing; ids stay dense when redeliveries of
  --    stored events arrive, as they did before. Sequenced starts are left to their claim (step 2b).
  held := ARRAY(SELECT DISTINCT t.e FROM unnest(p_key_event, p_keys) AS t(e, k)
                WHERE (SELECT true FROM event_keys AS ek WHERE ek.key = t.k) AND p_seq_role[t.e] IS DISTINCT FROM 'start');
  ids := ARRAY(SELECT CASE WHEN g.e = ANY(held) THEN NULL ELSE nextval('events_id_seq') END
               FROM generate_series(1, n) AS g(e));

  -- 2. Claim the keys of every event except sequenced file starts.
  IF 'start' = ANY(p_seq_role) THEN
    fresh := livehook_claim_keys(
      ARRAY(SELECT t.e FROM unnest(p_key_event) WITH ORDINALITY AS t(e, j)
            WHERE p_seq_role[t.e] IS DISTINCT FROM 'start' ORDER BY t.j),
      ARRAY(SELECT t.k FROM unnest(p_key_event, keys) WITH ORDINALITY AS t(e, k, j)
            WHERE p_seq_role[t.e] IS DISTINCT FROM 'start' ORDER BY t.j),
      ids);
    -- 2b. Sequenced starts: their keys carry the completions stored before them, in input order.
    keys := ARRAY(
      SELECT CASE WHEN p_seq_role[t.e] = 'start' THEN t.k || ':c' || (
        i.completes + (SELECT count(*) FROM unnest(fresh) AS f(e)
                       WHERE f.e < t.e AND p_seq_role[f.e] = 'complete' AND p_seq_scope[f.e] = p_seq_scope[t.e]))
        ELSE t.k END
      FROM unnest(p_key_event, p_keys) WITH ORDINALITY AS t(e, k, j)
      LEFT JOIN unnest(scopes, initial) AS i(scope, completes) ON i.scope = p_seq_scope[t.e]
      ORDER BY t.j);
    fresh := ARRAY(SELECT DISTINCT f FROM unnest(fresh || livehook_claim_keys(
      ARRAY(SELECT t.e FROM unnest(p_key_event) WITH ORDINALITY AS t(e, j) WHERE p_seq_role[t.e] = 'start' ORDER BY t.j),
      ARRAY(SELECT t.k FROM unnest(p_key_event, keys) WITH ORDINALITY AS t(e, k, j)
            WHERE p_seq_role[t.e] = 'start' ORDER BY t.j),
      ids)) AS f ORDER BY f);
  ELSE
    fresh := livehook_claim_keys(p_key_event, keys, ids);
  END IF;

  -- 2c. The original of each duplicate: its first key that has one. Only read here; counted in step 7.
  IF cardinality(fresh) < n THEN
    SELECT coalesce(array_agg(d.e ORDER BY d.e), '{}'), coalesce(array_agg(d.owner ORDER BY d.e), '{}')
      INTO dup_events, dup_owners FROM (
        SELECT DISTINCT ON (o.e) o.e, o.owner FROM (
          SELECT t.e, t.j, (SELECT ek.event_id FROM event_keys AS ek WHERE ek.key = t.k) AS owner
          FROM unnest(p_key_event, keys) WITH ORDINALITY AS t(e, k, j) WHERE NOT (t.e = ANY(fresh))) AS o
        WHERE o.owner IS NOT NULL ORDER BY o.e, o.j) AS d;
  END IF;

  IF cardinality(fresh) > 0 THEN
    -- 3. Insert the new events under their ids; an event's idem_key is its first key.
    WITH ins AS (
      INSERT INTO events (id, vendor, idem_key, received_at, event_type, domain, app, stream, session_key, file_key,
        event_time, body_authenticated, auth_scope, key_index, valid, issues, unknown_fields, headers, raw_body,
        forward_state, forward_next_at)
      SELECT ids[f.e], p_vendor[f.e], keys[array_position(p_key_event, f.e)], p_received_at[f.e], p_event_type[f.e],
        p_domain[f.e], p_app[f.e], p_stream[f.e], p_session_key[f.e], p_file_key[f.e], p_event_time[f.e],
        CASE WHEN p_auth_scope[f.e] = 'body' THEN 1 ELSE 0 END, p_auth_scope[f.e], p_key_index[f.e], p_valid[f.e],
        p_issues[f.e], p_unknown_fields[f.e], p_headers[f.e],
        substring(p_bodies FROM coalesce(p_body_ends[f.e - 1], 0) + 1
                  FOR p_body_ends[f.e] - coalesce(p_body_ends[f.e - 1], 0)),
        CASE WHEN p_forward[f.e] THEN 'pending' END, CASE WHEN p_forward[f.e] THEN p_received_at[f.e] END
      FROM unnest(fresh) AS f(e)
      RETURNING id)
    SELECT array_agg(ins.id ORDER BY ins.id) INTO fresh_ids FROM ins;

    -- 4. Signature keys (README "Body authentication"): a new event whose key another event holds is a forged
    --    variant of it, and both are flagged; a row keeps the first other event it was flagged with. Claimed in key
    --    order (the lock order); only when a claim was not taken is there a holder to look up.
    WITH claim AS (
      INSERT INTO event_signatures (signature, event_id)
      SELECT p_signature[f.e], f.id FROM unnest(fresh, fresh_ids) AS f(e, id) WHERE p_signature[f.e] IS NOT NULL
      ORDER BY 1, 2
      ON CONFLICT DO NOTHING RETURNING 1)
    SELECT (SELECT count(*) FROM claim), (SELECT count(*) FROM unnest(fresh) AS f(e) WHERE p_signature[f.e] IS NOT NULL)
      INTO sigs_claimed, signed;
    IF sigs_claimed < signed THEN
      SELECT coalesce(array_agg(s.id ORDER BY s.sig, s.id), '{}'), coalesce(array_agg(s.holder ORDER BY s.sig, s.id), '{}')
        INTO lost_ids, lost_holders
        FROM (SELECT p_signature[f.e] AS sig, f.id,
                (SELECT es.event_id FROM event_signatures AS es WHERE es.signature = p_signature[f.e]) AS holder
              FROM unnest(fresh, fresh_ids) AS f(e, id) WHERE p_signature[f.e] IS NOT NULL) AS s
        WHERE s.holder <> s.id;
      -- Steps 4 and 7 both update stored rows (holders here, originals there): they are locked first, all in one
      -- id order, so two receivers cannot each hold one and wait for the other's (a deadlock, answered 503).
      PERFORM FROM events WHERE id = ANY(lost_holders || dup_owners) ORDER BY id FOR UPDATE;
      -- Each variant points at the holder; each holder at its first variant. One row per statement, in id order.
      FOR target, other IN
        SELECT v.id, v.other FROM (
          SELECT l.id, l.holder AS other FROM unnest(lost_ids, lost_holders) AS l(id, holder)
          UNION ALL
          (SELECT DISTINCT ON (l.holder) l.holder, l.id FROM unnest(lost_ids, lost_holders) WITH ORDINALITY AS l(id, holder, pos)
           ORDER BY l.holder, l.pos)) AS v
        ORDER BY v.id
      LOOP
        UPDATE events SET anomaly = 'forged_variant', anomaly_event_id = coalesce(anomaly_event_id, other)
        WHERE id = target;
      END LOOP;
    END IF;

    -- 5. Count the completions this batch stored (their rows are locked since step 0).
    IF cardinality(scopes) > 0 THEN
      UPDATE file_sequences SET completes = file_sequences.completes + c.n FROM (
        SELECT p_seq_scope[f.e] AS scope, count(*) AS n FROM unnest(fresh) AS f(e)
        WHERE p_seq_role[f.e] = 'complete' GROUP BY 1
      ) AS c WHERE file_sequences.scope = c.scope;
    END IF;

    -- 6. Tell listeners (the live stream of every receiver) which ids are new; sent on commit.
    IF p_channel IS NOT NULL THEN
      FOR payload IN SELECT string_agg(u.id::text, ',' ORDER BY u.pos) FROM unnest(fresh_ids) WITH ORDINALITY AS u(id, pos)
                     GROUP BY (u.pos - 1) / 300 LOOP
        PERFORM pg_notify(p_channel, payload);
      END LOOP;
    END IF;
  END IF;

  -- 7. Count each redelivery on its original, one original per statement, in id order.
  IF cardinality(fresh) < n THEN
    FOR target, times IN SELECT o.owner, count(*)::int FROM unnest(dup_owners) AS o(owner) GROUP BY o.owner ORDER BY 1
    LOOP
      UPDATE events SET duplicates = duplicates + times WHERE id = target;
    END LOOP;
  END IF;

  -- One row per event, in input order: a new event's id, or a duplicate's original, and a variant's holder.
  RETURN QUERY
    SELECT CASE WHEN g.e = ANY(fresh) THEN ids[g.e] ELSE dup_owners[array_position(dup_events, g.e)] END,
      g.e = ANY(fresh),
      CASE WHEN g.e = ANY(fresh) THEN lost_holders[array_position(lost_ids, ids[g.e])] END
    FROM generate_series(1, n) AS g(e); -- a lone function scan keeps its order
END
$fn$`;

export function idsFirstWriteFunction(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await CLAIM_KEYS.execute(db);
      // Replaced in place (same arguments), so a receiver of the previous version still running against this
      // database calls the new body; then 0008's claim function has no caller left.
      await WRITE_EVENTS.execute(db);
      await sql`DROP FUNCTION livehook_claim_keys(int[], text[])`.execute(db);
    },
  };
}

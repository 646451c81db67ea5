/**
 * Migration 0008 (PostgreSQL only): the whole write of a batch as one server-side function, so a batch costs one
 * round trip and one statement instead of eight (BENCHMARKS.md). Frozen history like every migration: a later
 * change replaces the function in a new migration instead of editing this one.
 *
 * The outcome is the same as writing the events one by one in input order (SQLite's writer does exactly that),
 * and locks are always taken in one order, so receivers sharing the database cannot deadlock: completion counter
 * rows (sorted), then the keys of ordinary events (sorted), then the keys of sequenced file starts (sorted; they
 * end in `:c<n>`, so the two sets never overlap), then signature keys (sorted). A key another transaction holds
 * makes the claim wait for it and then do nothing, so that transaction's event is seen as the original.
 *
 * Events arrive as one array per column, with their keys flattened (`key_event[j]` is the event of `keys[j]`) and
 * their bodies concatenated into one bytea (`body_ends[i]` is where event i's body ends): arrays of scalars are
 * the cheapest thing for the driver to send, and one bytea travels in binary. The function NOTIFYs the ids it
 * stored on `channel` (300 to a payload, under the 8000-byte limit); PostgreSQL delivers them when the
 * transaction commits, and never when it rolls back.
 *
 * An event with outbox targets (`p_forward`) is queued exactly as the per-row insert before this function queued
 * it: forward_state 'pending', forward_next_at its arrival, and forward_attempts, forward_error and migration
 * 0007's forward_done left at their defaults (0, NULL, NULL), so claimForwards takes it like any other.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "./migrations.js";

const CLAIM_KEYS = sql`
CREATE FUNCTION livehook_claim_keys(key_event int[], keys text[]) RETURNS int[]
LANGUAGE plpgsql AS $fn$
DECLARE
  claimed text[];
  candidates int[];
  contested int[];
  taken text[] := '{}';
  own text[];
  ev int;
BEGIN
  IF coalesce(cardinality(keys), 0) = 0 THEN RETURN '{}'; END IF;
  WITH c AS (
    INSERT INTO event_keys (key, event_id)
    SELECT DISTINCT k, NULL::bigint FROM unnest(keys) AS t(k) ORDER BY k
    ON CONFLICT DO NOTHING RETURNING key)
  SELECT coalesce(array_agg(c.key), '{}') INTO claimed FROM c;
  -- An event is new when this transaction claimed every key it has and no earlier new event took one of them.
  SELECT coalesce(array_agg(t.e ORDER BY t.e), '{}') INTO candidates FROM (
    SELECT p.e FROM unnest(key_event, keys) AS p(e, k) GROUP BY p.e HAVING bool_and(p.k = ANY(claimed))) t;
  SELECT coalesce(array_agg(DISTINCT p.e), '{}') INTO contested FROM unnest(key_event, keys) AS p(e, k)
  WHERE p.e = ANY(candidates) AND p.k IN (
    SELECT q.k FROM unnest(key_event, keys) AS q(e, k) WHERE q.e = ANY(candidates) GROUP BY q.k HAVING count(*) > 1);
  FOREACH ev IN ARRAY contested LOOP
    own := ARRAY(SELECT p.k FROM unnest(key_event, keys) AS p(e, k) WHERE p.e = ev);
    IF own && taken THEN candidates := array_remove(candidates, ev); ELSE taken := taken || own; END IF;
  END LOOP;
  -- A duplicate keeps no claim of its own, so the dedupe window is measured from the stored event.
  IF cardinality(claimed) > (SELECT count(DISTINCT p.k) FROM unnest(key_event, keys) AS p(e, k)
                             WHERE p.e = ANY(candidates)) THEN
    DELETE FROM event_keys WHERE key = ANY(claimed) AND key NOT IN (
      SELECT p.k FROM unnest(key_event, keys) AS p(e, k) WHERE p.e = ANY(candidates));
  END IF;
  RETURN candidates;
END
$fn$`;

const WRITE_EVENTS = sql`
CREATE FUNCTION livehook_write_events(
  p_vendor text[], p_key_event int[], p_keys text[], p_received_at bigint[], p_event_type text[], p_domain text[],
  p_app text[], p_stream text[], p_session_key text[], p_file_key text[], p_event_time bigint[],
  p_auth_scope text[], p_key_index int[], p_valid int[], p_issues text[], p_unknown_fields text[],
  p_headers text[], p_bodies bytea, p_body_ends int[], p_forward boolean[], p_seq_scope text[], p_seq_role text[],
  p_signature text[], p_channel text)
RETURNS TABLE (out_id bigint, out_stored boolean, out_variant_of bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  n int := cardinality(p_vendor);
  keys text[] := p_keys;
  scopes text[] := '{}';
  initial bigint[] := '{}';
  fresh int[];
  fresh_ids bigint[] := '{}';
  first_keys text[];
  sigs text[];
  sig_ids bigint[];
  lost_ids bigint[] := '{}';
  lost_holders bigint[] := '{}';
  dup_events int[] := '{}';
  dup_owners bigint[] := '{}';
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

  -- 1. Claim the keys of every event except sequenced file starts.
  fresh := livehook_claim_keys(
    ARRAY(SELECT t.e FROM unnest(p_key_event) WITH ORDINALITY AS t(e, j)
          WHERE p_seq_role[t.e] IS DISTINCT FROM 'start' ORDER BY t.j),
    ARRAY(SELECT t.k FROM unnest(p_key_event, keys) WITH ORDINALITY AS t(e, k, j)
          WHERE p_seq_role[t.e] IS DISTINCT FROM 'start' ORDER BY t.j));

  -- 1b. Sequenced starts: their keys carry the completions stored before them, in input order.
  IF 'start' = ANY(p_seq_role) THEN
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
            WHERE p_seq_role[t.e] = 'start' ORDER BY t.j))) AS f ORDER BY f);
  END IF;

  IF cardinality(fresh) > 0 THEN
    -- 2. Insert the new events, ids in input order (nextval runs row by row over the sorted array).
    first_keys := ARRAY(SELECT DISTINCT ON (t.e) t.k FROM unnest(p_key_event, keys) WITH ORDINALITY AS t(e, k, j)
                        WHERE t.e = ANY(fresh) ORDER BY t.e, t.j);
    WITH ins AS (
      INSERT INTO events (id, vendor, idem_key, received_at, event_type, domain, app, stream, session_key, file_key,
        event_time, body_authenticated, auth_scope, key_index, valid, issues, unknown_fields, headers, raw_body,
        forward_state, forward_next_at)
      SELECT nextval('events_id_seq'), p_vendor[f.e], f.k, p_received_at[f.e], p_event_type[f.e], p_domain[f.e],
        p_app[f.e], p_stream[f.e], p_session_key[f.e], p_file_key[f.e], p_event_time[f.e],
        CASE WHEN p_auth_scope[f.e] = 'body' THEN 1 ELSE 0 END, p_auth_scope[f.e], p_key_index[f.e], p_valid[f.e],
        p_issues[f.e], p_unknown_fields[f.e], p_headers[f.e],
        substring(p_bodies FROM coalesce(p_body_ends[f.e - 1], 0) + 1
                  FOR p_body_ends[f.e] - coalesce(p_body_ends[f.e - 1], 0)),
        CASE WHEN p_forward[f.e] THEN 'pending' END, CASE WHEN p_forward[f.e] THEN p_received_at[f.e] END
      FROM unnest(fresh, first_keys) AS f(e, k)
      RETURNING id)
    SELECT array_agg(ins.id ORDER BY ins.id) INTO fresh_ids FROM ins;

    -- 3. Bind every claim of a new event to its id.
    UPDATE event_keys SET event_id = x.id FROM (
      SELECT t.k, f.id FROM unnest(p_key_event, keys) AS t(e, k) JOIN unnest(fresh, fresh_ids) AS f(e, id) ON f.e = t.e
    ) AS x WHERE event_keys.key = x.k;

    -- 4. Signature keys (README "Body authentication"): a new event whose key another event holds is a forged
    --    variant of it, and both are flagged; a row keeps the first other event it was flagged with.
    SELECT array_agg(p_signature[f.e] ORDER BY p_signature[f.e], f.id), array_agg(f.id ORDER BY p_signature[f.e], f.id)
      INTO sigs, sig_ids FROM unnest(fresh, fresh_ids) AS f(e, id) WHERE p_signature[f.e] IS NOT NULL;
    IF sigs IS NOT NULL THEN
      INSERT INTO event_signatures (signature, event_id) SELECT s.sig, s.id FROM unnest(sigs, sig_ids) AS s(sig, id)
      ON CONFLICT DO NOTHING;
      SELECT coalesce(array_agg(s.id ORDER BY s.pos), '{}'), coalesce(array_agg(es.event_id ORDER BY s.pos), '{}')
        INTO lost_ids, lost_holders
        FROM unnest(sigs, sig_ids) WITH ORDINALITY AS s(sig, id, pos)
        JOIN event_signatures AS es ON es.signature = s.sig WHERE es.event_id <> s.id;
      IF cardinality(lost_ids) > 0 THEN
        UPDATE events SET anomaly = 'forged_variant', anomaly_event_id = coalesce(events.anomaly_event_id, v.other)
        FROM (
          SELECT l.id, l.holder AS other FROM unnest(lost_ids, lost_holders) AS l(id, holder)
          UNION ALL
          (SELECT DISTINCT ON (l.holder) l.holder, l.id FROM unnest(lost_ids, lost_holders) WITH ORDINALITY AS l(id, holder, pos)
           ORDER BY l.holder, l.pos)
        ) AS v WHERE events.id = v.id;
      END IF;
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

  -- 7. Find the original of each duplicate (its first key that has one) and count the redelivery on it.
  IF cardinality(fresh) < n THEN
    SELECT coalesce(array_agg(d.e ORDER BY d.e), '{}'), coalesce(array_agg(d.owner ORDER BY d.e), '{}')
      INTO dup_events, dup_owners FROM (
        SELECT DISTINCT ON (t.e) t.e, ek.event_id AS owner
        FROM unnest(p_key_event, keys) WITH ORDINALITY AS t(e, k, j) JOIN event_keys AS ek ON ek.key = t.k
        WHERE NOT (t.e = ANY(fresh)) AND ek.event_id IS NOT NULL ORDER BY t.e, t.j) AS d;
    UPDATE events SET duplicates = events.duplicates + c.n FROM (
      SELECT o.owner, count(*)::int AS n FROM unnest(dup_owners) AS o(owner) GROUP BY o.owner
    ) AS c WHERE events.id = c.owner;
  END IF;

  RETURN QUERY
    SELECT coalesce(f.id, d.owner), f.id IS NOT NULL, l.holder
    FROM generate_series(1, n) AS g(e)
    LEFT JOIN unnest(fresh, fresh_ids) AS f(e, id) ON f.e = g.e
    LEFT JOIN unnest(lost_ids, lost_holders) AS l(id, holder) ON l.id = f.id
    LEFT JOIN unnest(dup_events, dup_owners) AS d(e, owner) ON d.e = g.e
    ORDER BY g.e;
END
$fn$`;

export function writeEventsFunction(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await CLAIM_KEYS.execute(db);
      await WRITE_EVENTS.execute(db);
    },
  };
}

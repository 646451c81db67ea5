/**
 * Table types shared by both dialects. Booleans are stored as 0/1 integers and JSON as text, so one set of
 * queries serves SQLite and PostgreSQL. PostgreSQL returns int8 columns as strings, hence `number | string`;
 * rows go through row-mapping.ts before leaving the store.
 */
import type { Generated } from "kysely";

type Int8 = number | string;

export interface EventsTable {
  id: Generated<Int8>;
  vendor: string;
  idem_key: string;
  received_at: Int8;
  event_type: string | null;
  domain: string | null;
  app: string | null;
  stream: string | null;
  session_key: string | null;
  file_key: string | null;
  event_time: Int8 | null;
  /** Kept for databases read by older receivers: 1 exactly when auth_scope is "body" (migration 0005). */
  body_authenticated: number;
  auth_scope: string;
  anomaly: string | null;
  anomaly_event_id: Int8 | null;
  key_index: number;
  valid: number;
  issues: string;
  unknown_fields: string;
  headers: string;
  raw_body: Uint8Array;
  duplicates: Generated<number>;
  forward_state: string | null;
  forward_attempts: Generated<number>;
  forward_next_at: Int8 | null;
  forward_error: string | null;
  /** JSON array of the names of the targets that confirmed the event while others still fail (migration 0007). */
  forward_done: string | null;
}

export interface EventKeysTable {
  key: string;
  event_id: Int8 | null;
}

/** PostgreSQL only: one row per signature key (NewEvent.signatureKey), the first stored event that carried it. */
export interface EventSignaturesTable {
  signature: string;
  event_id: Int8;
}

export interface FileSequencesTable {
  scope: string;
  completes: Int8;
}

export interface RejectionsTable {
  id: Generated<Int8>;
  vendor: string;
  received_at: Int8;
  reason: string;
  status: number;
  headers: string;
  raw_body: Uint8Array;
}

export interface DeadLettersTable {
  id: Generated<Int8>;
  event_id: Int8;
  failed_at: Int8;
  attempts: number;
  error: string;
}

export interface Database {
  events: EventsTable;
  event_keys: EventKeysTable;
  event_signatures: EventSignaturesTable;
  file_sequences: FileSequencesTable;
  rejections: RejectionsTable;
  dead_letters: DeadLettersTable;
}

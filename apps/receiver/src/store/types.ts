/**
 * The storage interface. SQLite and PostgreSQL implement it and pass one shared suite (store.suite.ts).
 * Idempotency lives in the database: every event claims one or more keys in `event_keys`, whose primary key
 * makes a second claim fail, so two receivers on one PostgreSQL can never both store the same event.
 */
import type { AuthenticationScope, Vendor } from "@livehook/core";

export type NewEvent = {
  vendor: Vendor;
  /** Milliseconds since the epoch, from the injected clock. */
  receivedAt: number;
  /** The first key is the event's idempotency key; identity-less bodies claim a second one (docs/receiver-internals.md "Idempotency keys"). */
  idemKeys: string[];
  eventType: string | null;
  domain: string | null;
  app: string | null;
  stream: string | null;
  /** Recording job or stream the event belongs to, for /api/sessions. */
  sessionKey: string | null;
  /** Identifies one recorded file within the session (Huawei Live `job_id`), to pair starts with completions. */
  fileKey: string | null;
  /** The vendor's own time for the event (ms), used to spot out-of-order deliveries. */
  eventTime: number | null;
  /** What the signature covered (core's `authenticated.scope`): the whole body, named fields, or nothing of it. */
  authScope: AuthenticationScope;
  /**
   * Set for events whose signature covers named fields only (Huawei Live HMACSHA256): the signature's time and
   * digits as `t<auth_timestamp, 7 base-36 digits>:<first 32 hex digits of auth_sign>`. Two stored events with the
   * same one carry the same signed fields but differ elsewhere (else the second would be a duplicate): a forged
   * variant (docs/receiver-internals.md "Forged variants"). The time prefix keeps the index written at its right-hand edge.
   */
  signatureKey: string | null;
  /**
   * With a signature key: how long after the key's time (`auth_timestamp`, an expiry) the signature still verifies
   * (the hook's grace, LIVEHOOK_TOLERANCE_SECONDS). Past that no variant can verify, so the SQLite writer forgets
   * the key then (sqlite-writer.ts).
   */
  signatureGraceSeconds: number | null;
  keyIndex: number;
  valid: boolean;
  issues: unknown[];
  unknownFields: string[];
  headers: Record<string, string>;
  rawBody: Uint8Array;
  /** Set when the vendor has a forwarding target: the event is queued for relay in the same transaction. */
  forward: boolean;
  /**
   * File starts that carry no file identity (SparkRTC): the store counts the completions stored per `scope`
   * (job and format), and a `start` claims its keys suffixed with that count, read in the same transaction.
   * So a start after a stored completion of its job is new even when its body repeats an earlier start.
   */
  fileSequence?: FileSequence | undefined;
};

export type FileSequence = { scope: string; role: "start" | "complete" };

/** The keys a start actually claims: its window keys, each suffixed with the completions stored so far. */
export const sequencedKeys = (keys: readonly string[], completes: number): string[] =>
  keys.map((k) => `${k}:c${completes}`);

/**
 * `refused`: the database would not take this event's row, whatever the moment (a data error, such as a byte a
 * column type cannot hold). Its batch-mates are written without it; the event is answered deterministically
 * (receive-callback.ts), never with a 503 the vendor would retry forever.
 * `forgedVariantOf`: the stored event shares its signature key with that earlier event (and both are flagged).
 */
export type WriteOutcome =
  | { status: "stored"; id: number; forgedVariantOf?: number | undefined }
  | { status: "duplicate"; id: number | null }
  | { status: "refused"; id: null; reason: string };

/**
 * How far ahead of the receiver's clock a Huawei Live `auth_timestamp` may be and still verify (D6): a stored
 * signature key can stay valid until this plus the grace after the event was received.
 */
export const SIGNATURE_MAX_FUTURE_SECONDS = 3600;

export const EVENT_ANOMALY_KINDS = ["forged_variant"] as const;
/**
 * Something the store noticed about an event when it was written. `forged_variant`: another stored event has the
 * same signature over the same signed fields but different unsigned fields; `otherEventId` is that event (for the
 * first of such a group, the second one stored).
 */
export type EventAnomaly = { kind: (typeof EVENT_ANOMALY_KINDS)[number]; otherEventId: number };

export type NewRejection = {
  vendor: Vendor;
  receivedAt: number;
  reason: string;
  status: number;
  headers: Record<string, string>;
  rawBody: Uint8Array;
};

/** The store answers but takes no write: a table lock held elsewhere (readiness probe, /readyz). */
export class StoreBlocked extends Error {
  override name = "StoreBlocked";
}

export type ForwardState = "pending" | "delivered" | "dead";

/** What the API lists: the event's own columns, without its body and keys, plus what the store learned since. */
export type EventSummary = Pick<
  NewEvent,
  | "vendor"
  | "receivedAt"
  | "eventType"
  | "domain"
  | "app"
  | "stream"
  | "sessionKey"
  | "fileKey"
  | "eventTime"
  | "authScope"
  | "keyIndex"
  | "valid"
  | "unknownFields"
> & {
  id: number;
  duplicates: number;
  anomaly: EventAnomaly | null;
  forwardState: ForwardState | null;
};

export type StoredEvent = EventSummary & {
  idemKey: string;
  issues: unknown[];
  headers: Record<string, string>;
  rawBody: Uint8Array;
  forwardAttempts: number;
  forwardError: string | null;
};

export type RejectionSummary = {
  id: number;
  vendor: Vendor;
  receivedAt: number;
  reason: string;
  status: number;
  headers: Record<string, string>;
  rawBody: Uint8Array;
};

export type DeadLetter = {
  id: number;
  eventId: number;
  vendor: Vendor;
  failedAt: number;
  attempts: number;
  error: string;
};

/**
 * `body_authenticated`: scope body. `body_unauthenticated`: anything less (fields or none). `fields_authenticated`
 * and `signature_only`: scope fields and none. `forged_variant`: events flagged with that anomaly.
 */
export const VERDICT_FILTERS = [
  "body_authenticated",
  "body_unauthenticated",
  "fields_authenticated",
  "signature_only",
  "valid",
  "invalid",
  "forged_variant",
] as const;
export type VerdictFilter = (typeof VERDICT_FILTERS)[number];

export type EventQuery = {
  vendor?: Vendor | undefined;
  eventType?: string | undefined;
  domain?: string | undefined;
  app?: string | undefined;
  stream?: string | undefined;
  sessionKey?: string | undefined;
  /** Substring matches, case-insensitive for ASCII letters; `%`, `_` and `\\` match themselves. */
  contains?: Partial<Record<"eventType" | "domain" | "app" | "stream", string | undefined>> | undefined;
  /** Inclusive lower and exclusive upper bound on receivedAt (ms). */
  since?: number | undefined;
  until?: number | undefined;
  verdict?: VerdictFilter | undefined;
  /** Newest first: ids below this one. */
  before?: number | undefined;
  /** Oldest first: ids above this one (used by the SSE stream to catch up). */
  after?: number | undefined;
  limit: number;
};

/** A queued event claimed for delivery to its vendor's outbox targets (src/forwarder.ts). */
export type ForwardTask = {
  id: number;
  vendor: Vendor;
  /** The event's idempotency key: the message id on a bus, so brokers and consumers drop a second publish. */
  idemKey: string;
  attempts: number;
  /** Names of the targets that already confirmed this event (a retry skips them). */
  done: string[];
  rawBody: Uint8Array;
  summary: EventSummary;
};

/** The outcome of one delivery attempt of a claimed event. */
export type ForwardMark = { id: number } & (
  | { state: "delivered" }
  | { state: "pending"; nextAt: number; error: string; done: string[] }
  | { state: "dead"; error: string; done: string[] }
);

/**
 * What a reader of new events learns: the ids just committed, that rejected attempts were recorded (`rejected`;
 * the stream reads them from the last one it sent), or `resync` when notices may have been missed (the listening
 * connection was lost), so it catches up from the store.
 */
export type CommitNotice = { kind: "committed"; ids: readonly number[] } | { kind: "rejected" } | { kind: "resync" };

export interface EventStore {
  readonly kind: "sqlite" | "postgres";
  /**
   * How many batches may be handed to `writeBatch` before the first settles (default 1). PostgreSQL says more:
   * each batch is one transaction on its own connection, and its key claims decide a race between two batches
   * as between two receivers.
   */
  readonly pipelineDepth?: number;
  /** Writes every event in one transaction; outcomes are in input order. Rejects when nothing was committed. */
  writeBatch(events: readonly NewEvent[]): Promise<WriteOutcome[]>;
  /** Inserts rejected attempts, then keeps only the newest `keepPerVendor` of each vendor in the batch. */
  recordRejections(rejections: readonly NewRejection[], keepPerVendor: number): Promise<void>;
  listEvents(query: EventQuery): Promise<EventSummary[]>;
  getEvent(id: number): Promise<StoredEvent | undefined>;
  listRejections(query: {
    vendor?: Vendor | undefined;
    before?: number | undefined;
    /** Ids above this one, oldest first (the event stream follows rejections with it). */
    after?: number | undefined;
    limit: number;
  }): Promise<RejectionSummary[]>;
  countEvents(): Promise<number>;
  /** Events whose forwarding gave up, newest first. */
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /**
   * Claims up to `limit` queued events whose next attempt is due at `now` (ms), oldest first: each one's next
   * attempt moves to `now + leaseMs`, so no other claim takes it meanwhile, and the claims of a receiver that dies
   * come due again when the lease runs out. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so receivers sharing
   * the database never wait for each other's claims nor take the same event.
   */
  claimForwards(now: number, leaseMs: number, limit: number): Promise<ForwardTask[]>;
  /** Records delivery attempts in one transaction: delivered, retry at `nextAt`, or dead-lettered. */
  markForwards(now: number, marks: readonly ForwardMark[]): Promise<void>;
  /**
   * Notices of the commits of every receiver sharing the store (PostgreSQL: LISTEN/NOTIFY), including this one's,
   * until the returned function is called. The first notice is `resync`: commits made before the watch began are
   * read from the store. Absent when this process is the only writer (SQLite): its group committer then tells.
   */
  readonly watchCommits?: (listener: (notice: CommitNotice) => void) => () => void;
  /** Throws when the store is unreachable, and StoreBlocked when it answers but would not take a write now. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

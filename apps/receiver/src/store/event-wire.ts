/**
 * How events and outcomes cross to and from the SQLite writer thread. postMessage's structured clone writes
 * every property name of every object and copies each body's whole underlying ArrayBuffer (a socket read, not
 * just the body); for a batch of NewEvent objects that cost the event loop about 9 µs per event, more than
 * verifying its signature. Here a batch travels as one array of positional rows plus one buffer holding all the
 * bodies, which is transferred rather than copied, and the outcomes come back as one transferred Float64Array:
 * about half the cost on the event loop, less on the writer (BENCHMARKS.md, "fourth pass"). The JSON columns
 * (headers, issues, unknown fields) travel as the text the writer stores: one JSON.stringify of a small object
 * costs less than cloning it, and the writer no longer rebuilds and re-serializes it (sixth pass).
 */
import { type EventRow, listJson } from "./sqlite-writer.js";
import type { NewEvent, WriteOutcome } from "./types.js";

type Row = [
  vendor: NewEvent["vendor"],
  receivedAt: number,
  idemKeys: string[],
  eventType: string | null,
  domain: string | null,
  app: string | null,
  stream: string | null,
  sessionKey: string | null,
  fileKey: string | null,
  eventTime: number | null,
  authScope: NewEvent["authScope"],
  signatureKey: string | null,
  signatureGraceSeconds: number | null,
  keyIndex: number,
  valid: boolean,
  issuesJson: string,
  unknownFieldsJson: string,
  headersJson: string,
  bodyLength: number,
  forward: boolean,
  fileSequence: NewEvent["fileSequence"] | null,
];

export type EventBatch = { rows: Row[]; bodies: Uint8Array };

/** The batch, and the buffer to list in postMessage's transfer list. */
export function encodeEvents(events: readonly NewEvent[]): { batch: EventBatch; transfer: ArrayBuffer[] } {
  let total = 0;
  for (const e of events) total += e.rawBody.byteLength;
  const bodies = new Uint8Array(total);
  const rows: Row[] = new Array(events.length);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as NewEvent;
    bodies.set(e.rawBody, at);
    at += e.rawBody.byteLength;
    rows[i] = [
      e.vendor,
      e.receivedAt,
      e.idemKeys,
      e.eventType,
      e.domain,
      e.app,
      e.stream,
      e.sessionKey,
      e.fileKey,
      e.eventTime,
      e.authScope,
      e.signatureKey,
      e.signatureGraceSeconds,
      e.keyIndex,
      e.valid,
      listJson(e.issues),
      listJson(e.unknownFields),
      JSON.stringify(e.headers),
      e.rawBody.byteLength,
      e.forward,
      e.fileSequence ?? null,
    ];
  }
  return { batch: { rows, bodies }, transfer: [bodies.buffer as ArrayBuffer] };
}

export function decodeEvents(batch: EventBatch): EventRow[] {
  const events: EventRow[] = new Array(batch.rows.length);
  let at = 0;
  for (let i = 0; i < batch.rows.length; i++) {
    const r = batch.rows[i] as Row;
    const length = r[18];
    events[i] = {
      vendor: r[0],
      receivedAt: r[1],
      idemKeys: r[2],
      eventType: r[3],
      domain: r[4],
      app: r[5],
      stream: r[6],
      sessionKey: r[7],
      fileKey: r[8],
      eventTime: r[9],
      authScope: r[10],
      signatureKey: r[11],
      signatureGraceSeconds: r[12],
      keyIndex: r[13],
      valid: r[14],
      issuesJson: r[15],
      unknownFieldsJson: r[16],
      headersJson: r[17],
      rawBody: batch.bodies.subarray(at, at + length),
      forward: r[19],
      fileSequence: r[20] ?? undefined,
    };
    at += length;
  }
  return events;
}

/**
 * Two numbers per outcome. Stored: the new id, then the id of the event it is a forged variant of, or 0.
 * Duplicate: minus the original's id, or 0 when the original is unknown; then 0.
 */
export function encodeOutcomes(outcomes: readonly WriteOutcome[]): Float64Array {
  const out = new Float64Array(outcomes.length * 2);
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i] as WriteOutcome;
    out[2 * i] = o.status === "stored" ? o.id : -(o.id ?? 0);
    out[2 * i + 1] = o.status === "stored" ? (o.forgedVariantOf ?? 0) : 0;
  }
  return out;
}

export function decodeOutcomes(encoded: Float64Array): WriteOutcome[] {
  const outcomes: WriteOutcome[] = new Array(encoded.length / 2);
  for (let i = 0; i < outcomes.length; i++) {
    const v = encoded[2 * i] as number;
    const variantOf = encoded[2 * i + 1] as number;
    if (v <= 0) outcomes[i] = { status: "duplicate", id: v === 0 ? null : -v };
    else
      outcomes[i] =
        variantOf > 0 ? { status: "stored", id: v, forgedVariantOf: variantOf } : { status: "stored", id: v };
  }
  return outcomes;
}

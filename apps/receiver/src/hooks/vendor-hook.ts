/**
 * What differs between vendors, as data: how to verify, which schema applies, which fields identify the event,
 * and the reply the vendor expects. The check order itself lives once, in receive-callback.ts.
 */
import type { CallbackVerdict, HeaderSource, Vendor } from "@livehook/core";
import type { FileSequence } from "../store/types.js";
import type { CallbackSchema } from "../validate-body.js";

export type VerifyInput = {
  raw: Uint8Array;
  headers: HeaderSource;
  keys: readonly string[];
  now: Date;
  /** Host header of the request (Alibaba signs the callback URL host). */
  requestHost: string;
};

export type EventFacts = {
  eventType: string | null;
  domain: string | null;
  app: string | null;
  stream: string | null;
  sessionKey: string | null;
  fileKey: string | null;
  /**
   * The vendor's send time in ms, from the signed timestamp (Huawei Live: derived from its expiry, D6), for
   * out-of-order detection and display.
   */
  eventTime: number | null;
  /** Seconds from the body's own time fields (hooks/key-time.ts); orders the idempotency keys. */
  keyTime: number | null;
  /** True when the body carries nothing that tells a retry from a second genuine event (docs/receiver-internals.md "Idempotency keys"). */
  identityless: boolean;
  /** For file starts without a file identity and the completions that end them (docs/receiver-internals.md "Idempotency keys"). */
  fileSequence?: FileSequence | undefined;
};

/**
 * How a hook verifies: from the raw bytes and headers, or, when the signature travels inside the JSON body
 * (Huawei Live), from the body parsed once by processCallback, which then reuses that parse. `undefined` stands
 * for bytes that are not JSON.
 */
type Verifier =
  | { verify(input: VerifyInput): CallbackVerdict; verifyParsed?: never }
  | { verifyParsed(body: unknown, input: VerifyInput): CallbackVerdict; verify?: never };

export type VendorHook = Verifier & {
  vendor: Vendor;
  /** The zod schema (from @livehook/core) the parsed body should satisfy. */
  schemaFor(body: unknown): CallbackSchema;
  /** `receivedAt` (ms): when the receiver got the body; Huawei Live derives its send time with it. */
  facts(body: unknown, header: (name: string) => string | undefined, receivedAt: number): EventFacts;
  /**
   * For a scheme that signs named fields (Huawei Live HMACSHA256): the body's signature key (NewEvent.signatureKey),
   * by which the store spots forged variants. Asked only when the verdict's scope is `fields`.
   */
  signatureKey?(body: unknown): string | null;
  /** With `signatureKey`: how long after the key's time its signature still verifies (NewEvent.signatureGraceSeconds). */
  signatureGraceSeconds?: number;
  /** The 200 reply body, frozen (its JSON text is made once); every vendor here only looks at the status (vendor-spec §1). */
  ack: Readonly<Record<string, unknown>>;
};

export const field = (body: unknown, name: string): unknown =>
  typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined;

export const text = (body: unknown, name: string): string | null => {
  const v = field(body, name);
  return typeof v === "string" ? v : null;
};

/** Unix seconds or milliseconds (decimal text or number) to ms; anything else is null. */
export function epochMs(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return null;
  return n >= 1e11 ? n : n * 1000;
}

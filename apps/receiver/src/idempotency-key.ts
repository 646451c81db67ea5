/**
 * The idempotency key (docs/receiver-internals.md "Idempotency keys"), built on the event digest of @livehook/core (`eventDigest`): the
 * first 128 bits of the SHA-256 of the event's canonical JSON without its auth fields, as 32 hex digits. Canonical
 * means object keys sorted at every depth, so a re-serialized retry gives the same key; the auth fields are dropped
 * because a retry is re-signed with a new timestamp (D6). `livehook reconcile` computes the same digest, so it
 * lives in core. 128 bits halve the key: twice as many keys fit on an index page, so a commit dirties fewer of
 * them (migration 0004).
 *
 * Bodies without identity (Alibaba status callbacks, SparkRTC file starts: a retry and a second genuine event
 * are byte-identical) claim one key per slice of a quarter window, for the slice of arrival and the next
 * four. Two arrivals less than one window apart always share a key; 1.25 windows or more apart never do.
 */
import type { Vendor } from "@livehook/core";
import { keyTimePrefix } from "./hooks/key-time.js";

/** Slices per window: the grey zone between "always a duplicate" and "always new" is 1/WINDOW_SLICES of a window. */
export const WINDOW_SLICES = 4;

/**
 * The keys an event claims. An event with identity claims one: `<vendor>:<digest>`, or, when its body has a key
 * time (hooks/key-time.ts), `<vendor>:t<time>:<digest>`, so keys are stored in time order. Identity-less bodies
 * claim one key per window slice (see the top of this file).
 */
export function idempotencyKeys(
  vendor: Vendor,
  digest: string,
  identityless: boolean,
  receivedAtMs: number,
  windowSeconds: number,
  keyTimeSeconds: number | null,
): string[] {
  if (!identityless)
    return [keyTimeSeconds === null ? `${vendor}:${digest}` : `${vendor}:${keyTimePrefix(keyTimeSeconds)}:${digest}`];
  const sliceMs = (windowSeconds * 1000) / WINDOW_SLICES;
  const slice = Math.floor(receivedAtMs / sliceMs);
  return Array.from({ length: WINDOW_SLICES + 1 }, (_, i) => `${vendor}:${digest}:w${slice + i}`);
}

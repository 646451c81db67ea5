/**
 * Alibaba rejects a SignatureNonce seen before within the timestamp window (§6.2). Core keeps no state, so the
 * mock remembers nonces here until the window has surely passed.
 */
import type { Clock } from "@livehook/core";

const WINDOW_MS = 2 * 15 * 60 * 1000;

export class NonceCache {
  readonly #seen = new Map<string, number>();
  constructor(private readonly clock: Clock) {}

  /** False when the nonce was already used. */
  claim(accessKeyId: string, nonce: string): boolean {
    const now = this.clock.now().getTime();
    if (this.#seen.size > 10_000) {
      for (const [k, expires] of this.#seen) if (expires < now) this.#seen.delete(k);
    }
    const key = `${accessKeyId}\u0000${nonce}`;
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires >= now) return false;
    this.#seen.set(key, now + WINDOW_MS);
    return true;
  }
}

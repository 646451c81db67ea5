/**
 * The APIG lock-out of §2.10, an option (`--apig-lockout`, setting `apig_lockout`, off by default): five
 * consecutive failed AK/SK signatures of one access key lock that key for 5 minutes; while locked, even a correct
 * signature is refused. A success resets the count. Time comes from the injected clock.
 */
import type { Clock } from "@livehook/core";

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;

export class ApigLockout {
  readonly #byKey = new Map<string, { failures: number; lockedUntil: number }>();
  constructor(private readonly clock: Clock) {}

  /** True while the access key is locked out. An expired lock is forgotten. */
  locked(accessKey: string): boolean {
    const s = this.#byKey.get(accessKey);
    if (s === undefined || s.lockedUntil === 0) return false;
    if (this.clock.now().getTime() < s.lockedUntil) return true;
    this.#byKey.delete(accessKey);
    return false;
  }

  failure(accessKey: string): void {
    const s = this.#byKey.get(accessKey) ?? { failures: 0, lockedUntil: 0 };
    s.failures++;
    if (s.failures >= LOCKOUT_FAILURES) s.lockedUntil = this.clock.now().getTime() + LOCKOUT_MS;
    this.#byKey.set(accessKey, s);
  }

  success(accessKey: string): void {
    this.#byKey.delete(accessKey);
  }

  reset(): void {
    this.#byKey.clear();
  }
}

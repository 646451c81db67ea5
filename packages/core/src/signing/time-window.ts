/**
 * Time checks. Time is always a parameter (core never reads the clock), and windows are checked in both
 * directions: a stamp far in the future could otherwise be replayed for ever (STYLE habit 14).
 */

export type WindowViolation = "expired" | "not_yet_valid";

/**
 * `ts` and `nowSec` are Unix seconds. A stamp more than `pastToleranceSec` behind now has expired; one more than
 * `futureToleranceSec` ahead is not valid yet. The comparisons are written so that NaN fails closed.
 */
export function checkWindow(
  ts: number,
  nowSec: number,
  pastToleranceSec: number,
  futureToleranceSec: number,
): WindowViolation | undefined {
  if (!(nowSec - ts <= pastToleranceSec)) return "expired";
  if (!(ts - nowSec <= futureToleranceSec)) return "not_yet_valid";
  return undefined;
}

/**
 * Whether a header holds a Unix timestamp: 1 to 16 decimal digits (seconds or milliseconds), nothing else.
 * A loop rather than a regular expression: this runs on every callback.
 */
export function isUnixTimestamp(text: string | undefined): text is string {
  if (text === undefined || text.length === 0 || text.length > 16) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Unix seconds of `now` (fractional). An invalid date is the caller's bug, so it throws. */
export function unixSeconds(now: Date, caller: string): number {
  const ms = now instanceof Date ? now.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`${caller}: opts.now must be a valid Date`);
  return ms / 1000;
}

/** Misuse check for tolerance options: a negative or non-finite tolerance is a configuration bug. */
export function tolerance(value: number | undefined, fallback: number, caller: string, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`${caller}: opts.${name} must be a finite number ≥ 0`);
  }
  return value;
}

/**
 * Constant-time comparison of a received signature with the expected digest (STYLE habit 13): the received text
 * is decoded to bytes and compared with `timingSafeEqual`. Anything that cannot be the digest (not a string,
 * wrong length, not hex or not canonical base64) is a mismatch, never a throw. The shape checks look only at the
 * received text, so they reveal nothing about the expected digest; the bytes are compared without an early exit.
 */
import { timingSafeEqual } from "node:crypto";

const HEX = /^[0-9a-fA-F]*$/;

/** Whether `receivedHex` (upper- or lower-case, D7) spells the `expected` digest. */
export function hexMatchesDigest(receivedHex: unknown, expected: Uint8Array): boolean {
  if (typeof receivedHex !== "string" || receivedHex.length !== expected.length * 2 || !HEX.test(receivedHex)) {
    return false;
  }
  // timingSafeEqual throws on unequal lengths; after the checks above the decoded length always matches.
  return timingSafeEqual(Buffer.from(receivedHex, "hex"), expected);
}

/** Whether `receivedB64` is the canonical (padded, standard alphabet) base64 of the `expected` digest. */
export function base64MatchesDigest(receivedB64: unknown, expected: Uint8Array): boolean {
  if (typeof receivedB64 !== "string") return false;
  const received = Buffer.from(receivedB64, "base64");
  // Node's decoder skips junk and accepts base64url; re-encoding rejects every non-canonical spelling.
  if (received.length !== expected.length || received.toString("base64") !== receivedB64) return false;
  return timingSafeEqual(received, expected);
}

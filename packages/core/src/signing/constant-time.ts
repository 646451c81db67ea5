/**
 * Constant-time comparison of a received signature with the expected one (STYLE habit 13): both are decoded to
 * bytes and compared with `timingSafeEqual`. Anything that cannot be the signature (not a string, wrong length,
 * not hex or not canonical base64) is a mismatch, never a throw. The shape checks look only at the received
 * text, so they reveal nothing about the expected digest; the bytes are compared without an early exit.
 *
 * The expected digest comes as the text the signers produce (hex or base64), so a signer and its verifier share
 * one function. For the HMAC verifiers, decoding that text measured faster than a Buffer from `digest()` on Node
 * 20 (BENCHMARKS.md).
 */
import { timingSafeEqual } from "node:crypto";

/** Whether `receivedHex` (upper- or lower-case, D7) spells the same digest as `expectedHex`. */
export function hexMatchesDigest(receivedHex: unknown, expectedHex: string): boolean {
  if (typeof receivedHex !== "string" || receivedHex.length !== expectedHex.length) return false;
  // Node's hex decoder stops at the first pair that is not hex (documented), so a short result means undecodable;
  // checking it also keeps timingSafeEqual, which throws on unequal lengths, from seeing one.
  const received = Buffer.from(receivedHex, "hex");
  const expected = Buffer.from(expectedHex, "hex");
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** Whether `receivedB64` is the canonical (padded, standard alphabet) base64 of the digest `expectedB64`. */
export function base64MatchesDigest(receivedB64: unknown, expectedB64: string): boolean {
  if (typeof receivedB64 !== "string") return false;
  const received = Buffer.from(receivedB64, "base64");
  const expected = Buffer.from(expectedB64, "base64");
  // Node's decoder skips junk and accepts base64url; re-encoding rejects every non-canonical spelling.
  if (received.length !== expected.length || received.toString("base64") !== receivedB64) return false;
  return timingSafeEqual(received, expected);
}

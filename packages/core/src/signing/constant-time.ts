/**
 * Constant-time digest comparison. The received value is decoded to bytes (hex in either case, D7; canonical
 * base64) and compared with the expected digest bytes by `timingSafeEqual`, after a length check (it throws on
 * unequal lengths). Never throws.
 *
 * Expected digests arrive as "binary" strings (see digests.ts). Both sides are written into buffers kept per
 * digest length and reused, so a comparison allocates nothing; this is safe because nothing can run between
 * the writes and the comparison.
 */
import { timingSafeEqual } from "node:crypto";

const scratchByLength = new Map<number, readonly [received: Buffer, expected: Buffer]>();

function scratch(byteLength: number): readonly [Buffer, Buffer] {
  let pair = scratchByLength.get(byteLength);
  if (pair === undefined) {
    pair = [Buffer.alloc(byteLength), Buffer.alloc(byteLength)];
    scratchByLength.set(byteLength, pair);
  }
  return pair;
}

function compare(received: Buffer, expected: Buffer, expectedBinary: string): boolean {
  expected.write(expectedBinary, 0, expected.length, "latin1");
  return timingSafeEqual(received, expected);
}

/** Whether `receivedHex` (upper- or lower-case) spells the digest given as a binary string. */
export function hexMatchesDigest(receivedHex: unknown, expectedBinary: string): boolean {
  const n = expectedBinary.length;
  if (typeof receivedHex !== "string" || receivedHex.length !== n * 2) return false;
  const [received, expected] = scratch(n);
  // write() stops at the first pair that is not hex, so a short count means a bad character.
  if (received.write(receivedHex, 0, n, "hex") !== n) return false;
  return compare(received, expected, expectedBinary);
}

/** Whether `receivedB64` is the canonical (padded, standard alphabet) base64 of the digest. */
export function base64MatchesDigest(receivedB64: unknown, expectedBinary: string): boolean {
  const n = expectedBinary.length;
  if (typeof receivedB64 !== "string" || receivedB64.length !== 4 * Math.ceil(n / 3)) return false;
  const [received, expected] = scratch(n);
  // Node's decoder skips junk and accepts base64url; re-encoding rejects every non-canonical spelling. This
  // compares the sender's value with itself, so it leaks nothing about the expected digest.
  if (received.write(receivedB64, 0, n, "base64") !== n || received.toString("base64") !== receivedB64) return false;
  return compare(received, expected, expectedBinary);
}

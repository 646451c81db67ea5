/**
 * Constant-time digest comparison. The received value is decoded to bytes (hex in either case, D7; canonical
 * base64) and compared with the expected digest bytes by `timingSafeEqual`, after a length check (it throws on
 * unequal lengths). Never throws.
 *
 * Expected digests arrive as "binary" strings (see digests.ts). For hex, both sides are written into byte arrays
 * kept per digest length and reused, so a comparison allocates nothing; this is safe because nothing can run
 * between the writes and the comparison.
 */
import { timingSafeEqual } from "node:crypto";

const scratchByLength = new Map<number, readonly [received: Uint8Array, expected: Uint8Array]>();

function scratch(byteLength: number): readonly [Uint8Array, Uint8Array] {
  let pair = scratchByLength.get(byteLength);
  if (pair === undefined) {
    pair = [new Uint8Array(byteLength), new Uint8Array(byteLength)];
    scratchByLength.set(byteLength, pair);
  }
  return pair;
}

/** Hex digit values by char code, for every UTF-16 code unit (64 KiB, so lookups need no range check); -1 for
 * anything that is not a hex digit. */
const NIBBLE = new Int8Array(0x10000).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[0x41 + i] = NIBBLE[0x61 + i] = 10 + i;

/**
 * Whether `receivedHex` (upper- or lower-case) spells the digest given as a binary string. Both sides are filled
 * in plain JS: three Buffer.write calls into native code cost more than the MD5 they check.
 */
export function hexMatchesDigest(receivedHex: unknown, expectedBinary: string): boolean {
  const n = expectedBinary.length;
  if (typeof receivedHex !== "string" || receivedHex.length !== n * 2) return false;
  const pair = scratch(n);
  const received = pair[0];
  const expected = pair[1];
  let invalid = 0;
  for (let i = 0; i < n; i++) {
    // In range: the length check above guarantees a code unit, never NaN.
    const hi = NIBBLE[receivedHex.charCodeAt(2 * i)] as number;
    const lo = NIBBLE[receivedHex.charCodeAt(2 * i + 1)] as number;
    invalid |= hi | lo; // -1 sets the sign bit; every byte is still written
    received[i] = (hi << 4) | lo;
    expected[i] = expectedBinary.charCodeAt(i);
  }
  return invalid >= 0 && timingSafeEqual(received, expected);
}

/** Whether `receivedB64` is the canonical (padded, standard alphabet) base64 of the digest. */
export function base64MatchesDigest(receivedB64: unknown, expectedBinary: string): boolean {
  const n = expectedBinary.length;
  if (typeof receivedB64 !== "string" || receivedB64.length !== 4 * Math.ceil(n / 3)) return false;
  const received = Buffer.from(receivedB64, "base64");
  // Node's decoder skips junk and accepts base64url; re-encoding rejects every non-canonical spelling. This
  // compares the sender's value with itself, so it leaks nothing about the expected digest.
  if (received.length !== n || received.toString("base64") !== receivedB64) return false;
  return timingSafeEqual(received, Buffer.from(expectedBinary, "latin1"));
}

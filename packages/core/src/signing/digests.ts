/**
 * Hash and HMAC primitives in the shapes the signers and verifiers need.
 *
 * Why not plain `createHash(…).digest()`: on Node 20 a digest returned as a fresh Buffer costs about 400 ns more
 * than the same digest as a string, which is a quarter of an HMAC over a typical callback body. Verifiers
 * therefore take digests as "binary" (latin1, one char per byte) strings, which constant-time.ts turns back into
 * bytes for timingSafeEqual. And `crypto.hash` (Node ≥ 20.12) hashes short inputs 2–3× faster than a Hash
 * object; older Node 20 releases fall back to createHash. Measurements: BENCHMARKS.md.
 */
import * as nodeCrypto from "node:crypto";

export type DigestEncoding = "hex" | "base64" | "binary";
type Data = Uint8Array | string;

// A namespace import, because a named import of `hash` would fail to link on Node < 20.12.
const oneShot = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : undefined;

/** One-shot hash; strings are hashed as UTF-8. */
export function hash(algorithm: "md5" | "sha256", data: Data, encoding: DigestEncoding): string {
  if (oneShot !== undefined) return oneShot(algorithm, data, encoding);
  return nodeCrypto.createHash(algorithm).update(data).digest(encoding);
}

/** SHA-1 and SHA-256 both hash in 64-byte blocks (RFC 2104's B). */
const BLOCK_BYTES = 64;
const DIGEST_BYTES = { sha1: 20, sha256: 32 } as const;
type MacAlgorithm = keyof typeof DIGEST_BYTES;

/**
 * A key prepared once for RFC 2104's construction, H((K ^ opad) || H((K ^ ipad) || m)): its ipad block, and a
 * buffer holding its opad block with room for the inner digest after it.
 */
type MacKey = { innerPad: Buffer; outer: Buffer };

// Bounded, because request verifiers see secrets from a caller's lookup.
const MAX_CACHED_KEYS = 64;
const macKeys = new Map<string, MacKey>();

/** The key of the last call: a receiver verifies most callbacks with the same one. */
let lastMacKey: { algorithm: MacAlgorithm; key: string; prepared: MacKey } | undefined;

function macKey(algorithm: MacAlgorithm, key: string): MacKey {
  if (lastMacKey !== undefined && lastMacKey.key === key && lastMacKey.algorithm === algorithm)
    return lastMacKey.prepared;
  const id = `${algorithm}:${key}`;
  let prepared = macKeys.get(id);
  if (prepared === undefined) {
    if (macKeys.size >= MAX_CACHED_KEYS) macKeys.clear();
    let bytes = Buffer.from(key, "utf8");
    if (bytes.length > BLOCK_BYTES) bytes = nodeCrypto.createHash(algorithm).update(bytes).digest();
    const innerPad = Buffer.alloc(BLOCK_BYTES, 0x36);
    const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES[algorithm], 0x5c);
    for (let i = 0; i < bytes.length; i++) {
      innerPad[i] = (innerPad[i] as number) ^ (bytes[i] as number);
      outer[i] = (outer[i] as number) ^ (bytes[i] as number);
    }
    prepared = { innerPad, outer };
    macKeys.set(id, prepared);
  }
  lastMacKey = { algorithm, key, prepared };
  return prepared;
}

/** The inner hash's input, ipad block first; reused, since hmac never yields between filling and hashing it. */
let scratch = Buffer.allocUnsafe(4096);
/** Longer messages go through createHmac, which streams them, rather than into an ever larger scratch buffer. */
const MAX_SCRATCH_BYTES = 64 * 1024;

function put(data: Data, at: number): number {
  if (typeof data === "string") return at + scratch.write(data, at, "utf8");
  scratch.set(data, at);
  return at + data.length;
}

const maxBytes = (data: Data): number => (typeof data === "string" ? data.length * 3 : data.length);

/**
 * HMAC over one or two parts, hashed in turn: a large body is never copied into a concatenated string.
 *
 * Why by hand from two one-shot hashes: createHmac builds a stream-capable Hmac object and sets up an OpenSSL
 * context from the key on every call, most of the cost of an HMAC over a callback-sized message. Here the padded
 * key blocks are made once per key and each call is two `crypto.hash` calls: about a quarter less per callback
 * (BENCHMARKS.md). digests.test.ts holds it to createHmac for any key, message and encoding.
 */
export function hmac(algorithm: MacAlgorithm, key: string, encoding: DigestEncoding, a: Data, b?: Data): string {
  const needed = BLOCK_BYTES + maxBytes(a) + (b === undefined ? 0 : maxBytes(b));
  if (oneShot === undefined || needed > MAX_SCRATCH_BYTES) {
    const mac = nodeCrypto.createHmac(algorithm, key).update(a);
    if (b !== undefined) mac.update(b);
    return mac.digest(encoding);
  }
  if (needed > scratch.length) scratch = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2));
  const { innerPad, outer } = macKey(algorithm, key);
  innerPad.copy(scratch, 0);
  let end = put(a, BLOCK_BYTES);
  if (b !== undefined) end = put(b, end);
  const inner = oneShot(algorithm, scratch.subarray(0, end), "buffer") as unknown as Buffer;
  inner.copy(outer, BLOCK_BYTES);
  return oneShot(algorithm, outer, encoding);
}

export const sha256Hex = (data: Data): string => hash("sha256", data, "hex");

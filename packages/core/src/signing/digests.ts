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

// KeyObjects made once per key: createHmac with a string key converts and copies the key on every call, about
// 100 ns of a 1.5 µs callback HMAC. Bounded, because request verifiers see secrets from a caller's lookup.
const MAX_CACHED_KEYS = 64;
const keyObjects = new Map<string, nodeCrypto.KeyObject>();

function macKey(key: string): nodeCrypto.KeyObject {
  let object = keyObjects.get(key);
  if (object === undefined) {
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.clear();
    object = nodeCrypto.createSecretKey(Buffer.from(key, "utf8"));
    keyObjects.set(key, object);
  }
  return object;
}

/** HMAC over one or two parts, hashed in turn: a large body is never copied into a concatenated string. */
export function hmac(algorithm: "sha1" | "sha256", key: string, encoding: DigestEncoding, a: Data, b?: Data): string {
  const mac = nodeCrypto.createHmac(algorithm, macKey(key)).update(a);
  if (b !== undefined) mac.update(b);
  return mac.digest(encoding);
}

export const sha256Hex = (data: Data): string => hash("sha256", data, "hex");

/** The production Random: crypto bytes drawn from a pool, since one syscall per request id showed in profiles. */
import { randomBytes } from "node:crypto";
import type { Random } from "./deps.js";

const POOL = 8192;

export function cryptoRandom(): Random {
  let pool = randomBytes(POOL);
  let pos = 0;
  return {
    bytes(length) {
      if (length > POOL) return randomBytes(length);
      if (pos + length > POOL) {
        pool = randomBytes(POOL);
        pos = 0;
      }
      const out = Buffer.from(pool.subarray(pos, pos + length));
      pos += length;
      return out;
    },
    float: () => Math.random(),
  };
}

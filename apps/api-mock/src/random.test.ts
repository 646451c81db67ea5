import { expect, test } from "vitest";
import { cryptoRandom } from "./random.js";

test("pooled bytes never repeat a slice and cross pool refills", () => {
  const r = cryptoRandom();
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(r.bytes(16).toString("hex"));
  expect(seen.size).toBe(2000);
  expect(r.bytes(10_000)).toHaveLength(10_000);
  expect(r.float()).toBeGreaterThanOrEqual(0);
});

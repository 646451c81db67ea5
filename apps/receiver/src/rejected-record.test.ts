import { expect, test } from "vitest";
import { REJECTED_HEADERS_BYTES, rejectedHeaders } from "./rejected-record.js";

const jsonSize = (headers: Record<string, string>) => Buffer.byteLength(JSON.stringify(headers));

test("ordinary headers are kept as they are", () => {
  const headers = { "content-type": "application/json", host: "hooks.example.com", "x-tc-timestamp": "1772323200" };
  expect(rejectedHeaders(headers)).toEqual(headers);
});

test("a long value is cut to 256 characters, so the other headers still fit", () => {
  const kept = rejectedHeaders({ "x-huge": "a".repeat(16_000), host: "hooks.example.com" });
  expect(kept["x-huge"]).toBe(`${"a".repeat(256)}…`);
  expect(kept.host).toBe("hooks.example.com");
});

test("many headers are kept up to the byte bound, and the number left out is said", () => {
  const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, "v".repeat(200)]));
  const kept = rejectedHeaders(many);
  expect(jsonSize(kept)).toBeLessThanOrEqual(REJECTED_HEADERS_BYTES);
  const keptCount = Object.keys(kept).length - 1;
  expect(keptCount).toBeGreaterThan(5);
  expect(kept["x-livehook-headers-cut"]).toBe(String(200 - keptCount));
  expect(kept["x-h0"]).toBe("v".repeat(200));
});

test("the bound holds for values that JSON escapes to several bytes per character", () => {
  const escaped = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x-e${i}`, "\u0001\u00ff".repeat(300)]));
  expect(jsonSize(rejectedHeaders(escaped))).toBeLessThanOrEqual(REJECTED_HEADERS_BYTES);
});

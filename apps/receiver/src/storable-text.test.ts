import { expect, test } from "vitest";
import { isUnstorable, mayHoldUnstorableText, storableFacts, storableText } from "./storable-text.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

test("only NUL and lone surrogates are replaced; a surrogate pair (an emoji) is text", () => {
  expect(storableText("a\u0000b")).toBe("a\ufffdb");
  expect(storableText("\ud800x\udc00")).toBe("\ufffdx\ufffd");
  expect(storableText("end\ud83d")).toBe("end\ufffd");
  expect(isUnstorable("🎥 live\u0001")).toBe(false);
  expect(storableText("🎥")).toBe("🎥");
  expect(isUnstorable("\udc00🎥")).toBe(true);
});

test("a body can hold such text only through a \\u escape", () => {
  expect(mayHoldUnstorableText(utf8('{"task_id":"t\\u0000"}'))).toBe(true);
  expect(mayHoldUnstorableText(Buffer.from('{"s":"\\ud800"}'))).toBe(true);
  expect(mayHoldUnstorableText(utf8('{"task_id":"t","stream":"直播"}'))).toBe(false);
  // Invalid UTF-8 decodes to U+FFFD, never to a surrogate half.
  expect(JSON.parse(new TextDecoder().decode(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])))).toBe(
    "\ufffd\ufffd\ufffd",
  );
});

test("storableFacts flags each altered column and leaves clean facts untouched", () => {
  const clean = { eventType: "E", domain: "d", app: "a", stream: "s", sessionKey: "k", fileKey: null };
  expect(storableFacts(clean).facts).toBe(clean);
  expect(storableFacts(clean).altered).toEqual([]);
  const { facts, altered } = storableFacts({
    ...clean,
    stream: "s\u0000",
    fileSequence: { scope: "huawei-rtc:j\u0000:HLS", role: "start" as const },
  });
  expect(facts).toMatchObject({ stream: "s\ufffd", fileSequence: { scope: "huawei-rtc:j\ufffd:HLS", role: "start" } });
  expect(altered.map((a) => [a.code, a.path])).toEqual([["text_altered", ["stream"]]]);
});

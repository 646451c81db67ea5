import { expect, test } from "vitest";
import type { EventSummary } from "../store/types.js";
import { LOOKBACK_IDS, NewEventsReader } from "./new-events-reader.js";

const PAGE = 3;
const summary = (id: number) => ({ id }) as EventSummary;

/** Reads like the SSE stream does, from a store holding `stored` ids; returns the ids it would send. */
function drain(reader: NewEventsReader, stored: readonly number[]): number[] {
  const sent: number[] = [];
  for (let after = reader.nextPage(); after !== undefined; after = reader.nextPage()) {
    const page = [...stored]
      .sort((a, b) => a - b)
      .filter((id) => id > after)
      .slice(0, PAGE);
    sent.push(...reader.unsent(page.map(summary), PAGE).map((e) => e.id));
  }
  return sent;
}

test("catches up from its starting point, in pages, then waits for notices", () => {
  const reader = new NewEventsReader(2);
  expect(drain(reader, [1, 2, 3, 4, 5, 6, 7])).toEqual([3, 4, 5, 6, 7]);
  expect(reader.pending()).toBe(false);
  expect(reader.nextPage()).toBeUndefined();
});

test("a lower id committed after a higher one is still sent, once", () => {
  const reader = new NewEventsReader(0);
  const stored = [1, 3];
  expect(drain(reader, stored)).toEqual([1, 3]);
  // Id 2 was handed out before 3 but committed after it.
  stored.push(2);
  expect(reader.notice({ kind: "committed", ids: [2] })).toBe(true);
  expect(drain(reader, stored)).toEqual([2]);
  expect(reader.notice({ kind: "committed", ids: [2, 3] })).toBe(false);
  expect(drain(reader, stored)).toEqual([]);
});

test("after a resync it reads the recent past again and sends only what it missed", () => {
  const reader = new NewEventsReader(0);
  const stored = [1, 2, 5];
  expect(drain(reader, stored)).toEqual([1, 2, 5]);
  // Notices lost while the listening connection was down: 3 and 4 committed late, 6 and 7 new.
  stored.push(3, 4, 6, 7);
  expect(reader.notice({ kind: "resync" })).toBe(true);
  expect(drain(reader, stored)).toEqual([3, 4, 6, 7]);
});

test("never sends the client's past: ids at or below the starting point", () => {
  const reader = new NewEventsReader(10);
  expect(drain(reader, [9, 10, 11])).toEqual([11]);
  expect(reader.notice({ kind: "committed", ids: [8] })).toBe(false);
  reader.notice({ kind: "resync" });
  expect(drain(reader, [8, 9, 10, 11])).toEqual([]);
});

test("a notice that arrives during a scan is served by another scan", () => {
  const reader = new NewEventsReader(0);
  const stored = [1, 2, 3, 4];
  const first = reader.nextPage();
  expect(first).toBe(0);
  // The page read before 5 committed; its notice arrives before the page is handed over.
  reader.notice({ kind: "committed", ids: [5] });
  reader.unsent(stored.slice(0, PAGE).map(summary), PAGE);
  stored.push(5);
  expect(drain(reader, stored)).toEqual([4, 5]);
});

test("remembers only the ids of the last lookback, so memory stays bounded", () => {
  const reader = new NewEventsReader(0);
  const ids = Array.from({ length: LOOKBACK_IDS * 2 + 10 }, (_, i) => i + 1);
  for (let i = 0; i < ids.length; i += PAGE) reader.unsent(ids.slice(i, i + PAGE).map(summary), PAGE + 1);
  expect(reader.lastId).toBe(ids.length);
  // A notice of an id far below the lookback is ignored rather than resending what was forgotten.
  expect(reader.notice({ kind: "committed", ids: [5] })).toBe(false);
});

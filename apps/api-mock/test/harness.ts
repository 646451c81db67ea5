/** An in-process mock with a virtual clock, seeded randomness and a sleep that only advances the clock. */
import { systemClock } from "@livehook/core";
import { pino } from "pino";
import { afterAll } from "vitest";
import { createMock } from "../src/app.js";
import type { Credentials, Fetch, Random } from "../src/deps.js";
import { Store } from "../src/state/store.js";

/** mulberry32: deterministic, good enough for ids and fault dice. */
export function seededRandom(seed = 42): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
  return {
    float: next,
    bytes,
    uuid: () => {
      const b = bytes(16);
      b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
      b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
      const h = b.toString("hex");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}

export const T0 = new Date("2026-03-01T00:00:00Z");

/** Stores the harness opened: closed once the test file is done, when no delivery can still write to them. */
const opened = new Set<Store>();
afterAll(() => {
  for (const store of opened) store.close();
  opened.clear();
});

export function testMock(
  opts: {
    credentials?: Credentials;
    fetch?: Fetch;
    now?: Date;
    store?: Store;
    realClock?: boolean;
    sleep?: (ms: number) => Promise<void>;
  } = {},
) {
  let now = (opts.now ?? T0).getTime();
  const sleeps: number[] = [];
  // A store passed in belongs to the caller, who closes it.
  const store = opts.store ?? new Store();
  if (!opts.store) opened.add(store);
  const clock = opts.realClock ? systemClock : { now: () => new Date(now) };
  const mock = createMock({
    clock,
    random: seededRandom(),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      await opts.sleep?.(ms);
    },
    fetch: opts.fetch ?? (async () => new Response("{}", { status: 200 })),
    store,
    log: pino({ level: "silent" }),
    hostname: "mockhost",
    credentials: opts.credentials,
  });
  return {
    ...mock,
    store,
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    json: (path: string, method: string, body: unknown, headers: Record<string, string> = {}) =>
      mock.app.request(path, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
  };
}

export const HUAWEI_REQUEST_ID = /^[0-9a-f]{32}-\d{13}-mockhost$/;

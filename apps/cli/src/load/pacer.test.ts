import { describe, expect, test } from "vitest";
import { type LoadClock, Pacer } from "./pacer.js";

/** A clock that moves only when the test says so, firing due timers in time order. */
function virtualClock() {
  let now = 0;
  const timers: { at: number; wake: () => void }[] = [];
  const clock: LoadClock = { now: () => now, wakeAt: (at, wake) => void timers.push({ at, wake }) };
  const advanceTo = async (t: number) => {
    now = t;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      if (timers[0] === undefined || timers[0].at > now) break;
      timers.shift()?.wake();
      await Promise.resolve();
    }
    // Let released waiters run their continuations.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, advanceTo };
}

describe("Pacer", () => {
  test("releases request i at start + i/rate, never earlier", async () => {
    const { clock, advanceTo } = virtualClock();
    const pacer = new Pacer(clock, 1000, 0);
    let released = 0;
    await Promise.all([
      ...Array.from({ length: 100 }, async (_, i) => {
        const wait = pacer.wait(i);
        if (wait !== undefined) await wait;
        released++;
      }),
      (async () => {
        for (let t = 0; t <= 120; t += 7) {
          await advanceTo(t);
          // Exactly the requests due by t: floor(t * rate) + 1, at most all of them.
          expect(released).toBe(Math.min(100, Math.floor(t) + 1));
        }
      })(),
    ]);
    expect(released).toBe(100);
  });

  test("after a stall every overdue request goes at once, each keeping its own due time", async () => {
    const { clock, advanceTo } = virtualClock();
    const pacer = new Pacer(clock, 100, 0);
    const releasedAt: number[] = [];
    const waits = Array.from({ length: 10 }, async (_, i) => {
      const wait = pacer.wait(i);
      if (wait !== undefined) await wait;
      releasedAt.push(clock.now());
    });
    await advanceTo(55);
    expect(releasedAt).toEqual([0, 55, 55, 55, 55, 55]);
    expect([0, 1, 5].map((i) => pacer.dueAt(i))).toEqual([0, 10, 50]);
    await advanceTo(200);
    await Promise.all(waits);
    expect(releasedAt).toHaveLength(10);
  });
});

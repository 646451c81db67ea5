import { expect, test } from "vitest";
import { EventBus } from "./event-bus.js";
import type { CommitNotice } from "./store/types.js";

test("the store's notices are watched only while the bus has subscribers, once however many there are", () => {
  const log: string[] = [];
  let publish: ((notice: CommitNotice) => void) | undefined;
  const bus = new EventBus((p) => {
    log.push("watch");
    publish = p;
    return () => log.push("unwatch");
  });
  const a: CommitNotice[] = [];
  const b: CommitNotice[] = [];
  const leaveA = bus.subscribe((n) => a.push(n));
  const leaveB = bus.subscribe((n) => b.push(n));
  expect(log).toEqual(["watch"]);
  publish?.({ kind: "committed", ids: [7] });
  expect(a).toEqual([{ kind: "committed", ids: [7] }]);
  expect(b).toEqual(a);

  leaveA();
  leaveA();
  expect(log).toEqual(["watch"]);
  leaveB();
  expect(log).toEqual(["watch", "unwatch"]);
  bus.subscribe(() => {});
  expect(log).toEqual(["watch", "unwatch", "watch"]);
});

test("without a store to watch (SQLite) the bus only relays what is published to it", () => {
  const bus = new EventBus();
  const seen: CommitNotice[] = [];
  const leave = bus.subscribe((n) => seen.push(n));
  bus.publish({ kind: "rejected" });
  leave();
  bus.publish({ kind: "resync" });
  expect(seen).toEqual([{ kind: "rejected" }]);
});

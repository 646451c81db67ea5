/**
 * A receiver for the one-thread benches: the real checks (createDeps, the Huawei Live hook) over a store that
 * answers every batch at once with new ids, so nothing it does measures a database. `onBatch` sees each batch
 * as the group committer hands it over.
 */
import { pino } from "pino";
import { createDeps, type ReceiverDeps } from "../src/deps.js";
import { huaweiLiveHook } from "../src/hooks/huawei-live.js";
import type { VendorHook } from "../src/hooks/vendor-hook.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { EventStore, NewEvent, WriteOutcome } from "../src/store/types.js";
import { testConfig } from "../test/test-config.js";
import { BENCH_KEY } from "./bench-events.js";

export type InstantReceiver = { deps: ReceiverDeps; hook: VendorHook; close(): Promise<void> };

export async function instantReceiver(onBatch?: (events: readonly NewEvent[]) => void): Promise<InstantReceiver> {
  // Only for the interface's queries; writes never reach it.
  const base = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
  let lastId = 0;
  const store: EventStore = {
    ...base,
    writeBatch: async (events) => {
      onBatch?.(events);
      return events.map((): WriteOutcome => ({ status: "stored", id: ++lastId }));
    },
  };
  const deps = createDeps({
    config: testConfig({ keys: { "huawei-live": [BENCH_KEY], "huawei-rtc": [], "aliyun-live": [] } }),
    store,
    clock: { now: () => new Date() },
    log: pino({ level: "silent" }),
  });
  const hook = huaweiLiveHook({ signTypes: ["HMACSHA256"], graceSeconds: 300 });
  return { deps, hook, close: () => base.close() };
}

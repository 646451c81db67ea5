/**
 * Everything the app closes over (STYLE habit 18): config, store, clock, logger, and the pieces wired from
 * them. Tests build the same thing with an in-memory SQLite store and a fixed clock.
 */
import type { Clock } from "@livehook/core";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { EventBus } from "./event-bus.js";
import { GroupCommitter } from "./group-commit.js";
import { type HostCheck, hostCheck } from "./host-check.js";
import { Metrics } from "./metrics.js";
import { REJECTION_RATE } from "./rejected-record.js";
import type { EventStore } from "./store/types.js";

export type ReceiverDeps = {
  config: Config;
  store: EventStore;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  committer: GroupCommitter;
  /** Which Host headers are answered (DNS rebinding guard, host-check.ts). */
  hostCheck: HostCheck;
  /** Set by serve.ts once the drain began (SIGTERM, or close()): /readyz answers 503 so a balancer stops sending. */
  draining?: () => boolean;
};

/**
 * A burst larger than this is handed to the store in several batches within the turn, so the first replies leave
 * while the rest is still being verified; with 50 connections this measured about 1.5x the throughput of one
 * transaction per turn (BENCHMARKS.md).
 */
export const GROUP_COMMIT_MAX_BATCH = 32;

export function createDeps({
  afterCommit,
  ...base
}: {
  config: Config;
  store: EventStore;
  clock: Clock;
  log: Logger;
  /** After each of this process's event commits (the forwarder starts on what it stored, wherever it listens). */
  afterCommit?: () => void;
}): ReceiverDeps {
  const metrics = new Metrics();
  const bus = new EventBus(base.store.watchCommits);
  const committer = new GroupCommitter(base.store, {
    maxBatch: GROUP_COMMIT_MAX_BATCH,
    onCommit: (_events, outcomes) => {
      afterCommit?.();
      if (base.store.watchCommits !== undefined) return;
      const ids = outcomes.flatMap((o) => (o.status === "stored" ? [o.id] : []));
      if (ids.length > 0) bus.publish({ kind: "committed", ids });
    },
    onRejectionsRecorded: () => {
      if (base.store.watchCommits === undefined) bus.publish({ kind: "rejected" });
    },
    onError: (err, kind) => base.log.error({ err, kind }, "store write failed"),
    keepRejectionsPerVendor: base.config.rejectedKeepPerVendor,
    rejectionRate: REJECTION_RATE,
    onRejectionDropped: (r) => metrics.rejectionDropped(r.vendor),
    storeWaitMs: base.config.storeWaitMs,
  });
  const { host, allowedHosts, adminToken } = base.config;
  return { ...base, metrics, bus, committer, hostCheck: hostCheck({ listenHost: host, allowedHosts, adminToken }) };
}

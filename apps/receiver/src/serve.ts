/**
 * Starts the receiver the one way it runs: the `livehook-receiver` command (main.ts) and `startReceiver`
 * (start-receiver.ts) both call serveReceiver with a loaded Config, and both stop it with the close() it returns.
 * close() drains: stop accepting connections, let requests in flight finish (their events are committed before
 * their replies), end the event streams, flush the group committer, stop forwarding, close the store.
 */
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, systemClock } from "@livehook/core";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { createDeps, type ReceiverDeps } from "./deps.js";
import { type ResolvedForwardSecret, resolveForwardSecret } from "./forward-secret.js";
import { Forwarder } from "./forwarder.js";
import { type OutboxTargets, outboxTargets } from "./outbox/targets.js";
import { createReceiverServer } from "./server.js";
import { openPostgresStore } from "./store/postgres-store.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import type { EventStore } from "./store/types.js";

/** How long close() waits for requests in flight before it closes their connections. */
const DRAIN_TIMEOUT_MS = 10_000;
/** How often close() closes connections that became idle (ended event streams, keep-alive clients). */
const IDLE_SWEEP_MS = 100;

export type ServedReceiver = {
  server: Server;
  deps: ReceiverDeps;
  store: EventStore;
  /** The address the server listens on, `http://host:port` (IPv6 hosts in brackets). */
  url: string;
  port: number;
  /** The outbox's targets per vendor (HTTP forwarding and message buses). */
  targets: OutboxTargets;
  /** The secret HTTP forwards are signed with and where it is kept; undefined when nothing is forwarded over HTTP. */
  forwardSecret: ResolvedForwardSecret | undefined;
  /** Drains and releases everything (see above); called twice, it returns the same promise. */
  close(): Promise<void>;
};

export function openStore(config: Config, log: Logger): Promise<EventStore> {
  return config.storage.kind === "sqlite"
    ? openSqliteStore({
        file: config.storage.file,
        synchronous: config.sqliteSynchronous,
        writer: config.sqliteWriter,
        busyTimeoutMs: config.storeWaitMs,
      })
    : openPostgresStore({
        url: config.storage.url,
        storeWaitMs: config.storeWaitMs,
        onListenError: (err) =>
          log.warn({ err: { message: (err as Error).message } }, "live stream connection lost; reconnecting"),
      });
}

/**
 * Opens the store and listens; rejects with the server's error (EADDRINUSE…) after closing the store, or with a
 * ForwardSecretError before opening anything when HTTP forwarding has no usable secret.
 */
export async function serveReceiver(
  givenConfig: Config,
  log: Logger,
  clock: Clock = systemClock,
): Promise<ServedReceiver> {
  // HTTP forwards are signed with a secret that outlives restarts (forward-secret.ts); made only when needed.
  const forwardSecret =
    Object.keys(givenConfig.forward).length > 0
      ? resolveForwardSecret(givenConfig.forwardSecret, givenConfig.storage)
      : undefined;
  const config = forwardSecret === undefined ? givenConfig : { ...givenConfig, forwardSecret: forwardSecret.secret };
  const store = await openStore(config, log);
  let draining = false;

  const targets = outboxTargets(config, { clock, log, retryScheduleMs: config.forwardRetryMs });
  const forwarder = Object.keys(targets.byVendor).length
    ? new Forwarder({
        store,
        targets: targets.byVendor,
        retryScheduleMs: config.forwardRetryMs,
        leaseMs: config.forwardLeaseMs,
        clock,
        log,
      })
    : undefined;
  // Woken by this receiver's own commits (and its poll): following every receiver's would make all of them
  // announce every write (postgres-notices-wanted.ts), and each receiver forwards what it stores.
  const deps: ReceiverDeps = {
    ...createDeps({ config, store, clock, log, afterCommit: () => forwarder?.wake() }),
    draining: () => draining,
  };
  forwarder?.start();

  const server = createReceiverServer(deps);
  try {
    // once() rejects with an 'error' emitted first (EADDRINUSE and the like).
    await once(server.listen(config.port, config.host), "listening");
  } catch (err) {
    await forwarder?.stop();
    await targets.close();
    await store.close();
    throw err;
  }
  const info = server.address() as AddressInfo;
  const host = info.family === "IPv6" ? `[${info.address}]` : info.address;

  const drain = async () => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Event streams wait for the next notice: wake them so they see the drain and end (a stream busy reading
    // checks `draining` before it waits again).
    deps.bus.publish({ kind: "resync" });
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const force = setTimeout(() => {
      log.warn("drain timeout; closing remaining connections");
      server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(force);
    }
    await deps.committer.drain();
    await forwarder?.stop();
    await targets.close();
    await store.close();
  };
  let closing: Promise<void> | undefined;
  return {
    server,
    deps,
    store,
    url: `http://${host}:${info.port}`,
    port: info.port,
    targets,
    forwardSecret,
    close: () => {
      closing ??= drain();
      return closing;
    },
  };
}

#!/usr/bin/env node
/**
 * The only module that reads the environment, opens the database and listens. SIGTERM/SIGINT drain: stop
 * accepting connections, let in-flight requests finish (their events are committed before their replies),
 * flush the group committer, close the store, exit.
 */
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { ConfigError, keyWarnings, loadConfig } from "./config.js";
import { createDeps, systemClock } from "./deps.js";
import { Forwarder } from "./forwarder.js";
import { keyStatus, nearMissVariables } from "./key-report.js";
import { createLogger } from "./logger.js";
import { createReceiverServer } from "./server.js";
import { openPostgresStore } from "./store/postgres-store.js";
import { openSqliteStore } from "./store/sqlite-store.js";

const DRAIN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      argv: process.argv.slice(2),
      env: process.env,
      readFile: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`livehook-receiver: invalid configuration\n${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  for (const warning of keyWarnings(config)) log.warn(warning);
  const store =
    config.storage.kind === "sqlite"
      ? await openSqliteStore({
          file: config.storage.file,
          synchronous: config.sqliteSynchronous,
          writer: config.sqliteWriter,
          busyTimeoutMs: config.storeWaitMs,
        })
      : await openPostgresStore({ url: config.storage.url, storeWaitMs: config.storeWaitMs });

  let draining = false;
  const deps = { ...createDeps({ config, store, clock: systemClock, log }), draining: () => draining };

  const forwarder = Object.keys(config.forward).length
    ? new Forwarder({ store, targets: config.forward, retryScheduleMs: config.forwardRetryMs, clock: systemClock, log })
    : undefined;
  if (forwarder !== undefined) {
    deps.bus.subscribe(() => forwarder.wake());
    forwarder.start();
  }

  const server = createReceiverServer(deps);
  server.on("error", (err: NodeJS.ErrnoException) => {
    // A taken port is the user's situation, not a crash: one line that says what to do.
    if (err.code === "EADDRINUSE") {
      console.error(`livehook-receiver: port ${config.port} is in use; pass --port or stop it`);
    } else {
      console.error(`livehook-receiver: cannot listen on ${config.host}:${config.port}: ${err.message}`);
    }
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const info = server.address() as AddressInfo;
    // Once the port is ours, so a busy port stays the only line; before "listening", which parents wait for.
    for (const line of keyStatus(config))
      log[line.level]({ vendor: line.vendor, keyCount: line.keyCount }, line.message);
    for (const warning of nearMissVariables(process.env)) log.warn(warning);
    // Always printed, whatever the level: parent processes (the CLI, tests) wait for this line to learn the URL.
    log.child({}, { level: "info" }).info(
      {
        url: `http://${info.family === "IPv6" ? `[${info.address}]` : info.address}:${info.port}`,
        port: info.port,
        store: config.storage.kind === "sqlite" ? config.storage.file : "postgres",
        vendors: Object.entries(config.keys)
          .filter(([, keys]) => keys.length > 0)
          .map(([vendor, keys]) => `${vendor} (${keys.length} key${keys.length === 1 ? "" : "s"})`),
      },
      "livehook receiver listening",
    );
  });

  const shutdown = (signal: string) => {
    if (draining) return;
    draining = true;
    log.info({ signal }, "draining");
    const force = setTimeout(() => {
      log.warn("drain timeout; closing remaining connections");
      server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS);
    force.unref();
    server.close(async () => {
      try {
        await deps.committer.drain();
        await forwarder?.stop();
        await store.close();
        log.info("drained; bye");
        process.exit(0);
      } catch (err) {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      }
    });
    server.closeIdleConnections();
    // Connections that finish their last response later (ended event streams, keep-alive clients) are closed
    // as soon as they are idle, instead of waiting for their keep-alive timeout.
    setInterval(() => server.closeIdleConnections(), 100).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  console.error("livehook-receiver: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});

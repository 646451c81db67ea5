/**
 * Starts the mock the one way it runs: the `livehook-mock` command (main.ts) and `startMock` (start-mock.ts) both
 * call serveMock with a parsed Config, and both stop it with the close() it returns.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { redactingLoggerOptions, systemClock, VENDORS } from "@livehook/core";
import { type Logger, pino } from "pino";
import { createMock, type Mock } from "./app.js";
import type { Config } from "./config.js";
import { mockRequestListener } from "./server.js";
import { Store } from "./state/store.js";

/** The mock's logger, with the receiver's options (@livehook/core): keys and signatures never reach the log. */
export function mockLogger(level: string): Logger {
  return pino(redactingLoggerOptions(level));
}

/** `--domain vendor:name`: a known name for one vendor. */
const VENDOR_DOMAIN = new RegExp(`^(${VENDORS.join("|")}):(.+)$`);

/** How long close() lets requests in flight finish before it closes their connections. */
const CLOSE_GRACE_MS = 2000;

export type ServedMock = {
  server: Server;
  mock: Mock;
  store: Store;
  /** The address the server listens on, `http://host:port` (IPv6 hosts in brackets). */
  url: string;
  port: number;
  /**
   * Stops listening, cancels the waits of deliveries still to come (a realtime session's next event, a retry's
   * back-off; attempts in flight finish and are recorded), closes the database. Pending deliveries stay pending
   * in a `data` file and resume at the next start.
   */
  close(): Promise<void>;
};

/**
 * Opens the store (throws when the `data` file cannot be opened), builds the mock and listens. Rejects with the
 * server's error (EADDRINUSE…) when it cannot listen, after closing the store.
 */
export async function serveMock(config: Config, log: Logger): Promise<ServedMock> {
  // Start options are settings a reset keeps; only the ones given on the command line override saved settings.
  const store = new Store(config.data, {
    ...(config.apigLockout ? { apig_lockout: true } : {}),
    ...(config.probeCallbackUrl ? { probe_callback_url: true } : {}),
  });
  for (const entry of config.domains) {
    const m = VENDOR_DOMAIN.exec(entry);
    if (m?.[1] !== undefined && m[2] !== undefined) store.addDomain(m[1] as "huawei-live", m[2]);
    else {
      store.addDomain("huawei-live", entry);
      store.addDomain("aliyun-live", entry);
    }
  }

  // Aborted by close(): every wait of the delivery engine and the simulator ends at once.
  const stopping = new AbortController();
  const mock = createMock({
    clock: systemClock,
    random: { bytes: (length) => randomBytes(length), float: () => Math.random(), uuid: () => randomUUID() },
    sleep: (ms) => delay(ms, undefined, { signal: stopping.signal }),
    fetch: globalThis.fetch,
    store,
    log,
    hostname:
      hostname()
        .toLowerCase()
        .replace(/[^a-z0-9.-]/g, "") || "livehook-mock",
    credentials:
      config.auth && config.accessKeyId && config.accessKeySecret
        ? { accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, tokens: config.tokens }
        : undefined,
  });
  mock.simulator.resumePending();

  const server = createServer(
    mockRequestListener(mock, { listenHost: config.host, allowedHosts: config.allowedHosts }),
  );
  try {
    // once() rejects with an 'error' emitted first (EADDRINUSE and the like).
    await once(server.listen(config.port, config.host), "listening");
  } catch (err) {
    stopping.abort();
    await mock.simulator.idle();
    store.close();
    throw err;
  }
  const info = server.address() as AddressInfo;
  const host = info.family === "IPv6" ? `[${info.address}]` : info.address;

  let closing: Promise<void> | undefined;
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    stopping.abort();
    await Promise.all([closed, mock.simulator.idle()]);
    clearTimeout(force);
    store.close();
  };
  return {
    server,
    mock,
    store,
    url: `http://${host}:${info.port}`,
    port: info.port,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

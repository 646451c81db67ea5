#!/usr/bin/env node
/** The only module that reads argv/env, opens the database and listens. */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { pino } from "pino";
import { ZodError, z } from "zod";
import { createMock } from "./app.js";
import { loadConfig, USAGE, wantsHelp } from "./config.js";
import { mockRequestListener } from "./server.js";
import { Store } from "./state/store.js";

const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  console.log(USAGE);
  process.exit(0);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(argv, process.env);
} catch (err) {
  console.error(err instanceof ZodError ? z.prettifyError(err) : String(err instanceof Error ? err.message : err));
  console.error(USAGE);
  process.exit(1);
}

const log = pino({
  level: config.logLevel,
  redact: ["*.key", "*.auth_key", "*.NotifyAuthKey", "req.headers.authorization"],
});
// Start options are settings a reset keeps; only the ones given on the command line override saved settings.
let store: Store;
try {
  store = new Store(config.data, {
    ...(config.apigLockout ? { apig_lockout: true } : {}),
    ...(config.probeCallbackUrl ? { probe_callback_url: true } : {}),
  });
} catch (err) {
  // A file this mock cannot open (written by a newer mock, or not a database) is the user's to resolve.
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
for (const entry of config.domains) {
  const m = /^(huawei-live|huawei-rtc|aliyun-live):(.+)$/.exec(entry);
  if (m?.[1] !== undefined && m[2] !== undefined) store.addDomain(m[1] as "huawei-live", m[2]);
  else {
    store.addDomain("huawei-live", entry);
    store.addDomain("aliyun-live", entry);
  }
}

const mock = createMock({
  clock: { now: () => new Date() },
  random: { bytes: (length) => randomBytes(length), float: () => Math.random(), uuid: () => randomUUID() },
  sleep: (ms) => delay(ms).then(() => undefined),
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

const server = createServer(mockRequestListener(mock, { listenHost: config.host, allowedHosts: config.allowedHosts }));
server.on("error", (err: NodeJS.ErrnoException) => {
  // A taken port is the user's situation, not a crash: one line, no stack, before anything says "ready".
  if (err.code === "EADDRINUSE") {
    console.error(`livehook-mock: port ${config.port} is in use; pass --port or stop it`);
  } else {
    console.error(`livehook-mock: cannot listen on ${config.host}:${config.port}: ${err.message}`);
  }
  store.close();
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const info = server.address() as AddressInfo;
  // Always printed, whatever the level: parent processes (the CLI, tests) wait for this line to learn the port.
  log
    .child({}, { level: "info" })
    .info(
      { address: info.address, port: info.port, data: config.data ?? ":memory:", auth: config.auth },
      "livehook api-mock listening",
    );
});

function shutdown(signal: string): void {
  log.info({ signal }, "shutting down");
  server.close(() => {
    store.close();
    process.exit(0);
  });
  // Open keep-alive sockets must not hold the process forever.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

#!/usr/bin/env node
/**
 * The `livehook-receiver` command: the only module that reads the environment. It serves the receiver
 * (serve.ts) and drains it on SIGTERM/SIGINT, then exits.
 */
import { existsSync, readFileSync } from "node:fs";
import { ConfigError, keyWarnings, loadConfig, USAGE, wantsHelp } from "./config.js";
import { ForwardSecretError } from "./forward-secret.js";
import { keyStatus, nearMissVariables } from "./key-report.js";
import { createLogger } from "./logger.js";
import { serveReceiver } from "./serve.js";

async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(USAGE);
    return;
  }
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

  let served: Awaited<ReturnType<typeof serveReceiver>>;
  try {
    served = await serveReceiver(config, log);
  } catch (err) {
    if (err instanceof ForwardSecretError) {
      console.error(`livehook-receiver: invalid configuration\n${err.message}`);
      process.exit(1);
    }
    // A taken port is the user's situation, not a crash: one line that says what to do.
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      console.error(`livehook-receiver: port ${config.port} is in use; pass --port or stop it`);
      process.exit(1);
    }
    if ((err as { syscall?: string }).syscall === "listen") {
      console.error(`livehook-receiver: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
      process.exit(1);
    }
    throw err;
  }
  // Once the port is ours, so a busy port stays the only line; before "listening", which parents wait for.
  for (const line of keyStatus(config)) log[line.level]({ vendor: line.vendor, keyCount: line.keyCount }, line.message);
  for (const warning of nearMissVariables(process.env)) log.warn(warning);
  let draining = false;
  const shutdown = (signal: string) => {
    if (draining) return;
    draining = true;
    log.info({ signal }, "draining");
    served.close().then(
      () => {
        log.info("drained; bye");
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // Before the listening line: a parent may stop the process as soon as it reads it, and a SIGTERM that came before
  // the handlers would kill the process instead of draining it.
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  // Always printed, whatever the level: parent processes (the CLI, tests) wait for this line to learn the URL.
  log.child({}, { level: "info" }).info(
    {
      url: served.url,
      port: served.port,
      store: config.storage.kind === "sqlite" ? config.storage.file : "postgres",
      vendors: Object.entries(config.keys)
        .filter(([, keys]) => keys.length > 0)
        .map(([vendor, keys]) => `${vendor} (${keys.length} key${keys.length === 1 ? "" : "s"})`),
      // Target URLs without credentials or query (outbox/target.ts).
      outbox: Object.fromEntries(
        Object.entries(served.targets.byVendor).map(([vendor, list]) => [vendor, list.map((t) => t.name)]),
      ),
      // Where the HTTP forwarding secret is kept, never the secret itself (the CLI reads the file to show it).
      ...(served.forwardSecret === undefined ? {} : { forwardSecretSource: served.forwardSecret.source }),
    },
    "livehook receiver listening",
  );
}

main().catch((err) => {
  console.error("livehook-receiver: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});

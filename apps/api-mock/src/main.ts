#!/usr/bin/env node
/** The `livehook-mock` command: reads argv/env, serves the mock (serve.ts) and stops it on SIGTERM/SIGINT. */
import { ZodError, z } from "zod";
import { loadConfig, USAGE, wantsHelp } from "./config.js";
import { mockLogger, type ServedMock, serveMock } from "./serve.js";

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

const log = mockLogger(config.logLevel);

let served: ServedMock;
try {
  served = await serveMock(config, log);
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  // A taken port is the user's situation, not a crash: one line, no stack, before anything says "ready". So is a
  // file this mock cannot open (written by a newer mock, or not a database).
  if (code === "EADDRINUSE") console.error(`livehook-mock: port ${config.port} is in use; pass --port or stop it`);
  else if ((err as { syscall?: string }).syscall === "listen") {
    console.error(`livehook-mock: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  } else console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

function shutdown(signal: string): void {
  log.info({ signal }, "shutting down");
  void served.close().then(() => process.exit(0));
  // Whatever still holds on (an attempt waiting for a slow receiver) must not hold the process forever.
  setTimeout(() => process.exit(0), 2000).unref();
}

// Before the listening line: a parent may stop the process as soon as it reads it, and a SIGTERM that came before
// the handlers would kill the process instead of stopping it cleanly.
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

// Always printed, whatever the level: parent processes (the CLI, tests) wait for this line to learn the port.
const address = served.server.address() as { address: string };
log
  .child({}, { level: "info" })
  .info(
    { address: address.address, port: served.port, data: config.data ?? ":memory:", auth: config.auth },
    "livehook api-mock listening",
  );

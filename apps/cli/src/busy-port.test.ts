import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { freePort } from "../test/ports.js";
import { assertPortFree, BusyPortError, busyPortMessage, listeningPid, portInUse } from "./busy-port.js";
import { EXIT } from "./errors.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

async function listen(): Promise<number> {
  server = createServer();
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as { port: number }).port;
}

describe("portInUse", () => {
  test("a port someone listens on is in use; a free one is not", async () => {
    const port = await listen();
    expect(await portInUse("127.0.0.1", port)).toBe(true);
    expect(await portInUse("127.0.0.1", await freePort())).toBe(false);
  });
});

describe("listeningPid", () => {
  test("finds this process behind its own listening socket (Linux /proc)", async () => {
    const port = await listen();
    expect(listeningPid(port)).toBe(process.pid);
  });

  test("reads the LISTEN row of /proc/net/tcp6 and the process holding its inode", () => {
    const proc = mkdtempSync(join(tmpdir(), "livehook-proc-"));
    mkdirSync(join(proc, "net"));
    const header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    // Port 4010 is 0FAA: one established connection (st 01, another inode), then the listener (st 0A).
    writeFileSync(
      join(proc, "net", "tcp6"),
      `${header}   0: 00000000000000000000000001000000:0FAA 00000000000000000000000001000000:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 111 1\n` +
        `   1: 00000000000000000000000000000000:0FAA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1\n`,
    );
    for (const [pid, inode] of [
      ["41", "111"],
      ["42", "222"],
    ] as const) {
      mkdirSync(join(proc, pid, "fd"), { recursive: true });
      symlinkSync(`socket:[${inode}]`, join(proc, pid, "fd", "3"));
    }
    expect(listeningPid(4010, proc)).toBe(42);
    expect(listeningPid(4011, proc)).toBeUndefined();
  });

  test("no /proc: unknown, not an error", () => {
    expect(listeningPid(4010, join(tmpdir(), "livehook-no-such-proc"))).toBeUndefined();
  });
});

describe("the busy-port message", () => {
  test("names the port, the pid when known, and the option that picks another port", () => {
    expect(busyPortMessage(4010, "--mock-port", 123)).toBe(
      "port 4010 is in use (pid 123); pass --mock-port or stop it",
    );
    expect(busyPortMessage(4020, "--port", undefined)).toBe("port 4020 is in use; pass --port or stop it");
  });

  test("assertPortFree throws it, exit code 1", async () => {
    const port = await listen();
    const err = await assertPortFree("127.0.0.1", port, "--receiver-port").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusyPortError);
    expect((err as BusyPortError).message).toBe(
      `port ${port} is in use (pid ${process.pid}); pass --receiver-port or stop it`,
    );
    expect((err as BusyPortError).exitCode).toBe(EXIT.failure);
    await expect(assertPortFree("127.0.0.1", await freePort(), "--port")).resolves.toBeUndefined();
  });
});

/**
 * A port another process holds. `start`, `mock` and `receive` check their ports before starting anything, so a busy
 * port is one line and an exit, and never a setup that another process's `/healthz` answered for.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { CliError, EXIT } from "./errors.js";

/** Whether binding `host:port` fails with EADDRINUSE. Other errors (EACCES, an unknown host) are the app's to report. */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "EADDRINUSE"));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

/**
 * The pid of the process listening on a TCP port, from /proc (Linux): the socket's inode in /proc/net/tcp{,6}, then
 * the process holding that inode. Best effort: undefined off Linux, or when the owner is another user's process.
 */
export function listeningPid(port: number, procRoot = "/proc"): number | undefined {
  const inodes = new Set<string>();
  for (const table of ["net/tcp", "net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …; st 0A is LISTEN.
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const inode = fields[9];
      if (local === undefined || inode === undefined || fields[3] !== "0A") continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && inode !== "0") inodes.add(inode);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
        if (target.startsWith("socket:[") && inodes.has(target.slice(8, -1))) return Number(pid);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

/** `port 4010 is in use (pid 123); pass --mock-port or stop it`: the pid only when /proc tells it. */
export function busyPortMessage(port: number, flag: string, pid: number | undefined): string {
  return `port ${port} is in use${pid === undefined ? "" : ` (pid ${pid})`}; pass ${flag} or stop it`;
}

export class BusyPortError extends CliError {
  readonly port: number;
  constructor(port: number, flag: string) {
    super(busyPortMessage(port, flag, listeningPid(port)), EXIT.failure);
    this.name = "BusyPortError";
    this.port = port;
  }
}

/** Throws BusyPortError, naming the option that picks another port, when `host:port` is taken. */
export async function assertPortFree(host: string, port: number, flag: string): Promise<void> {
  if (await portInUse(host, port)) throw new BusyPortError(port, flag);
}

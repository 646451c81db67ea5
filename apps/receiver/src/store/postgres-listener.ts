/**
 * The live stream across receivers on one PostgreSQL: a dedicated connection LISTENs on the channel the write
 * function NOTIFYs (postgres-write-function.ts), so every receiver learns the ids every other one commits, the
 * moment they commit, without reading the store on a timer. Notifications sent while the connection is down are
 * lost; after it reconnects the listener says `resync`, and readers catch up from the store, which stays the
 * source of truth.
 */
import pg from "pg";
import type { CommitNotice } from "./types.js";

export type CommitListener = { close(): Promise<void> };

/** Waits before the next connection attempt: quick at first, then at most every few seconds. */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

const IDS = /^\d+(,\d+)*$/;
/** The payload recordRejections sends: rejected attempts were recorded (they have no ids worth sending). */
export const REJECTED_PAYLOAD = "rejected";

export function listenForCommits(opts: {
  url: string;
  channel: string;
  onNotice: (notice: CommitNotice) => void;
  onError?: (err: unknown) => void;
}): CommitListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let delay = RECONNECT_MIN_MS;
  // Set when a connection is lost or cannot be made: notifications may have been missed until the next LISTEN.
  let missed = false;

  const reconnectLater = () => {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    delay = Math.min(RECONNECT_MAX_MS, delay * 2);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: opts.url, keepAlive: true });
    client = c;
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      missed = true;
      if (err !== undefined) opts.onError?.(err);
      c.removeAllListeners("notification");
      c.end().catch(() => {});
      if (client === c) client = undefined;
      reconnectLater();
    };
    c.on("error", onLost);
    c.on("end", () => onLost());
    c.on("notification", (msg) => {
      if (msg.channel !== opts.channel || msg.payload === undefined) return;
      if (msg.payload === REJECTED_PAYLOAD) opts.onNotice({ kind: "rejected" });
      else if (IDS.test(msg.payload)) opts.onNotice({ kind: "committed", ids: msg.payload.split(",").map(Number) });
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${opts.channel}"`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    delay = RECONNECT_MIN_MS;
    if (missed) opts.onNotice({ kind: "resync" });
    missed = false;
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      if (c !== undefined) {
        c.removeAllListeners();
        c.on("error", () => {});
        await c.end().catch(() => {});
      }
    },
  };
}

/**
 * The live stream across receivers on one PostgreSQL: a dedicated connection LISTENs on the channel the write
 * function NOTIFYs (postgres-write-function.ts), so every receiver learns the ids every other one commits, the
 * moment they commit, without reading the store on a timer. Writes notify only while a listener holds the listen
 * slots (postgres-notices-wanted.ts), so each connection, once listening, takes them, which waits for the writes
 * that did not notify; then the listener says `resync` and readers catch up from the store, which stays the source
 * of truth. The same happens after a lost connection, whose notifications are gone.
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
/** The listening connection's application_name, as pg_stat_activity shows it. */
export const LISTENER_NAME = "livehook-listener";

export function listenForCommits(opts: {
  url: string;
  /** The schema the write functions live in (postgres-notices-wanted.ts), when not the connection's default. */
  schema?: string | undefined;
  channel: string;
  onNotice: (notice: CommitNotice) => void;
  onError?: (err: unknown) => void;
}): CommitListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let delay = RECONNECT_MIN_MS;

  const reconnectLater = () => {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    delay = Math.min(RECONNECT_MAX_MS, delay * 2);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: opts.url,
      keepAlive: true,
      application_name: LISTENER_NAME,
      ...(opts.schema === undefined ? {} : { options: `-c search_path=${opts.schema}` }),
    });
    client = c;
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
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
      await c.query("SELECT livehook_hold_listen_slots($1)", [opts.channel]);
    } catch (err) {
      onLost(err);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    delay = RECONNECT_MIN_MS;
    opts.onNotice({ kind: "resync" });
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

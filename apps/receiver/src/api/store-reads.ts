/**
 * The store reads the API makes, each failure turned into StoreUnavailable so the API answers 503 with a reason
 * (the store is down, slow or locked: the client may retry) instead of a 500 (issue 19). Nothing else the API
 * does is a store failure, so a bug elsewhere still answers 500.
 */
import type { EventStore } from "../store/types.js";

export type StoreFailure = "timeout" | "locked" | "unreachable";

export class StoreUnavailable extends Error {
  override name = "StoreUnavailable";
  constructor(readonly reason: StoreFailure) {
    super(`store ${reason}`);
  }
}

/** PostgreSQL's SQLSTATE (57014: statement timeout; 55P03: lock timeout), SQLite's code, pg's pool timeout. */
export function storeFailure(err: unknown): StoreFailure {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : "";
  if (code === "55P03" || code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return "locked";
  if (code === "57014" || /timeout/i.test(message)) return "timeout";
  return "unreachable";
}

type Reads = Pick<EventStore, "listEvents" | "getEvent" | "listRejections" | "listDeadLetters">;

export function storeReads(store: EventStore): Reads {
  const guard =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await read(...args);
      } catch (err) {
        throw new StoreUnavailable(storeFailure(err));
      }
    };
  return {
    listEvents: guard((q) => store.listEvents(q)),
    getEvent: guard((id) => store.getEvent(id)),
    listRejections: guard((q) => store.listRejections(q)),
    listDeadLetters: guard((limit) => store.listDeadLetters(limit)),
  };
}

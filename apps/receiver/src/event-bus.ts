import type { CommitNotice } from "./store/types.js";

/**
 * Notices that events were committed, for the SSE stream (which then reads them from the store) and the
 * forwarder. Fed by the group committer when this process is the store's only writer (SQLite), and by the store's
 * own notices of every receiver's commits otherwise (PostgreSQL LISTEN/NOTIFY).
 */
export class EventBus {
  private readonly listeners = new Set<(notice: CommitNotice) => void>();

  subscribe(listener: (notice: CommitNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(notice: CommitNotice): void {
    for (const l of this.listeners) l(notice);
  }
}

import type { CommitNotice } from "./store/types.js";

/**
 * Notices that events were committed, for the SSE stream (which then reads them from the store) and
 * `waitForEvents`. Fed by the group committer when this process is the store's only writer (SQLite), and by the
 * store's own notices of every receiver's commits otherwise (PostgreSQL LISTEN/NOTIFY): then `watch` starts those
 * when the first subscriber arrives and its result stops them when the last one leaves, since every write pays
 * for its notice while anyone listens (postgres-notices-wanted.ts).
 */
export class EventBus {
  private readonly listeners = new Set<(notice: CommitNotice) => void>();
  private unwatch: (() => void) | undefined;

  constructor(private readonly watch?: (publish: (notice: CommitNotice) => void) => () => void) {}

  subscribe(listener: (notice: CommitNotice) => void): () => void {
    this.listeners.add(listener);
    if (this.watch !== undefined && this.unwatch === undefined) this.unwatch = this.watch((n) => this.publish(n));
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.unwatch?.();
      this.unwatch = undefined;
    };
  }

  publish(notice: CommitNotice): void {
    for (const l of this.listeners) l(notice);
  }
}

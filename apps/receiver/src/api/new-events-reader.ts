/**
 * Which stored events a live stream still has to send, from the notices of commits it gets. Ids are handed out
 * before commit, so with several write transactions in flight (PostgreSQL's pipeline, other receivers on the same
 * database) a lower id can commit after a higher one: reading "ids above the last one sent" would skip it. The
 * reader therefore reads from just below the lowest id a notice names and skips what it sent already, remembering
 * the ids sent among the last LOOKBACK_IDS. After `resync` (notices were lost: the listening connection dropped)
 * it reads the last LOOKBACK_IDS again, the store being the source of truth.
 */
import type { CommitNotice, EventSummary } from "../store/types.js";

/**
 * How far below the highest id sent a late commit is still caught: far more ids than can be handed out but not
 * yet committed at once (a few batches per receiver, each bounded by the store wait).
 */
export const LOOKBACK_IDS = 10_000;

export class NewEventsReader {
  /** The highest id sent (or the stream's starting point). */
  lastId: number;
  /** Ids at or below the stream's starting point belong to the client's past: never sent. */
  private readonly floor: number;
  private readonly sent = new Set<number>();
  /** Where the next scan starts (ids above it), when one is due. */
  private want: number | undefined;
  /** The cursor of the scan under way. */
  private cursor: number | undefined;

  constructor(after: number) {
    this.lastId = after;
    this.floor = after;
    this.want = after;
  }

  /** Takes a notice; true when there is something to read. */
  notice(notice: CommitNotice): boolean {
    const lowest = Math.max(this.floor, this.lastId - LOOKBACK_IDS);
    if (notice.kind === "resync") return this.request(lowest);
    if (notice.kind !== "committed") return false;
    let requested = false;
    for (const id of notice.ids) {
      if (id > lowest && !this.sent.has(id)) requested = this.request(Math.min(id - 1, this.lastId)) || requested;
    }
    return requested;
  }

  /** True when a notice asked for a read that has not started yet. */
  pending(): boolean {
    return this.want !== undefined;
  }

  /** The `after` cursor of the next page to read, or undefined when everything noticed has been read. */
  nextPage(): number | undefined {
    if (this.cursor === undefined && this.want !== undefined) {
      this.cursor = this.want;
      this.want = undefined;
    }
    return this.cursor;
  }

  /** The events of a page (oldest first) not sent yet, which the caller sends now. */
  unsent(page: readonly EventSummary[], pageSize: number): EventSummary[] {
    const fresh: EventSummary[] = [];
    for (const e of page) {
      this.cursor = e.id;
      if (this.sent.has(e.id)) continue;
      this.sent.add(e.id);
      if (e.id > this.lastId) this.lastId = e.id;
      fresh.push(e);
    }
    if (page.length < pageSize) {
      this.cursor = undefined;
      this.forget();
    }
    return fresh;
  }

  private request(after: number): boolean {
    this.want = this.want === undefined ? after : Math.min(this.want, after);
    return true;
  }

  private forget(): void {
    if (this.sent.size <= LOOKBACK_IDS) return;
    const below = this.lastId - LOOKBACK_IDS;
    for (const id of this.sent) if (id <= below) this.sent.delete(id);
  }
}

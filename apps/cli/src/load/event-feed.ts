/**
 * An endless supply of distinct, realistic recording callbacks, planned by the mock's own simulator
 * (`@livehook/api-mock/recording-events`) a batch of sessions at a time. Every session gets its own stream name,
 * and the simulator its own ids, so no two events share an identity; a SparkRTC session records one file because
 * the vendor's file-start callbacks of one job are byte-identical (the receiver counts them as one).
 */
import { randomFillSync, randomUUID } from "node:crypto";
import type { MockAdminSessionCreateRequest } from "@livehook/api-mock/admin";
import { type PlannedEvent, planSession, type Random } from "@livehook/api-mock/recording-events";
import { DEMO } from "../demo-setup.js";
import type { Vendor } from "../vendors.js";

export type LoadEvent = { vendor: Vendor; payload: Record<string, unknown> };

/** Files per recording: a Huawei Live or Alibaba session then sends 9 or 6 callbacks, a SparkRTC one 3. */
const SEGMENTS: Record<Vendor, number> = { "huawei-live": 4, "huawei-rtc": 1, "aliyun-live": 4 };
const SEGMENT_SECONDS = 60;
const SESSIONS_PER_BATCH = 32;
const POOL_BYTES = 64 * 1024;

/** Ids need no cryptographic strength here: random bytes are drawn from a pool, one system call per 64 KiB. */
export function pooledRandom(): Random {
  const pool = Buffer.alloc(POOL_BYTES);
  let at = POOL_BYTES;
  return {
    bytes(length) {
      if (length > POOL_BYTES) return randomFillSync(Buffer.alloc(length));
      if (at + length > POOL_BYTES) {
        randomFillSync(pool);
        at = 0;
      }
      at += length;
      return Buffer.from(pool.subarray(at - length, at));
    },
    float: Math.random,
    uuid: randomUUID,
  };
}

export class EventFeed {
  readonly #vendors: readonly Vendor[];
  readonly #runId: string;
  readonly #random: Random;
  readonly #nowMs: () => number;
  #queue: LoadEvent[] = [];
  #at = 0;
  #sessions = 0;

  /** `runId` makes stream names unique across runs against the same receiver. */
  constructor(vendors: readonly Vendor[], runId: string, nowMs: () => number, random: Random = pooledRandom()) {
    this.#vendors = vendors;
    this.#runId = runId;
    this.#nowMs = nowMs;
    this.#random = random;
  }

  next(): LoadEvent {
    if (this.#at === this.#queue.length) this.#plan();
    return this.#queue[this.#at++] as LoadEvent;
  }

  /** Plans the next batch of sessions, round-robin over the vendors, interleaving their events. */
  #plan(): void {
    const perSession: LoadEvent[][] = [];
    const now = this.#nowMs();
    for (let s = 0; s < SESSIONS_PER_BATCH; s++) {
      const vendor = this.#vendors[this.#sessions % this.#vendors.length] as Vendor;
      this.#sessions++;
      const segments = SEGMENTS[vendor];
      const demo = DEMO[vendor];
      const request: MockAdminSessionCreateRequest = {
        vendor,
        ...(demo.domain === undefined ? {} : { domain: demo.domain }),
        app: demo.app,
        stream: `load-${this.#runId}-${this.#sessions}`,
        formats: ["HLS"],
        segment_seconds: SEGMENT_SECONDS,
        segments,
        outcome: "success",
        mode: "compressed",
        scenario: "none",
        width: 1280,
        height: 720,
      };
      // Like the mock's compressed sessions: the recording happened just now, so no event time is in the future.
      const startMs = Math.floor(now / 1000) * 1000 - (segments + 1) * SEGMENT_SECONDS * 1000;
      const plan = planSession(request, {
        random: this.#random,
        startMs,
        consoleParity: false,
        projectId: "0".repeat(32),
      });
      perSession.push(plan.events.map((e: PlannedEvent) => ({ vendor, payload: e.payload })));
    }
    // Sessions' events in turn, each session's in its own order, as concurrent recordings would send them.
    const total = perSession.reduce((n, events) => n + events.length, 0);
    const queue: LoadEvent[] = [];
    for (let i = 0; queue.length < total; i++) {
      for (const events of perSession) {
        const e = events[i];
        if (e !== undefined) queue.push(e);
      }
    }
    this.#queue = queue;
    this.#at = 0;
  }
}

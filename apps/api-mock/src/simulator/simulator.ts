/**
 * Recording sessions: freeze the matching config, plan the vendor's events, create one delivery record per
 * subscribed event (applying drop, duplicate and out-of-order faults up front), then dispatch them in order —
 * back to back (compressed) or on the session's own timeline (realtime) — through the delivery engine.
 */
import { ALIYUN_LIVE_STATUS_EVENT_VALUES } from "@livehook/core";
import type { DeliveryEngine } from "../delivery/engine.js";
import type { MockDeps } from "../deps.js";
import type { MockAdminDelivery, MockAdminSession, MockAdminSessionCreateRequest } from "../generated/index.js";
import { hex } from "../ids.js";
import { mergeFaults } from "../settings.js";
import type { FrozenConfig } from "../state/store.js";
import { MAX_PAUSE_SECONDS, type Plan, planSession, RECONNECT_GAP_SECONDS, stopTask } from "./events.js";

export class SessionError extends Error {}

type DispatchItem = { id: string; offsetMs: number };

/** A realtime session whose dispatch loop is running, so it can be stopped early. */
type Runner = {
  plan: Plan;
  frozen: FrozenConfig | undefined;
  /** Absolute ms the item offsets count from. */
  startMs: number;
  /** Every delivery record of the session with its offset (dropped ones too). */
  records: DispatchItem[];
  /** Set by stop(): events after this offset never happen. */
  cutOffsetMs?: number;
  /** The end events stop() created, sent after the events up to the cut. */
  endItems: DispatchItem[];
  wake: () => void;
  stopped: Promise<void>;
};

export type StopResult = { ok: true; session: MockAdminSession } | { ok: false; reason: "not_found" | "not_running" };

export class Simulator {
  readonly #running = new Set<Promise<unknown>>();
  readonly #live = new Map<string, Runner>();

  constructor(
    private readonly deps: MockDeps,
    private readonly engine: DeliveryEngine,
  ) {}

  /** Resolves once every session run and redelivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #track<T>(p: Promise<T>): void {
    const tracked = p.then(
      () => undefined,
      (err: unknown) => {
        // The server is closing (serve.ts aborts every wait): what is left stays pending for the next start.
        if (err instanceof Error && err.name === "AbortError") this.deps.log.debug("delivery work stopped by close");
        else this.deps.log.error({ err }, "background delivery work failed");
      },
    );
    this.#running.add(tracked);
    void tracked.finally(() => this.#running.delete(tracked));
  }

  /** The callback config a stream would use right now, frozen (§2.9; §4.2: later changes hit later sessions). */
  freeze(req: MockAdminSessionCreateRequest): FrozenConfig | undefined {
    const { store } = this.deps;
    switch (req.vendor) {
      case "huawei-live": {
        const row = store.matchHuaweiLive(req.domain ?? "", req.app, req.project_id);
        if (row === undefined) return undefined;
        return {
          vendor: req.vendor,
          configId: row.id,
          url: row.notify_callback_url,
          key: row.key,
          signType: row.sign_type,
          projectId: row.project_id,
          subscribed: [...row.notify_event_subscription],
        };
      }
      case "huawei-rtc": {
        const row = store.getRtc(req.app);
        if (row === undefined) return undefined;
        // D9: the job end is sent whatever the subscription says.
        return {
          vendor: req.vendor,
          configId: row.app_id,
          url: row.url,
          key: row.auth_key,
          subscribed: [...row.notify_event_subscription, "CLOUD_RECORD_SERVER_OVER"],
        };
      }
      case "aliyun-live": {
        const row = store.getAliyun(req.domain ?? "");
        if (row === undefined) return undefined;
        // §4.2 [I]: NotifyReqAuth=true plus a non-empty key turns signing on. Status callbacks need NeedStatusNotify.
        return {
          vendor: req.vendor,
          configId: row.DomainName,
          url: row.NotifyUrl,
          key: row.NotifyReqAuth === true && row.NotifyAuthKey !== "" ? row.NotifyAuthKey : undefined,
          needStatusNotify: row.NeedStatusNotify,
          subscribed: ["file_created", ...(row.NeedStatusNotify ? ALIYUN_LIVE_STATUS_EVENT_VALUES : [])],
        };
      }
    }
  }

  start(req: MockAdminSessionCreateRequest): MockAdminSession {
    const { clock, random, store } = this.deps;
    if (req.vendor !== "huawei-rtc" && req.domain === undefined) {
      throw new SessionError(`domain is required for ${req.vendor}`);
    }
    if (req.vendor === "huawei-rtc" && req.formats.includes("FLV")) {
      throw new SessionError("SparkRTC records HLS and MP4 only");
    }
    const frozen = this.freeze(req);
    const now = clock.now();
    const settings = store.settings;
    const segMs = req.segment_seconds * 1000;
    // Compressed sessions happened in the past: their timeline ends now, so no event time is in the future.
    const spanMs =
      req.segments * segMs +
      MAX_PAUSE_SECONDS * 1000 +
      (req.scenario === "reconnect" ? segMs + RECONNECT_GAP_SECONDS * 1000 : 0);
    const startMs = req.mode === "realtime" ? now.getTime() : now.getTime() - spanMs;
    const plan = planSession(req, {
      random,
      startMs: Math.floor(startMs / 1000) * 1000,
      consoleParity: settings.console_parity,
      projectId: frozen?.projectId ?? req.project_id ?? "0".repeat(32),
    });

    const session: MockAdminSession = {
      id: hex(random, 16),
      vendor: req.vendor,
      app: req.app,
      stream: req.stream,
      formats: req.formats,
      segment_seconds: req.segment_seconds,
      segments: req.segments,
      outcome: req.outcome,
      mode: req.mode,
      scenario: req.scenario,
      width: req.width,
      height: req.height,
      // Only the fields the session sets: the global faults (PUT /_mock/faults) fill the rest at each attempt.
      faults: { ...req.faults },
      state: "running",
      task_ids: plan.taskIds,
      event_count: plan.events.length,
      delivery_count: 0,
      created_at: now.toISOString(),
    };
    if (req.domain !== undefined) session.domain = req.domain;
    if (req.project_id !== undefined) session.project_id = req.project_id;
    if (req.vendor === "huawei-rtc") session.room_id = req.room_id ?? "room01";
    if (frozen !== undefined) {
      session.config = {
        config_id: frozen.configId,
        url_set: frozen.url !== undefined,
        signed: frozen.key !== undefined && frozen.key !== "",
        subscribed: frozen.subscribed,
      };
      if (frozen.url !== undefined) session.config.url = frozen.url;
      session.config.sign_type =
        frozen.vendor === "huawei-live"
          ? (frozen.signType ?? "HMACSHA256")
          : frozen.vendor === "huawei-rtc"
            ? "X-Rtc-Signature"
            : "ALI-LIVE-SIGNATURE";
    }

    const faults = mergeFaults(store.faults, session.faults);
    const records: { delivery: MockAdminDelivery; payload: Record<string, unknown>; offsetMs: number }[] = [];
    if (frozen !== undefined) {
      for (const ev of plan.events) {
        if (!frozen.subscribed.includes(ev.eventType)) continue;
        const dropped = faults.drop_rate > 0 && random.float() < faults.drop_rate;
        const original = this.#newDelivery(session, frozen, ev.eventType, ev.payload, dropped ? "dropped" : undefined);
        const offsetMs = ev.at - startMs;
        records.push({ delivery: original, payload: ev.payload, offsetMs });
        if (!dropped && faults.duplicate_rate > 0 && random.float() < faults.duplicate_rate) {
          const copy = this.#newDelivery(session, frozen, ev.eventType, ev.payload, undefined);
          copy.duplicate_of = original.id;
          records.push({ delivery: copy, payload: ev.payload, offsetMs });
        }
      }
      if (faults.out_of_order) {
        for (let i = 0; i + 1 < records.length; i += 2) {
          const a = records[i];
          const b = records[i + 1];
          if (a !== undefined && b !== undefined) [records[i], records[i + 1]] = [b, a];
        }
      }
    }
    session.delivery_count = records.length;
    const realtime = req.mode === "realtime";
    // A realtime recording with a config runs for its whole timeline (it can be stopped), even when none of its
    // planned events is delivered.
    const live = realtime && frozen !== undefined;
    if (!live && records.every((r) => r.delivery.status !== "pending")) {
      session.state = "completed";
      session.completed_at = now.toISOString();
    }
    store.insertSession({ session, frozen });
    for (const r of records) {
      store.insertDelivery({ delivery: r.delivery, payload: r.payload, notifyType: r.delivery.event_type });
    }
    this.deps.log.info(
      { session: session.id, vendor: session.vendor, events: plan.events.length, deliveries: records.length },
      "session started",
    );
    // A realtime session can be stopped early while its dispatch loop runs.
    if (live) {
      let wake!: () => void;
      const stopped = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const all = records.map((r) => ({ id: r.delivery.id, offsetMs: r.offsetMs }));
      this.#live.set(session.id, { plan, frozen, startMs, records: all, endItems: [], wake, stopped });
    }
    if (session.state === "running") {
      const items = records
        .filter((r) => r.delivery.status === "pending")
        .map((r) => ({ id: r.delivery.id, offsetMs: r.offsetMs }));
      this.#track(this.#dispatch(session.id, items, realtime));
    }
    return session;
  }

  #newDelivery(
    session: MockAdminSession,
    frozen: FrozenConfig,
    eventType: string,
    payload: Record<string, unknown>,
    forced: "dropped" | undefined,
  ): MockAdminDelivery {
    const at = this.deps.clock.now().toISOString();
    const d: MockAdminDelivery = {
      id: hex(this.deps.random, 16),
      session_id: session.id,
      vendor: session.vendor,
      event_type: eventType,
      app: session.app,
      stream: session.stream,
      url: frozen.url ?? "",
      // D14: a config without a URL delivers nothing.
      status: forced ?? (frozen.url === undefined ? "skipped" : "pending"),
      attempts: [],
      body: JSON.stringify(payload),
      headers: {},
      created_at: at,
      updated_at: at,
    };
    if (session.domain !== undefined) d.domain = session.domain;
    return d;
  }

  /** Sends a session's deliveries in order (see the comment on the wait below). */
  async #dispatch(sessionId: string, items: DispatchItem[], realtime: boolean): Promise<void> {
    const { clock, sleep, store } = this.deps;
    const runner = this.#live.get(sessionId);
    const started = runner?.startMs ?? clock.now().getTime();
    const cycles: Promise<unknown>[] = [];
    const send = async (item: DispatchItem) => {
      let firstDone!: () => void;
      const first = new Promise<void>((resolve) => {
        firstDone = resolve;
      });
      const cycle = this.engine.run(item.id, firstDone);
      cycles.push(cycle);
      // Real recordings space events by the segment length, far beyond a retry cycle (5 × 1 s), so a compressed
      // session finishes each event's retries before the next event. Realtime sessions keep their own clock.
      await (realtime ? Promise.race([first, cycle]) : cycle);
    };
    const beyondCut = (item: DispatchItem) => runner?.cutOffsetMs !== undefined && item.offsetMs > runner.cutOffsetMs;
    try {
      for (const item of items) {
        if (realtime) {
          if (!beyondCut(item)) {
            const wait = item.offsetMs - (clock.now().getTime() - started);
            if (wait > 0) await (runner === undefined ? sleep(wait) : Promise.race([sleep(wait), runner.stopped]));
          }
          // Stopped: what lies after the stop never happens (stop() removed its records).
          if (beyondCut(item)) break;
        }
        await send(item);
      }
      if (runner !== undefined && runner.cutOffsetMs === undefined) {
        // The recording goes on until its last planned event, deliverable or not.
        const end = (runner.plan.events.at(-1)?.at ?? runner.startMs) - runner.startMs;
        const wait = end - (clock.now().getTime() - started);
        if (wait > 0) await Promise.race([sleep(wait), runner.stopped]);
      }
      for (const item of runner?.endItems ?? []) await send(item);
    } finally {
      this.#live.delete(sessionId);
    }
    await Promise.allSettled(cycles);
    const rec = store.getSession(sessionId);
    if (rec !== undefined && rec.session.state !== "completed") {
      rec.session.state = "completed";
      rec.session.completed_at = clock.now().toISOString();
      store.updateSession(rec.session);
    }
  }

  /**
   * Ends a running realtime session now (POST /_mock/sessions/{id}/stop): events after now are never sent, and
   * each task still running sends its end events (stopTask), subscribed ones only, after those already due.
   */
  stop(sessionId: string, outcome: "over" | "failed"): StopResult {
    const { clock, store } = this.deps;
    const rec = store.getSession(sessionId);
    if (rec === undefined) return { ok: false, reason: "not_found" };
    const runner = this.#live.get(sessionId);
    if (runner === undefined || runner.cutOffsetMs !== undefined || rec.session.state !== "running") {
      return { ok: false, reason: "not_running" };
    }
    const session = rec.session;
    const now = clock.now();
    const cutMs = Math.max(now.getTime(), runner.startMs);
    const cut = cutMs - runner.startMs;
    runner.cutOffsetMs = cut;
    const endEvents = runner.plan.tasks.flatMap((task) => {
      const first = task.events[0];
      const last = task.events.at(-1);
      // Only tasks under way at the cut end now: one not started never happens, one that ended is left alone.
      if (first === undefined || last === undefined || first.at > cutMs || last.at <= cutMs) return [];
      return stopTask(session.vendor, task, cutMs, outcome);
    });
    const planned = runner.plan.events.filter((e) => e.at <= cutMs).length;
    const frozen = runner.frozen;
    let kept = 0;
    // The end events get the session's drop and duplicate faults, as every planned event does.
    const faults = mergeFaults(store.faults, session.faults);
    const add = (ev: { eventType: string; payload: Record<string, unknown> }, forced: "dropped" | undefined) => {
      if (frozen === undefined) return undefined;
      const d = this.#newDelivery(session, frozen, ev.eventType, ev.payload, forced);
      store.insertDelivery({ delivery: d, payload: ev.payload, notifyType: ev.eventType });
      if (d.status === "pending") runner.endItems.push({ id: d.id, offsetMs: cut });
      kept++;
      return d;
    };
    for (const ev of endEvents) {
      if (frozen === undefined || !frozen.subscribed.includes(ev.eventType)) continue;
      const dropped = faults.drop_rate > 0 && this.deps.random.float() < faults.drop_rate;
      const original = add(ev, dropped ? "dropped" : undefined);
      if (
        original !== undefined &&
        !dropped &&
        faults.duplicate_rate > 0 &&
        this.deps.random.float() < faults.duplicate_rate
      ) {
        const copy = add(ev, undefined);
        if (copy !== undefined) {
          copy.duplicate_of = original.id;
          store.updateDelivery(copy);
        }
      }
    }
    // Events after the cut never happen: their records go (none of them has been sent, since the dispatch loop
    // sends an event only once its time has come).
    const gone = runner.records.filter((r) => r.offsetMs > cut);
    for (const r of gone) store.deleteDelivery(r.id);
    session.delivery_count = session.delivery_count - gone.length + kept;
    session.event_count = planned + endEvents.length;
    session.stopped_at = now.toISOString();
    session.stop_outcome = outcome;
    store.updateSession(session);
    runner.wake();
    this.deps.log.info({ session: sessionId, outcome, end_events: kept }, "session stopped");
    return { ok: true, session };
  }

  /** Queues deliveries again (a fresh retry cycle each); pending ones are skipped. Returns what was queued. */
  redeliver(ids: readonly string[]): MockAdminDelivery[] {
    const queued: MockAdminDelivery[] = [];
    for (const id of ids) {
      const rec = this.deps.store.getDelivery(id);
      if (rec === undefined || rec.delivery.status === "pending") continue;
      const session = this.deps.store.getSession(rec.delivery.session_id);
      if (session?.frozen?.url === undefined) continue;
      rec.delivery.status = "pending";
      rec.delivery.updated_at = this.deps.clock.now().toISOString();
      this.deps.store.updateDelivery(rec.delivery);
      queued.push(rec.delivery);
      this.#track(this.engine.run(id));
    }
    return queued;
  }

  /** After a restart: finish what was pending, in the original order per session. */
  resumePending(): void {
    const ids = this.deps.store.pendingDeliveryIds();
    const bySession = new Map<string, DispatchItem[]>();
    for (const id of ids) {
      const rec = this.deps.store.getDelivery(id);
      if (rec === undefined) continue;
      const list = bySession.get(rec.delivery.session_id) ?? [];
      list.push({ id, offsetMs: 0 });
      bySession.set(rec.delivery.session_id, list);
    }
    for (const [sessionId, items] of bySession) this.#track(this.#dispatch(sessionId, items, false));
  }
}

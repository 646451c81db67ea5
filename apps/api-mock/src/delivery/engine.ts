/**
 * Sends deliveries: one retry cycle per run, each attempt signed afresh, bounded by a per-attempt timeout and by
 * a global cap on attempts in flight; every attempt (time, status, latency, response snippet) is recorded.
 * fetch and sleep are injected, so a 5 × 1 s schedule runs in milliseconds under test (STYLE habit 18).
 */

import type { MockDeps } from "../deps.js";
import type { MockAdminAttempt, MockAdminDelivery, MockAdminSignatureFault } from "../generated/index.js";
import { mergeFaults } from "../settings.js";
import type { FrozenConfig } from "../state/store.js";
import { judgeAttempt } from "./retry-profiles.js";
import { signAttempt } from "./sign.js";

const SNIPPET = 512;

export class DeliveryEngine {
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly deps: MockDeps) {}

  async #acquire(): Promise<void> {
    while (this.#inFlight >= Math.max(1, this.deps.store.settings.concurrency)) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#inFlight++;
  }

  #release(): void {
    this.#inFlight--;
    this.#waiting.shift()?.();
  }

  /**
   * One retry cycle for a pending delivery. `onFirstAttempt` fires once the first attempt is recorded, so the
   * simulator can keep a session's events in order without waiting for retries.
   */
  async run(id: string, onFirstAttempt?: () => void): Promise<MockAdminDelivery | undefined> {
    const { store, sleep } = this.deps;
    const rec = store.getDelivery(id);
    const sessionRec = rec === undefined ? undefined : store.getSession(rec.delivery.session_id);
    if (rec === undefined || sessionRec?.frozen === undefined) {
      onFirstAttempt?.();
      return undefined;
    }
    const frozen = sessionRec.frozen;
    const delivery = rec.delivery;
    const profile = store.settings.retry_profiles[delivery.vendor];
    let first = true;
    try {
      for (let retry = 0; ; retry++) {
        // Session faults may change while the cycle runs (PUT /_mock/sessions/{id}/faults): read them per attempt.
        const faults = mergeFaults(store.faults, store.getSession(delivery.session_id)?.session.faults ?? {});
        if (faults.latency_ms > 0) await sleep(faults.latency_ms);
        const attempt = await this.#attempt(delivery, frozen, rec.payload, faults, profile.timeout_ms);
        const verdict = judgeAttempt(profile, attempt.status_code);
        attempt.ok = verdict === "success";
        delivery.attempts.push(attempt);
        delivery.updated_at = this.deps.clock.now().toISOString();
        const last = verdict !== "retry" || retry >= profile.retry_delays_ms.length;
        delivery.status = verdict === "success" ? "success" : last ? "failed" : "pending";
        store.updateDelivery(delivery);
        if (first) {
          first = false;
          onFirstAttempt?.();
        }
        this.deps.log.debug(
          { delivery: delivery.id, attempt: attempt.attempt, status: attempt.status_code, error: attempt.error },
          "delivery attempt",
        );
        if (last) break;
        await sleep(profile.retry_delays_ms[retry] ?? 0);
      }
    } finally {
      if (first) onFirstAttempt?.();
    }
    return delivery;
  }

  async #attempt(
    delivery: MockAdminDelivery,
    frozen: FrozenConfig,
    payload: Record<string, unknown>,
    faults: ReturnType<typeof mergeFaults>,
    timeoutMs: number,
  ): Promise<MockAdminAttempt> {
    const { clock, random, store } = this.deps;
    const dice = random.float();
    // One signature fault per attempt at most: wrong key first, then expired timestamp.
    const fault: MockAdminSignatureFault =
      frozen.key === undefined || frozen.key === ""
        ? "none"
        : dice < faults.wrong_signature_rate
          ? "wrong_signature"
          : random.float() < faults.expired_timestamp_rate
            ? "expired_timestamp"
            : "none";
    const started = clock.now();
    const attempt: MockAdminAttempt = {
      attempt: delivery.attempts.length + 1,
      started_at: started.toISOString(),
      latency_ms: 0,
      ok: false,
      response_snippet: "",
      fault,
    };
    await this.#acquire();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const signed = signAttempt(frozen, payload, {
        nowSec: Math.floor(started.getTime() / 1000),
        authTtlSeconds: store.settings.auth_ttl_seconds,
        fault,
        random,
      });
      delivery.body = signed.body;
      delivery.headers = signed.headers;
      const res = await this.deps.fetch(delivery.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "livehook-api-mock", ...signed.headers },
        body: signed.body,
        signal: controller.signal,
      });
      const text = await res.text();
      attempt.status_code = res.status;
      attempt.response_snippet = text.slice(0, SNIPPET);
    } catch (err) {
      attempt.error = controller.signal.aborted
        ? "timeout"
        : `connection_error: ${err instanceof Error ? (errorCause(err) ?? err.message) : String(err)}`;
    } finally {
      clearTimeout(timer);
      this.#release();
    }
    attempt.latency_ms = Math.max(0, clock.now().getTime() - started.getTime());
    return attempt;
  }
}

/** undici hides the useful part (ECONNREFUSED…) in `cause`. */
function errorCause(err: Error): string | undefined {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
  return undefined;
}

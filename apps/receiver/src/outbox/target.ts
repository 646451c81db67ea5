/**
 * One place an event leaves the receiver to: an HTTP endpoint, a NATS JetStream subject or a RabbitMQ exchange
 * (targets.ts builds them from their URLs). The outbox (src/forwarder.ts) claims queued events and hands each
 * target the ones it has not confirmed yet.
 */
import type { ForwardTask } from "../store/types.js";

export interface OutboxTarget {
  /** The URL without credentials or query: recorded with events the target confirmed, and in errors. */
  readonly name: string;
  /**
   * Delivers the events. For each, in order: undefined once the other end confirmed it (a 2xx reply, a broker
   * acknowledgement), else why not. Never rejects: a failure is an answer for each event. `signal` aborts when
   * the claim's lease is about to run out: what is not confirmed by then counts as a failed attempt, so another
   * receiver taking the events over after the lease does not race this one.
   */
  deliver(tasks: readonly ForwardTask[], signal: AbortSignal): Promise<(string | undefined)[]>;
  close(): Promise<void>;
}

/** A target's URL as it may be shown and stored: no user, password, query or fragment. */
export function targetName(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
}

/** An error's message for the event's forward_error, without anything that may carry a credential. */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s/@]*@/gi, (m) => m.replace(/\/\/[^@]*@/, "//***@"));
}

export const LEASE_RAN_OUT = "not confirmed before the claim's lease ran out";

/** Resolves with LEASE_RAN_OUT when the lease signal aborts (never, otherwise). */
export function leaseRunsOut(lease: AbortSignal): Promise<string> {
  if (lease.aborted) return Promise.resolve(LEASE_RAN_OUT);
  return new Promise((resolve) => lease.addEventListener("abort", () => resolve(LEASE_RAN_OUT), { once: true }));
}

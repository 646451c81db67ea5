/**
 * Builds each vendor's outbox targets from the configuration: its HTTP forwarding URL and its message bus URLs.
 * A URL named for several vendors is one target (one broker connection) shared by them.
 */
import { systemClock, VENDORS, type Vendor } from "@livehook/core";
import type { Config } from "../config.js";
import { amqpTarget } from "./amqp-target.js";
import { parseBusUrl } from "./bus-url.js";
import { type HttpTargetOptions, httpTarget } from "./http-target.js";
import { natsTarget } from "./nats-target.js";
import type { OutboxTarget } from "./target.js";

export type OutboxTargets = {
  byVendor: Partial<Record<Vendor, OutboxTarget[]>>;
  /** Closes every broker connection. */
  close(): Promise<void>;
};

/**
 * `http` carries what HTTP targets sign and log with; its secret is the configuration's `forwardSecret` unless
 * given (serve.ts resolves that secret before building targets).
 */
export function outboxTargets(
  config: Pick<Config, "forward" | "forwardSecret" | "publish">,
  http: Partial<HttpTargetOptions> = {},
): OutboxTargets {
  const shared = new Map<string, OutboxTarget>();
  const target = (url: string, make: () => OutboxTarget) => {
    const existing = shared.get(url);
    if (existing !== undefined) return existing;
    const made = make();
    shared.set(url, made);
    return made;
  };
  const httpOptions = (): HttpTargetOptions => {
    const secret = http.secret ?? config.forwardSecret;
    // serve.ts resolves the secret whenever something forwards: its absence here is a wiring mistake.
    if (secret === undefined) throw new Error("HTTP forwarding needs the forwarding secret (forward-secret.ts)");
    return { clock: systemClock, ...http, secret };
  };
  const byVendor: Partial<Record<Vendor, OutboxTarget[]>> = {};
  for (const vendor of VENDORS) {
    const targets: OutboxTarget[] = [];
    const forward = config.forward[vendor];
    if (forward !== undefined) targets.push(target(forward, () => httpTarget(forward, httpOptions())));
    for (const url of config.publish[vendor] ?? []) {
      targets.push(
        target(url, () => {
          const bus = parseBusUrl(url);
          return bus.kind === "nats" ? natsTarget(bus) : amqpTarget(bus);
        }),
      );
    }
    if (targets.length > 0) byVendor[vendor] = targets;
  }
  return {
    byVendor,
    close: async () => {
      await Promise.all([...shared.values()].map((t) => t.close()));
    },
  };
}

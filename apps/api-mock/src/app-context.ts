/** What every route module closes over: the injected deps plus the app-lifetime services built from them. */
import type { ApigLockout } from "./auth/lockout.js";
import type { DeliveryEngine } from "./delivery/engine.js";
import type { MockDeps } from "./deps.js";
import type { NonceCache } from "./nonce-cache.js";
import type { Simulator } from "./simulator/simulator.js";
import type { Throttle } from "./throttle.js";

export interface AppContext {
  deps: MockDeps;
  throttle: Throttle;
  nonces: NonceCache;
  lockout: ApigLockout;
  engine: DeliveryEngine;
  simulator: Simulator;
}

/**
 * Hono env of the vendor routes: the raw body, read once before anything parses it (STYLE habit 12), and the
 * request id every reply (errors too) carries.
 */
export type VendorEnv = { Variables: { raw: Uint8Array; requestId: string } };

/** Server-side 5xx fault on the management APIs (global `api_error_rate`). */
export function apiFaultFires(deps: MockDeps): boolean {
  const rate = deps.store.faults.api_error_rate ?? 0;
  return rate > 0 && deps.random.float() < rate;
}

/** The APIG lock-out tracker when the `apig_lockout` setting is on (§2.10), else undefined. */
export function activeLockout(ctx: AppContext): ApigLockout | undefined {
  return ctx.deps.store.settings.apig_lockout ? ctx.lockout : undefined;
}

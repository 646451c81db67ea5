/**
 * The mock's one public module for other packages (`@livehook/api-mock/recording-events`): the simulator's event
 * builders and the vendors' delivery policies, so a load generator sends what the mock (and the vendor) would send
 * without reaching into the mock's internals. Everything here is pure; randomness and time are parameters.
 */
export { type AttemptVerdict, judgeAttempt, RETRY_PROFILES } from "./delivery/retry-profiles.js";
export type { Random } from "./deps.js";
export { MAX_PAUSE_SECONDS, type Plan, type PlannedEvent, planSession } from "./simulator/events.js";

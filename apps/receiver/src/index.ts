// The public surface of @livehook/receiver: start a receiver in a test suite and query what it stored.

export { VENDORS, type Vendor } from "@livehook/core";
export { type Config, ConfigError } from "./config.js";
export { DEFAULT_RECEIVER_PORT } from "./default-port.js";
// biome-ignore lint/performance/noReExportAll: generated/index.ts (core's scripts/generate.ts) names each export of openapi/receiver-api.yaml explicitly; listing them again here would only drift.
export * from "./generated/index.js";
export {
  type DeadLetterJson,
  type EventFilter,
  type EventPage,
  type EventsQueryParams,
  type ReceivedEvent,
  type ReceivedEventDetail,
  type ReceiverOptions,
  ReceiverRequestError,
  type Rejection,
  type RejectionsQueryParams,
  type RunningReceiver,
  type SessionSummary,
  type SessionsQueryParams,
  startReceiver,
  type WaitFilter,
  WaitForEventsTimeout,
  type WaitOptions,
} from "./start-receiver.js";

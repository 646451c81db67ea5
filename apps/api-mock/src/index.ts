// The public surface of @livehook/api-mock: start the mock in a test suite, and the types of its admin API.

export { DEFAULT_MOCK_PORT } from "./default-port.js";
// biome-ignore lint/performance/noReExportAll: generated/index.ts (scripts/generate.ts) names each export explicitly; listing them again here would only drift.
export * from "./generated/index.js";
export {
  DEFAULT_PROJECT_ID,
  type ListDeliveriesQuery,
  type ListSessionsQuery,
  type MockClient,
  type MockCredentials,
  MockRequestError,
  mockClient,
} from "./mock-client.js";
export { type MockOptions, MockOptionsError, type RunningMock, startMock } from "./start-mock.js";

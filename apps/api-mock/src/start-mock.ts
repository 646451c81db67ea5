/**
 * `startMock`: the mock in the test runner's process, served by the same code as the `livehook-mock` command
 * (serve.ts), with a typed client of its admin API and of the vendor calls that create callback configs.
 */
import { z } from "zod";
import { Config } from "./config.js";
import { type MockClient, mockClient } from "./mock-client.js";
import { mockLogger, serveMock } from "./serve.js";

/**
 * The command's options (`livehook-mock --help`), by their Config names: `port` (default 0: a free port), `host`
 * (127.0.0.1), `data` (a SQLite file; default in memory), `auth` ("on" checks vendor signatures against
 * `accessKeyId`/`accessKeySecret`), `domains`, `allowedHosts`, `tokens`, `apigLockout`, `probeCallbackUrl`,
 * `logLevel` (default "warn"). Validated as the command validates them.
 */
export type MockOptions = Partial<z.input<typeof Config>>;

export type RunningMock = MockClient & {
  /** `http://127.0.0.1:<port>`: the vendor APIs, the admin API under `/_mock/` and `/openapi/*.json`. */
  url: string;
  port: number;
  /**
   * Resolves once every session and redelivery started so far has sent all its deliveries, retries included
   * (a realtime session: once it ended).
   */
  idle(): Promise<void>;
  /** Stops the server, cancels the deliveries still waiting, closes the database; the process can then exit. */
  close(): Promise<void>;
};

/** Invalid options: the message lists each problem, as the command prints them. */
export class MockOptionsError extends Error {
  override name = "MockOptionsError";
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const parsed = Config.safeParse({ port: 0, logLevel: "warn", ...options });
  if (!parsed.success) throw new MockOptionsError(`invalid mock options\n${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const log = mockLogger(config.logLevel);
  const served = await serveMock(config, log);
  const credentials =
    config.accessKeyId !== undefined && config.accessKeySecret !== undefined
      ? { accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret }
      : undefined;
  return {
    ...mockClient(served.url, credentials),
    url: served.url,
    port: served.port,
    idle: () => served.mock.simulator.idle(),
    close: served.close,
  };
}

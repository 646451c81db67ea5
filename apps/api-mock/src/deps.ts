/** What the app needs from the outside world; tests replace every piece (STYLE habit 18). */
import type { Clock } from "@livehook/core";
import type { Logger } from "pino";
import type { Store } from "./state/store.js";

export interface Random {
  /** Cryptographically irrelevant randomness for ids and fault dice; tests pass a seeded one. */
  bytes(length: number): Buffer;
  /** Uniform in [0, 1). */
  float(): number;
  /** An RFC 4122 version 4 UUID, lower case (`crypto.randomUUID` in production). */
  uuid(): string;
}

export type Sleep = (ms: number) => Promise<void>;
export type Fetch = typeof fetch;

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** Huawei IAM tokens accepted in `X-Auth-Token` (§6.1 allow-list). */
  tokens?: readonly string[] | undefined;
}

export interface MockDeps {
  clock: Clock;
  random: Random;
  sleep: Sleep;
  fetch: Fetch;
  store: Store;
  log: Logger;
  /** Host name written into Huawei request ids. */
  hostname: string;
  /** Undefined means `--auth off`. */
  credentials?: Credentials | undefined;
}

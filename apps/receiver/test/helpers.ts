/**
 * Shared test fixtures: a receiver over an in-memory SQLite store with a fixed clock, served on 127.0.0.1 by the
 * production server, and signers from @livehook/core so every test event is signed exactly as a vendor (or the
 * mock) would sign it.
 */
import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import {
  aliyunLiveCallbackHeaders,
  type Clock,
  huaweiRtcCallbackHeaders,
  signHuaweiLiveCallbackBody,
} from "@livehook/core";
import { pino } from "pino";
import { afterAll } from "vitest";
import type { Config } from "../src/config.js";
import { createDeps, type ReceiverDeps } from "../src/deps.js";
import { createReceiverServer } from "../src/server.js";
import { dropPostgresSchema, openPostgresStore } from "../src/store/postgres-store.js";
import { openSqliteStore } from "../src/store/sqlite-store.js";
import type { EventStore } from "../src/store/types.js";
import { ALIYUN_HOST, FORWARD_SECRET, KEYS, testConfig } from "./test-config.js";

export { ALIYUN_HOST, FORWARD_SECRET, KEYS, testConfig };
export const NOW = new Date("2026-03-01T00:00:00Z");
export const NOW_S = Math.floor(NOW.getTime() / 1000);

/** A clock the test moves by hand. */
export function manualClock(start = NOW): Clock & { set(d: Date): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (d) => {
      now = d;
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

/**
 * The servers `makeReceiver` started, with their clients' agents, closed when the test file ends (each file runs
 * in a process of its own, with its own copy of this module).
 */
const servers = new Map<Server, Agent>();
afterAll(async () => {
  await Promise.all(
    [...servers].map(([server, agent]) => {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
  servers.clear();
  // Then the stores it opened itself, once no server can write to them.
  await Promise.all([...ownStores].map((store) => store.close()));
  ownStores.clear();
});
/** The stores `makeReceiver` opened because the test passed none. */
const ownStores = new Set<EventStore>();

export type TestReceiver = {
  /** Sends one request to the receiver's socket; the call shape of Hono's `app.request`. */
  app: { request: (path: string, init?: RequestInit) => Promise<Response> };
  /** The production server (server.ts), listening on 127.0.0.1 at a free port until the test file ends. */
  server: Server;
  url: string;
  deps: ReceiverDeps;
  store: EventStore;
};

export async function makeReceiver(
  opts: { config?: Partial<Config>; store?: EventStore; clock?: Clock } = {},
): Promise<TestReceiver> {
  let store = opts.store;
  if (!store) {
    store = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
    ownStores.add(store);
  }
  const deps = createDeps({
    config: testConfig(opts.config),
    store,
    clock: opts.clock ?? manualClock(),
    log: pino({ level: "silent" }),
  });
  const server = createReceiverServer(deps);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Closed by the afterAll above; unref'd so that, should that never run, the server alone keeps no process alive.
  server.unref();
  // Keep-alive, as vendors deliver: connections stay open between requests (see openConnections).
  const agent = new Agent({ keepAlive: true });
  servers.set(server, agent);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { app: { request: (path, init) => sendRequest(agent, url, path, init) }, server, url, deps, store };
}

/**
 * Opens `count` keep-alive connections to the receiver, so that as many requests sent together afterwards reach
 * the server in one event-loop turn, as deliveries on a busy vendor's open connections do. Over new connections
 * they would arrive one connect at a time, each in a turn (and so a group commit) of its own.
 */
export async function openConnections(app: TestReceiver["app"], count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, async () => (await app.request("/healthz")).arrayBuffer()));
}

/**
 * One request over a real socket, through node:http rather than fetch: Node's fetch replaces a `Host` header with
 * the URL's, and several tests are about the Host a sender claims; fetch also adds headers of its own
 * (user-agent, accept-*, sec-fetch-mode), and the receiver stores the headers it got. A streamed body is sent
 * chunked, any other with its Content-Length, as fetch would.
 */
async function sendRequest(agent: Agent, base: string, path: string, init: RequestInit = {}): Promise<Response> {
  // A Request normalises the headers and body of `init` exactly as fetch and Hono's app.request would.
  const req = new Request(new URL(path, base), init);
  const headers = Object.fromEntries(req.headers);
  const streamed = init.body instanceof ReadableStream;
  const body = streamed || req.body === null ? undefined : Buffer.from(await req.arrayBuffer());
  if (body !== undefined) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      req.url,
      { agent, method: req.method, headers, signal: init.signal ?? undefined },
      (res) => {
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : [value ?? ""]) replyHeaders.append(name, v);
        }
        const status = res.statusCode ?? 0;
        const noBody = req.method === "HEAD" || status === 204 || status === 304;
        resolve(
          new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
            status,
            statusText: res.statusMessage ?? "",
            headers: replyHeaders,
          }),
        );
      },
    );
    // After the reply this is a no-op: a 413 closes the connection while a streamed body may still be sending.
    out.on("error", reject);
    if (streamed && req.body !== null) Readable.fromWeb(req.body as NodeReadableStream).pipe(out);
    else out.end(body);
  });
}

export const huaweiLiveEvent = (over: Record<string, unknown> = {}) => ({
  project_id: "70b76xxxxxx34253880af501cdxxxxxx",
  task_id: "51126d0ebe94b1da00d2e21a10aaaaaa",
  job_id: "dc0a1773-0cef-4d5e-8a5b-9a38fdb095d2",
  event_type: "RECORD_FILE_COMPLETE",
  publish_domain: "push.example.com",
  app: "live",
  stream: "mystream",
  record_format: "HLS",
  download_url: "https://obs.example.com/live/mystream.m3u8",
  file_size: 3957964,
  record_duration: 120,
  start_time: "2026-02-28T23:58:00Z",
  end_time: "2026-03-01T00:00:00Z",
  ...over,
});

export function signedHuaweiLive(
  body: Record<string, unknown>,
  opts: { ts?: number; key?: string; signType?: "HMACSHA256" | "MD5" } = {},
): string {
  return signHuaweiLiveCallbackBody(body, opts.key ?? KEYS.huaweiLive, opts.signType ?? "HMACSHA256", opts.ts ?? NOW_S);
}

export const huaweiRtcEvent = (over: Record<string, unknown> = {}) => ({
  app_id: "5fcdf5651aaaaaa6f835d0d4",
  room_id: "room01",
  stream_name: "mystream",
  job_id: "608196a2fa1aaaaaa515147f32ef463b",
  event_type: "RECORD_NEW_FILE_START",
  record_format: "HLS",
  ...over,
});

export function signedHuaweiRtc(raw: string, opts: { ts?: number; rand?: string; key?: string } = {}) {
  return {
    "content-type": "application/json",
    ...huaweiRtcCallbackHeaders(raw, opts.key ?? KEYS.huaweiRtc, {
      rand: opts.rand ?? "1234567",
      timestamp: opts.ts ?? NOW_S,
    }),
  };
}

export const aliyunFileEvent = (over: Record<string, unknown> = {}) => ({
  domain: "play.example.com",
  app: "live",
  stream: "mystream",
  uri: "record/live/mystream/2026-03-01-00-00-00.m3u8",
  duration: 120.5,
  start_time: NOW_S - 120,
  stop_time: NOW_S,
  push_args: { callback_user: "42" },
  ...over,
});

export const aliyunStatusEvent = (event = "record_paused") => ({
  domain: "play.example.com",
  app: "live",
  stream: "mystream",
  event,
});

export function signedAliyun(opts: { ts?: number; host?: string; key?: string } = {}) {
  return {
    "content-type": "application/json",
    ...aliyunLiveCallbackHeaders({
      host: opts.host ?? ALIYUN_HOST,
      timestamp: opts.ts ?? NOW_S,
      key: opts.key ?? KEYS.aliyun,
    }),
  };
}

export function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  return app.request(path, { method: "POST", body, headers });
}

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema of its own for each PostgreSQL store a test opens, so parallel runs cannot collide. */
export const testSchemaName = () => `livehook_test_${process.pid}_${randomBytes(4).toString("hex")}`;

/**
 * Both stores, for tests that must give the same answers on each: in-memory SQLite, and the real PostgreSQL
 * (never skipped: a missing server is a failure) in a schema that `cleanup` drops.
 */
export const STORE_KINDS = [
  {
    kind: "sqlite" as const,
    open: async () => {
      const store = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
      return { store, cleanup: () => store.close() };
    },
  },
  {
    kind: "postgres" as const,
    open: async () => {
      const schema = testSchemaName();
      return {
        store: await openPostgresStore({ url: DATABASE_URL, schema }),
        cleanup: () => dropPostgresSchema(DATABASE_URL, schema),
      };
    },
  },
];

/** An in-memory SQLite store, or a PostgreSQL store in a schema of its own; `cleanup` closes it (and drops that schema). */
export type TestStore = { store: EventStore; cleanup: () => Promise<void> };

export async function openTestStore(kind: (typeof STORE_KINDS)[number]["kind"]): Promise<TestStore> {
  if (kind === "sqlite") {
    const store = await openSqliteStore({ file: ":memory:", synchronous: "NORMAL" });
    return { store, cleanup: () => store.close() };
  }
  const schema = testSchemaName();
  const store = await openPostgresStore({ url: DATABASE_URL, schema });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropPostgresSchema(DATABASE_URL, schema);
    },
  };
}

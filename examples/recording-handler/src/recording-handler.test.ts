/**
 * The handler under the vendor's behaviour: the livehook mock runs in the test process, a callback config points
 * it at the handler (served on a free port), and a simulated recording sends real signed callbacks, with the
 * faults a production endpoint meets (duplicates, retries, a wrong key).
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { type RunningMock, startMock } from "@livehook/api-mock";
import type { HuaweiLiveRecordEventType } from "@livehook/core";
import { afterEach, beforeEach, expect, test } from "vitest";
import { MemoryRecordingStore } from "./memory-store.js";
import { createRecordingHandler, type RecordedFile, type RecordingStore } from "./recording-handler.js";

const KEY = "aKeyOfAtLeast32LettersAndDigits0123";
const DOMAIN = "push.example.com";

type ServedHandler = { url: string; close(): Promise<void> };

async function serve(listener: RequestListener): Promise<ServedHandler> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The mock keeps its connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}

let mock: RunningMock;
let handler: ServedHandler | undefined;

beforeEach(async () => {
  mock = await startMock();
  // The vendor retries a failed delivery 5 times 1 s apart; 3 times 50 ms apart keeps a retried delivery quick.
  await mock.updateSettings({
    retry_profiles: {
      "huawei-live": { timeout_ms: 5000, retry_delays_ms: [50, 50, 50], success: "http_200", retry_4xx: true },
    },
  });
});

afterEach(async () => {
  await mock.close();
  await handler?.close();
  handler = undefined;
});

/** Serves the handler over `store` and points the mock's Huawei Live config for app "live" at it. */
async function startHandler(store: RecordingStore, subscription: HuaweiLiveRecordEventType[]): Promise<void> {
  handler = await serve(createRecordingHandler({ keys: [KEY], store }));
  await mock.createHuaweiLiveCallback({
    publish_domain: DOMAIN,
    app: "live",
    notify_callback_url: `${handler.url}/callbacks/huawei-live`,
    notify_event_subscription: subscription,
    key: KEY,
  });
}

/** A store whose first save fails, as a database's does when its connection drops. */
class StoreFailingOnce implements RecordingStore {
  private failed = false;
  constructor(private readonly store: RecordingStore) {}

  async saveFile(file: RecordedFile): Promise<boolean> {
    if (!this.failed) {
      this.failed = true;
      throw new Error("database connection lost");
    }
    return this.store.saveFile(file);
  }
}

const downloadUrlOf = (body: string): string => (JSON.parse(body) as { download_url: string }).download_url;
const byUrl = (files: Iterable<RecordedFile>) => [...files].map((f) => f.downloadUrl).sort();

test("every finished file is kept once, though the mock delivers each callback twice", async () => {
  const store = new MemoryRecordingStore();
  await startHandler(store, ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"]);

  const session = await mock.createSession({
    vendor: "huawei-live",
    domain: DOMAIN,
    app: "live",
    stream: "room-1",
    formats: ["HLS", "MP4"],
    segments: 2,
    faults: { duplicate_rate: 1 },
  });
  await mock.idle();

  const { deliveries } = await mock.listDeliveries({ session_id: session.id, limit: 100 });
  // 4 file starts, 4 file completions and the end of the task, each sent twice, and each acknowledged.
  expect(deliveries).toHaveLength(18);
  expect(deliveries.filter((d) => d.duplicate_of !== undefined)).toHaveLength(9);
  expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => "success"));

  const completions = deliveries.filter((d) => d.event_type === "RECORD_FILE_COMPLETE");
  expect(completions).toHaveLength(8);
  const sentUrls = [...new Set(completions.map((d) => downloadUrlOf(d.body)))].sort();
  expect(sentUrls).toHaveLength(4);

  // Both copies reached the store, which kept the first.
  expect(store.saveCalls).toBe(8);
  expect(byUrl(store.files.values())).toEqual(sentUrls);
  for (const file of store.files.values()) {
    expect(file).toMatchObject({ publishDomain: DOMAIN, app: "live", stream: "room-1" });
    expect(["HLS", "MP4"]).toContain(file.format);
  }
});

test("a failed save answers 503, and the vendor's retry keeps the file", async () => {
  const store = new MemoryRecordingStore();
  const flakyStore = new StoreFailingOnce(store);
  await startHandler(flakyStore, ["RECORD_FILE_COMPLETE"]);

  const session = await mock.createSession({
    vendor: "huawei-live",
    domain: DOMAIN,
    app: "live",
    stream: "room-2",
    segments: 1,
  });
  await mock.idle();

  const { deliveries } = await mock.listDeliveries({ session_id: session.id });
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery?.status).toBe("success");
  expect(delivery?.attempts.map((a) => a.status_code)).toEqual([503, 200]);
  // The reply says the store is unavailable, never why.
  expect(delivery?.attempts[0]?.response_snippet).not.toContain("database");

  expect(byUrl(store.files.values())).toEqual([downloadUrlOf(delivery?.body ?? "{}")]);
});

test("a callback signed with another key is refused, every attempt, and nothing is kept", async () => {
  const store = new MemoryRecordingStore();
  await startHandler(store, ["RECORD_FILE_COMPLETE"]);

  const session = await mock.createSession({
    vendor: "huawei-live",
    domain: DOMAIN,
    app: "live",
    stream: "room-3",
    segments: 1,
    faults: { wrong_signature_rate: 1 },
  });
  await mock.idle();

  const { deliveries } = await mock.listDeliveries({ session_id: session.id });
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery?.status).toBe("failed");
  // The first attempt and the profile's three retries.
  expect(delivery?.attempts.map((a) => a.status_code)).toEqual([401, 401, 401, 401]);
  expect(delivery?.attempts.map((a) => JSON.parse(a.response_snippet))).toEqual(
    delivery?.attempts.map(() => ({ error: "bad_signature" })),
  );
  expect(store.saveCalls).toBe(0);
  expect(store.files.size).toBe(0);
});

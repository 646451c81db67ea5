import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockAdminDeliveryList } from "@livehook/core";
import { describe, expect, test } from "vitest";
import { seededRandom, testMock } from "../../test/harness.js";
import { Store } from "../state/store.js";
import { planSession } from "./events.js";

const CONFIG = {
  publish_domain: "push.example.com",
  app: "live",
  notify_callback_url: "http://127.0.0.1:4020/hooks/huawei-live",
  notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"],
};
const SESSION = { vendor: "huawei-live", domain: "push.example.com", app: "live", stream: "s" };

describe("simulator", () => {
  test("compressed sessions end now: no event time lies in the future", () => {
    const start = Date.parse("2026-03-01T00:00:00Z");
    const plan = planSession(
      {
        vendor: "huawei-live",
        domain: "push.example.com",
        app: "live",
        stream: "s",
        formats: ["HLS", "FLV", "MP4"],
        segment_seconds: 30,
        segments: 3,
        outcome: "success",
        mode: "compressed",
        scenario: "none",
        width: 1920,
        height: 1080,
      },
      { random: seededRandom(1), startMs: start, consoleParity: true, projectId: "p" },
    );
    expect(plan.events.map((e) => e.eventType)).toEqual([
      "RECORD_START",
      ...Array(3).fill("RECORD_NEW_FILE_START"),
      ...[0, 1].flatMap(() => [...Array(3).fill("RECORD_FILE_COMPLETE"), ...Array(3).fill("RECORD_NEW_FILE_START")]),
      ...Array(3).fill("RECORD_FILE_COMPLETE"),
      "RECORD_OVER",
    ]);
    const urls = plan.events.map((e) => e.payload.download_url).filter(Boolean) as string[];
    expect(urls.filter((u) => u.endsWith(".flv"))).toHaveLength(3);
  });

  test("the latency fault delays every attempt through the injected sleep", async () => {
    const m = testMock();
    await m.json("/v1/p/record/callbacks", "POST", CONFIG);
    await m.json("/_mock/sessions", "POST", { ...SESSION, faults: { latency_ms: 1234 } });
    await m.simulator.idle();
    expect(m.sleeps.filter((ms) => ms === 1234)).toHaveLength(3);
  });

  test("at most `concurrency` attempts are in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const m = testMock({
      fetch: async () => {
        calls++;
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return new Response("{}", { status: 200 });
      },
    });
    await m.json("/_mock/settings", "PATCH", { concurrency: 2 });
    await m.json("/v1/p/record/callbacks", "POST", CONFIG);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        m.json("/_mock/sessions", "POST", { ...SESSION, stream: `s${i}`, segments: 3 }),
      ),
    );
    await m.simulator.idle();
    expect(calls).toBe(6 * 7);
    expect(peak).toBe(2);
  });

  test("after a restart, pending deliveries are sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-mock-"));
    try {
      const file = join(dir, "mock.db");
      // The first process stops in the middle of a realtime session: its later files are still pending.
      const first = testMock({ store: new Store(file), sleep: () => new Promise(() => {}) });
      await first.json("/v1/p/record/callbacks", "POST", CONFIG);
      await first.json("/_mock/sessions", "POST", { ...SESSION, mode: "realtime", segments: 2 });
      // Let the first file's start go out (the stub fetch answers at once), bounded.
      for (let i = 0; i < 2000 && first.store.listDeliveries({ status: "success" }, 0, 1).total === 0; i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(first.store.listDeliveries({ status: "pending" }, 0, 10).total).toBe(4);

      const sent: string[] = [];
      const second = testMock({
        store: new Store(file),
        fetch: async (_url, init) => {
          sent.push(JSON.parse(String(init?.body)).event_type);
          return new Response("{}", { status: 200 });
        },
      });
      second.simulator.resumePending();
      await second.simulator.idle();
      expect(sent).toEqual(["RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"]);
      const after = MockAdminDeliveryList.parse(
        await (await second.app.request("/_mock/deliveries?status=pending")).json(),
      );
      expect(after.total).toBe(0);
      second.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

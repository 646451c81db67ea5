/** The Huawei Live group commit: one transaction per turn, each insert settled only after it committed. */
import { expect, test } from "vitest";
import { toHuaweiLiveConfig } from "../routes/huawei-live.js";
import { type HuaweiLiveConfigRow, Store } from "./store.js";

const P = "0123456789abcdef0123456789abcdef";
const row = (n: number, over: Partial<HuaweiLiveConfigRow> = {}): HuaweiLiveConfigRow => ({
  id: n.toString(16).padStart(32, "0"),
  project_id: P,
  publish_domain: "publish.example.com",
  app: `app${n}`,
  notify_event_subscription: ["RECORD_FILE_COMPLETE"],
  sign_type: "HMACSHA256",
  create_time: "2026-03-01T00:00:00Z",
  update_time: "2026-03-01T00:00:00Z",
  key: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
  ...over,
});
const insert = (s: Store, r: HuaweiLiveConfigRow) => s.insertHuaweiLive(r, toHuaweiLiveConfig(r));

test("inserts of one turn are stored in arrival order; a duplicate within the batch is refused", async () => {
  const s = new Store();
  const pending = [insert(s, row(1)), insert(s, row(2)), insert(s, row(3, { app: "app1" })), insert(s, row(4))];
  // Nothing is visible before the commit, so nothing can be read (or answered) for an unwritten row.
  expect(s.getHuaweiLive(P, row(1).id)).toBeUndefined();
  const results = await Promise.all(pending);
  expect(results.map((r) => r !== undefined)).toEqual([true, true, false, true]);
  expect(JSON.parse(results[0] as string)).toEqual(toHuaweiLiveConfig(row(1)));
  expect(s.getHuaweiLive(P, row(1).id)).toEqual(row(1));
  expect(s.getHuaweiLive(P, row(3).id)).toBeUndefined();
  expect(JSON.parse(s.listHuaweiLiveJson(P, {}, 0, 10)).total).toBe(3);
  // A later turn sees the earlier rows: still one config per (domain, app).
  expect(await insert(s, row(5, { app: "app2" }))).toBeUndefined();
});

test("a failing batch stores nothing and rejects every insert of it", async () => {
  const s = new Store();
  const good = insert(s, row(1));
  const bad = insert(s, row(2, { create_time: {} as never }));
  await expect(good).rejects.toThrow();
  await expect(bad).rejects.toThrow();
  expect(s.getHuaweiLive(P, row(1).id)).toBeUndefined();
  expect(await insert(s, row(1))).toBeDefined();
});

test("close commits what is pending first", async () => {
  const s = new Store();
  const pending = insert(s, row(1));
  s.close();
  expect(await pending).toBeDefined();
});

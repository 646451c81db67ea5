/** The store's vendor rules and its `--data` file versions: an older mock's file opens, a newer mock's is refused. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { DEFAULT_SETTINGS } from "../settings.js";
import { type HuaweiLiveConfigRow, MIGRATIONS, Store } from "./store.js";

const P = "0123456789abcdef0123456789abcdef";
const KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const row = (n: number, over: Partial<HuaweiLiveConfigRow> = {}): HuaweiLiveConfigRow => ({
  id: n.toString(16).padStart(32, "0"),
  project_id: P,
  publish_domain: "publish.example.com",
  app: `app${n}`,
  notify_event_subscription: ["RECORD_FILE_COMPLETE"],
  sign_type: "HMACSHA256",
  create_time: "2026-03-01T00:00:00Z",
  update_time: "2026-03-01T00:00:00Z",
  key: KEY,
  ...over,
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "api-mock-store-"));
  dirs.push(dir);
  return join(dir, "mock.db");
}

test("one config per (project, domain, app); an insert is stored when it returns", () => {
  const s = new Store();
  expect(s.insertHuaweiLive(row(1))).toBe(true);
  expect(s.insertHuaweiLive(row(2))).toBe(true);
  expect(s.insertHuaweiLive(row(3, { app: "app1" }))).toBe(false);
  expect(s.insertHuaweiLive(row(4, { app: "app1", project_id: "other" }))).toBe(true);
  expect(s.getHuaweiLive(P, row(1).id)).toEqual(row(1));
  expect(s.listHuaweiLive(P, {}, 0, 10)).toEqual({ total: 2, items: [row(1), row(2)] });
  expect(s.updateHuaweiLive({ ...row(2), app: "app1" })).toBe(false);
  expect(s.deleteHuaweiLive(P, row(1).id)).toBe(true);
  expect(s.deleteHuaweiLive(P, row(1).id)).toBe(false);
  s.close();
});

test("pages of a project's configs follow create time then id, whatever page each call asks for", () => {
  const s = new Store();
  // Inserted out of order; two share a create time, so the id decides between them.
  const rows = [7, 3, 11, 1, 9, 5, 2, 8, 10, 4, 6].map((n) =>
    row(n, { create_time: `2026-03-01T00:00:${String(n === 4 ? 3 : n).padStart(2, "0")}Z` }),
  );
  for (const r of rows) expect(s.insertHuaweiLive(r)).toBe(true);
  expect(s.insertHuaweiLive(row(99, { project_id: "other" }))).toBe(true);
  const ordered = [...rows].sort((a, b) => a.create_time.localeCompare(b.create_time) || a.id.localeCompare(b.id));
  // The same statement with a new page each call: 0-4, 4-8, 8-11, past the end, then the first again.
  for (const [offset, limit] of [
    [0, 4],
    [4, 4],
    [8, 4],
    [11, 4],
    [0, 2],
  ] as const) {
    expect(s.listHuaweiLive(P, {}, offset, limit)).toEqual({ total: 11, items: ordered.slice(offset, offset + limit) });
  }
  expect(s.listHuaweiLive(P, { app: "app4" }, 0, 10)).toEqual({ total: 1, items: [rows[9]] });
  s.close();
});

test("a file written before versioning (version 0) opens: configs, domains, settings, sessions, deliveries", () => {
  const file = tempFile();
  // The file exactly as the mock wrote it until data versions existed: no user_version, and Huawei Live rows
  // kept their API reply pre-serialised in `api` beside `data` (the reply plus project_id and key).
  const old = new Database(file);
  old.exec(`
CREATE TABLE IF NOT EXISTS huawei_live_configs (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL, publish_domain TEXT NOT NULL, app TEXT NOT NULL,
  create_time TEXT NOT NULL, data TEXT NOT NULL, api TEXT NOT NULL, UNIQUE (project_id, publish_domain, app));
CREATE TABLE IF NOT EXISTS huawei_rtc_configs (app_id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aliyun_live_configs (domain TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domains (vendor TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (vendor, name));
CREATE TABLE IF NOT EXISTS sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, vendor TEXT NOT NULL, state TEXT NOT NULL,
  data TEXT NOT NULL, frozen TEXT);
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, session_id TEXT NOT NULL, vendor TEXT NOT NULL,
  status TEXT NOT NULL, event_type TEXT NOT NULL, notify_type TEXT NOT NULL, domain TEXT, app TEXT, stream TEXT,
  notify_time INTEGER, data TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_session ON deliveries (session_id);
CREATE INDEX IF NOT EXISTS deliveries_records ON deliveries (vendor, domain, notify_time);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`);
  const api =
    '{"id":"00000000000000000000000000000001","publish_domain":"publish.example.com","app":"live","notify_event_subscription":["RECORD_FILE_COMPLETE"],"sign_type":"HMACSHA256","create_time":"2026-03-01T00:00:00Z","update_time":"2026-03-01T00:00:00Z","notify_callback_url":"http://127.0.0.1:4020/hooks/huawei-live"}';
  const data = `${api.slice(0, -1)},"project_id":"${P}","key":"${KEY}"}`;
  old
    .prepare(
      "INSERT INTO huawei_live_configs (id, project_id, publish_domain, app, create_time, data, api) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .run("00000000000000000000000000000001", P, "publish.example.com", "live", "2026-03-01T00:00:00Z", data, api);
  old
    .prepare("INSERT INTO huawei_rtc_configs (app_id, data) VALUES (?, ?)")
    .run(
      "abcdefghijklmnopqrstuvwx",
      '{"app_id":"abcdefghijklmnopqrstuvwx","url":"http://127.0.0.1:4020/hooks/huawei-rtc","notify_event_subscription":["RECORD_NEW_FILE_START","CLOUD_RECORD_SERVER_OVER"],"update_time":"2026-03-01T00:00:00.000Z"}',
    );
  old.prepare("INSERT INTO domains (vendor, name) VALUES (?, ?)").run("huawei-live", "publish.example.com");
  old.prepare("INSERT INTO kv (key, value) VALUES (?, ?)").run("settings", '{"console_parity":true}');
  old.prepare("INSERT INTO kv (key, value) VALUES (?, ?)").run("faults", '{"drop_rate":0.5}');
  old
    .prepare("INSERT INTO sessions (id, vendor, state, data, frozen) VALUES (?, ?, ?, ?, ?)")
    .run("s1", "huawei-live", "completed", '{"id":"s1","vendor":"huawei-live","state":"completed"}', null);
  old.close();

  const s = new Store(file);
  const live = s.getHuaweiLive(P, "00000000000000000000000000000001");
  expect(live).toEqual({ ...JSON.parse(api), project_id: P, key: KEY });
  expect(s.listHuaweiLive(P, {}, 0, 10)).toEqual({ total: 1, items: [live] });
  expect(s.matchHuaweiLive("publish.example.com", "live", P)?.key).toBe(KEY);
  expect(s.getRtc("abcdefghijklmnopqrstuvwx")?.url).toBe("http://127.0.0.1:4020/hooks/huawei-rtc");
  expect(s.isKnownDomain("huawei-live", "publish.example.com")).toBe(true);
  expect(s.isKnownDomain("huawei-live", "other.example.com")).toBe(false);
  expect(s.isKnownDomain("aliyun-live", "other.example.com")).toBeUndefined();
  expect(s.settings).toEqual({ ...DEFAULT_SETTINGS, console_parity: true });
  expect(s.faults).toEqual({ drop_rate: 0.5 });
  expect(s.getSession("s1")?.session.state).toBe("completed");
  // New rows go in beside the old ones, and the rule still holds across them.
  expect(s.insertHuaweiLive(row(2))).toBe(true);
  expect(s.insertHuaweiLive(row(3, { app: "live" }))).toBe(false);
  s.close();

  const reopened = new Database(file);
  expect(reopened.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  reopened.close();
  // Opening an up-to-date file again changes nothing.
  const again = new Store(file);
  expect(again.listHuaweiLive(P, {}, 0, 10).total).toBe(2);
  again.close();
});

test("a file from a newer mock is refused with a message that says so, and is left untouched", () => {
  const file = tempFile();
  new Store(file).close();
  const db = new Database(file);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  expect(() => new Store(file)).toThrow(
    `${file} was written by a newer @livehook/api-mock (data version ${MIGRATIONS.length + 1}; this one reads up to ${MIGRATIONS.length}). Start a newer mock or use another --data file.`,
  );
  const after = new Database(file);
  expect(after.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length + 1);
  after.close();
});

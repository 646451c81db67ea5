/**
 * The mock's state on better-sqlite3: `:memory:` without --data, a file with it, so a restart keeps configs,
 * sessions and delivery records. Rows keep the API object as JSON next to the few columns queries filter on.
 * Handlers stay thin; the vendor rules (uniqueness, not-found) are enforced here or by constraints.
 */

import type {
  AliyunLiveRecordNotifyConfig,
  HuaweiLiveRecordCallbackConfig,
  HuaweiLiveSignType,
  HuaweiRtcAppCallbackUrl,
} from "@livehook/core";
import Database from "better-sqlite3";
import type {
  MockAdminDelivery,
  MockAdminDeliveryStatus,
  MockAdminFaults,
  MockAdminSession,
  MockAdminSessionState,
  MockAdminSettings,
  MockAdminVendor,
} from "../generated/index.js";
import { DEFAULT_SETTINGS } from "../settings.js";

/** A stored Huawei Live config: the API object plus what the API never returns (D17). */
export type HuaweiLiveConfigRow = HuaweiLiveRecordCallbackConfig & { project_id: string; key?: string | undefined };
export type HuaweiRtcConfigRow = HuaweiRtcAppCallbackUrl & { app_id: string };
/** `NotifyAuthKey` here is the real key; the API answers `""` (D17). */
export type AliyunConfigRow = AliyunLiveRecordNotifyConfig;

/** The callback config as it was when a session started: later changes apply only to later sessions (§4.2). */
export type FrozenConfig = {
  vendor: MockAdminVendor;
  configId: string;
  url?: string | undefined;
  key?: string | undefined;
  /** Huawei Live `MD5`/`HMACSHA256`. */
  signType?: HuaweiLiveSignType | undefined;
  projectId?: string | undefined;
  subscribed: string[];
  needStatusNotify?: boolean | undefined;
};

export type SessionRecord = { session: MockAdminSession; frozen: FrozenConfig | undefined };

/** A delivery plus the unsigned body each attempt is signed from, and the Alibaba record fields. */
export type DeliveryRecord = {
  delivery: MockAdminDelivery;
  payload: Record<string, unknown>;
  /** Alibaba `NotifyType`; for Huawei the event type. */
  notifyType: string;
};

export type DeliveryFilter = {
  session_id?: string | undefined;
  vendor?: MockAdminVendor | undefined;
  status?: MockAdminDeliveryStatus | undefined;
  event_type?: string | undefined;
};

/**
 * The schema, as ordered steps: step n brings a file from version n to n + 1, and `PRAGMA user_version` holds the
 * version a file is at. Files written before versioning are at 0 with the tables of step 1 already in place, which
 * is why step 1 says IF NOT EXISTS. Append steps; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS huawei_live_configs (
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
  CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 2: Huawei Live rows no longer keep their API reply pre-serialised; `data` (the row) is all they need.
  "ALTER TABLE huawei_live_configs DROP COLUMN api;",
  // 3: a project's configs in list order, so a page is read from the index instead of sorted for every request.
  "CREATE INDEX huawei_live_configs_list ON huawei_live_configs (project_id, create_time, id);",
];

/** Brings the file up to the last version, one transaction per step; refuses a file from a newer mock. */
function migrate(db: Database.Database, file: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `${file} was written by a newer @livehook/api-mock (data version ${version}; this one reads up to ${MIGRATIONS.length}). Start a newer mock or use another --data file.`,
    );
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * A page of a list. SQLite's planner reads a LIMIT or OFFSET that is a bare bound parameter, so binding a new
 * value expires the statement and every call compiles it again (measured: a 10-row page of configs took 35 µs
 * against 11 µs, most of the mock's list cost); as expressions they stay runtime values of one compiled statement.
 */
const PAGE = "LIMIT CAST(@limit AS INTEGER) OFFSET CAST(@offset AS INTEGER)";

/** Alibaba's record list (DescribeLiveStreamRecordNotifyRecords): finished deliveries of a domain in a time range. */
const RECORDS = `vendor = 'aliyun-live' AND domain = @domain AND notify_time >= @from AND notify_time <= @to
  AND (@app IS NULL OR app = @app) AND (@stream IS NULL OR stream = @stream)
  AND ((@result IS NULL AND status IN ('success', 'failed')) OR status = @result)`;
const DELIVERIES = `(@session IS NULL OR session_id = @session) AND (@vendor IS NULL OR vendor = @vendor)
  AND (@status IS NULL OR status = @status) AND (@event IS NULL OR event_type = @event)`;

type HlQuery = { p: string; d: string | null; a: string | null; limit: number; offset: number };
type RecordQuery = {
  domain: string;
  from: number;
  to: number;
  app: string | null;
  stream: string | null;
  result: string | null;
  limit: number;
  offset: number;
};
type DeliveryQuery = {
  session: string | null;
  vendor: string | null;
  status: string | null;
  event: string | null;
  limit: number;
  offset: number;
};
type SessionQuery = { v: string | null; s: string | null; limit: number; offset: number };

export class Store {
  readonly #db: Database.Database;
  readonly #stmt: ReturnType<Store["prepare"]>;
  #settings: MockAdminSettings;
  #faults: MockAdminFaults;

  /** The settings a reset restores: the defaults with the start options (`--apig-lockout`, …) over them. */
  readonly #defaults: MockAdminSettings;

  constructor(file = ":memory:", startSettings: Partial<MockAdminSettings> = {}) {
    this.#db = new Database(file);
    if (file !== ":memory:") this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    try {
      migrate(this.#db, file);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    this.#stmt = this.prepare();
    this.#defaults = { ...DEFAULT_SETTINGS, ...startSettings };
    // Settings saved by an older mock lack newer fields: the defaults fill them in. Start options win.
    this.#settings = { ...DEFAULT_SETTINGS, ...this.#readKv<Partial<MockAdminSettings>>("settings"), ...startSettings };
    this.#faults = this.#readKv("faults") ?? {};
  }

  close(): void {
    this.#db.close();
  }

  private prepare() {
    const db = this.#db;
    return {
      hlList: db
        .prepare<[HlQuery], string>(
          `SELECT data FROM huawei_live_configs WHERE project_id = @p AND (@d IS NULL OR publish_domain = @d)
         AND (@a IS NULL OR app = @a) ORDER BY create_time, id ${PAGE}`,
        )
        .pluck(),
      hlCount: db.prepare<[HlQuery], { n: number }>(
        `SELECT COUNT(*) AS n FROM huawei_live_configs WHERE project_id = @p AND (@d IS NULL OR publish_domain = @d)
         AND (@a IS NULL OR app = @a)`,
      ),
      hlGet: db
        .prepare<[string, string], string>("SELECT data FROM huawei_live_configs WHERE project_id = ? AND id = ?")
        .pluck(),
      hlInsert: db.prepare(
        "INSERT OR IGNORE INTO huawei_live_configs (id, project_id, publish_domain, app, create_time, data) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      hlUpdate: db.prepare(
        "UPDATE OR IGNORE huawei_live_configs SET app = ?, data = ? WHERE project_id = ? AND id = ?",
      ),
      hlDelete: db.prepare("DELETE FROM huawei_live_configs WHERE project_id = ? AND id = ?"),
      hlByDomain: db
        .prepare<[string], string>(
          "SELECT data FROM huawei_live_configs WHERE publish_domain = ? ORDER BY create_time, id",
        )
        .pluck(),
      rtcGet: db.prepare<[string], string>("SELECT data FROM huawei_rtc_configs WHERE app_id = ?").pluck(),
      rtcPut: db.prepare("INSERT OR REPLACE INTO huawei_rtc_configs (app_id, data) VALUES (?, ?)"),
      alGet: db.prepare<[string], string>("SELECT data FROM aliyun_live_configs WHERE domain = ?").pluck(),
      alInsert: db.prepare("INSERT OR IGNORE INTO aliyun_live_configs (domain, data) VALUES (?, ?)"),
      alUpdate: db.prepare("UPDATE aliyun_live_configs SET data = ? WHERE domain = ?"),
      alDelete: db.prepare("DELETE FROM aliyun_live_configs WHERE domain = ?"),
      domainList: db.prepare<[], { vendor: MockAdminVendor; name: string }>(
        "SELECT vendor, name FROM domains ORDER BY vendor, name",
      ),
      domainAdd: db.prepare("INSERT OR IGNORE INTO domains (vendor, name) VALUES (?, ?)"),
      domainDelete: db.prepare("DELETE FROM domains WHERE vendor = ? AND name = ?"),
      domainKnown: db.prepare<[string, string], { listed: number; known: number }>(
        "SELECT COUNT(*) AS listed, COUNT(*) FILTER (WHERE name = ?) AS known FROM domains WHERE vendor = ?",
      ),
      sessionInsert: db.prepare("INSERT INTO sessions (id, vendor, state, data, frozen) VALUES (?, ?, ?, ?, ?)"),
      sessionUpdate: db.prepare("UPDATE sessions SET state = ?, data = ? WHERE id = ?"),
      sessionGet: db.prepare<[string], { data: string; frozen: string | null }>(
        "SELECT data, frozen FROM sessions WHERE id = ?",
      ),
      sessionList: db
        .prepare<[SessionQuery], string>(
          `SELECT data FROM sessions WHERE (@v IS NULL OR vendor = @v) AND (@s IS NULL OR state = @s)
         ORDER BY seq DESC LIMIT @limit OFFSET @offset`,
        )
        .pluck(),
      sessionCount: db.prepare<[SessionQuery], { n: number }>(
        "SELECT COUNT(*) AS n FROM sessions WHERE (@v IS NULL OR vendor = @v) AND (@s IS NULL OR state = @s)",
      ),
      deliveryInsert: db.prepare(
        `INSERT INTO deliveries (id, session_id, vendor, status, event_type, notify_type, domain, app, stream,
         notify_time, data, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deliveryDelete: db.prepare("DELETE FROM deliveries WHERE id = ?"),
      deliveryUpdate: db.prepare("UPDATE deliveries SET status = ?, notify_time = ?, data = ? WHERE id = ?"),
      deliveryGet: db.prepare<[string], { data: string; payload: string; notify_type: string }>(
        "SELECT data, payload, notify_type FROM deliveries WHERE id = ?",
      ),
      deliveryPending: db.prepare<[], { id: string }>(
        "SELECT id FROM deliveries WHERE status = 'pending' ORDER BY seq",
      ),
      recordCount: db.prepare<[RecordQuery], { n: number }>(`SELECT COUNT(*) AS n FROM deliveries WHERE ${RECORDS}`),
      recordList: db.prepare<[RecordQuery], { data: string; payload: string; notify_type: string }>(
        `SELECT data, payload, notify_type FROM deliveries WHERE ${RECORDS} ORDER BY notify_time DESC, seq DESC ${PAGE}`,
      ),
      deliveryCount: db.prepare<[DeliveryQuery], { n: number }>(
        `SELECT COUNT(*) AS n FROM deliveries WHERE ${DELIVERIES}`,
      ),
      deliveryList: db
        .prepare<[DeliveryQuery], string>(`SELECT data FROM deliveries WHERE ${DELIVERIES} ORDER BY seq DESC ${PAGE}`)
        .pluck(),
      kvGet: db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?"),
      kvPut: db.prepare("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)"),
    };
  }

  #readKv<T>(key: string): T | undefined {
    const row = this.#stmt.kvGet.get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  // --- settings and global faults (kept in memory too: they are read on every request and attempt) ---

  get settings(): MockAdminSettings {
    return this.#settings;
  }
  setSettings(settings: MockAdminSettings): void {
    this.#settings = settings;
    this.#stmt.kvPut.run("settings", JSON.stringify(settings));
  }
  get faults(): MockAdminFaults {
    return this.#faults;
  }
  setFaults(faults: MockAdminFaults): void {
    this.#faults = faults;
    this.#stmt.kvPut.run("faults", JSON.stringify(faults));
  }

  // --- Huawei Live ---

  listHuaweiLive(
    projectId: string,
    filter: { publish_domain?: string | undefined; app?: string | undefined },
    offset: number,
    limit: number,
  ): { total: number; items: HuaweiLiveConfigRow[] } {
    const q = { p: projectId, d: filter.publish_domain ?? null, a: filter.app ?? null, limit, offset };
    return {
      total: this.#stmt.hlCount.get(q)?.n ?? 0,
      items: this.#stmt.hlList.all(q).map((data) => JSON.parse(data) as HuaweiLiveConfigRow),
    };
  }
  getHuaweiLive(projectId: string, id: string): HuaweiLiveConfigRow | undefined {
    const data = this.#stmt.hlGet.get(projectId, id);
    return data === undefined ? undefined : JSON.parse(data);
  }
  /** False when (project, domain, app) is taken. The row is committed when this returns. */
  insertHuaweiLive(row: HuaweiLiveConfigRow): boolean {
    return (
      this.#stmt.hlInsert.run(row.id, row.project_id, row.publish_domain, row.app, row.create_time, JSON.stringify(row))
        .changes === 1
    );
  }
  /** False when the new app collides with another config of the domain. */
  updateHuaweiLive(row: HuaweiLiveConfigRow): boolean {
    return this.#stmt.hlUpdate.run(row.app, JSON.stringify(row), row.project_id, row.id).changes === 1;
  }
  deleteHuaweiLive(projectId: string, id: string): boolean {
    return this.#stmt.hlDelete.run(projectId, id).changes === 1;
  }
  /** §2.9: the exact app beats `*`; within a choice the oldest config wins. */
  matchHuaweiLive(domain: string, app: string, projectId: string | undefined): HuaweiLiveConfigRow | undefined {
    const rows: HuaweiLiveConfigRow[] = this.#stmt.hlByDomain
      .all(domain)
      .map((data) => JSON.parse(data) as HuaweiLiveConfigRow)
      .filter((r) => projectId === undefined || r.project_id === projectId);
    return rows.find((r) => r.app === app) ?? rows.find((r) => r.app === "*");
  }

  // --- SparkRTC ---

  getRtc(appId: string): HuaweiRtcConfigRow | undefined {
    const data = this.#stmt.rtcGet.get(appId);
    return data === undefined ? undefined : JSON.parse(data);
  }
  putRtc(row: HuaweiRtcConfigRow): void {
    this.#stmt.rtcPut.run(row.app_id, JSON.stringify(row));
  }

  // --- Alibaba ---

  getAliyun(domain: string): AliyunConfigRow | undefined {
    const data = this.#stmt.alGet.get(domain);
    return data === undefined ? undefined : JSON.parse(data);
  }
  insertAliyun(row: AliyunConfigRow): boolean {
    return this.#stmt.alInsert.run(row.DomainName, JSON.stringify(row)).changes === 1;
  }
  updateAliyun(row: AliyunConfigRow): boolean {
    return this.#stmt.alUpdate.run(JSON.stringify(row), row.DomainName).changes === 1;
  }
  deleteAliyun(domain: string): boolean {
    return this.#stmt.alDelete.run(domain).changes === 1;
  }
  /** Delivery records for DescribeLiveRecordNotifyRecords: final outcomes only, newest first (§4.4). */
  aliyunRecords(q: {
    domain: string;
    fromMs: number;
    toMs: number;
    app?: string | undefined;
    stream?: string | undefined;
    result?: "success" | "failed" | undefined;
    limit: number;
    offset: number;
  }): { total: number; items: DeliveryRecord[] } {
    const args = {
      domain: q.domain,
      from: q.fromMs,
      to: q.toMs,
      app: q.app ?? null,
      stream: q.stream ?? null,
      result: q.result ?? null,
      limit: q.limit,
      offset: q.offset,
    };
    const total = this.#stmt.recordCount.get(args)?.n ?? 0;
    const rows = this.#stmt.recordList.all(args);
    return { total, items: rows.map(toDeliveryRecord) };
  }

  // --- domains (D19) ---

  listDomains(): { vendor: MockAdminVendor; name: string }[] {
    return this.#stmt.domainList.all();
  }
  addDomain(vendor: MockAdminVendor, name: string): void {
    this.#stmt.domainAdd.run(vendor, name);
  }
  deleteDomain(vendor: MockAdminVendor, name: string): boolean {
    return this.#stmt.domainDelete.run(vendor, name).changes === 1;
  }
  /** Undefined when the vendor has no domain list (any valid name is then accepted). */
  isKnownDomain(vendor: MockAdminVendor, name: string): boolean | undefined {
    const row = this.#stmt.domainKnown.get(name, vendor);
    if (row === undefined || row.listed === 0) return undefined;
    return row.known > 0;
  }

  // --- sessions ---

  insertSession(rec: SessionRecord): void {
    const s = rec.session;
    this.#stmt.sessionInsert.run(
      s.id,
      s.vendor,
      s.state,
      JSON.stringify(s),
      rec.frozen ? JSON.stringify(rec.frozen) : null,
    );
  }
  updateSession(session: MockAdminSession): void {
    this.#stmt.sessionUpdate.run(session.state, JSON.stringify(session), session.id);
  }
  getSession(id: string): SessionRecord | undefined {
    const row = this.#stmt.sessionGet.get(id);
    if (row === undefined) return undefined;
    return { session: JSON.parse(row.data), frozen: row.frozen === null ? undefined : JSON.parse(row.frozen) };
  }
  listSessions(
    filter: { vendor?: MockAdminVendor | undefined; state?: MockAdminSessionState | undefined },
    offset: number,
    limit: number,
  ): { total: number; items: MockAdminSession[] } {
    const v = filter.vendor ?? null;
    const s = filter.state ?? null;
    const q = { v, s, limit, offset };
    return {
      total: this.#stmt.sessionCount.get(q)?.n ?? 0,
      items: this.#stmt.sessionList.all(q).map((data) => JSON.parse(data)),
    };
  }

  // --- deliveries ---

  insertDelivery(rec: DeliveryRecord): void {
    const d = rec.delivery;
    this.#stmt.deliveryInsert.run(
      d.id,
      d.session_id,
      d.vendor,
      d.status,
      d.event_type,
      rec.notifyType,
      d.domain ?? null,
      d.app,
      d.stream,
      notifyTime(d),
      JSON.stringify(d),
      JSON.stringify(rec.payload),
    );
  }
  deleteDelivery(id: string): void {
    this.#stmt.deliveryDelete.run(id);
  }
  updateDelivery(d: MockAdminDelivery): void {
    this.#stmt.deliveryUpdate.run(d.status, notifyTime(d), JSON.stringify(d), d.id);
  }
  getDelivery(id: string): DeliveryRecord | undefined {
    const row = this.#stmt.deliveryGet.get(id);
    return row === undefined ? undefined : toDeliveryRecord(row);
  }
  pendingDeliveryIds(): string[] {
    return this.#stmt.deliveryPending.all().map((r) => r.id);
  }
  listDeliveries(filter: DeliveryFilter, offset: number, limit: number): { total: number; items: MockAdminDelivery[] } {
    const args = {
      session: filter.session_id ?? null,
      vendor: filter.vendor ?? null,
      status: filter.status ?? null,
      event: filter.event_type ?? null,
      limit,
      offset,
    };
    const total = this.#stmt.deliveryCount.get(args)?.n ?? 0;
    const items = this.#stmt.deliveryList.all(args).map((data) => JSON.parse(data) as MockAdminDelivery);
    return { total, items };
  }

  reset(): void {
    this.#db.exec(
      "DELETE FROM huawei_live_configs; DELETE FROM huawei_rtc_configs; DELETE FROM aliyun_live_configs; DELETE FROM domains; DELETE FROM sessions; DELETE FROM deliveries; DELETE FROM kv;",
    );
    this.#settings = this.#defaults;
    this.#faults = {};
  }
}

/** The time of the last attempt (§4.4 `NotifyTime`), in ms; null before any attempt. */
function notifyTime(d: MockAdminDelivery): number | null {
  const last = d.attempts.at(-1);
  return last === undefined ? null : Date.parse(last.started_at);
}

function toDeliveryRecord(row: { data: string; payload: string; notify_type: string }): DeliveryRecord {
  return { delivery: JSON.parse(row.data), payload: JSON.parse(row.payload), notifyType: row.notify_type };
}

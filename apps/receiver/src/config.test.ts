import { describe, expect, test } from "vitest";
import { ConfigError, FLAG_NAMES, keyWarnings, loadConfig, USAGE, wantsHelp } from "./config.js";

const load = (argv: string[] = [], env: Record<string, string> = {}, files: Record<string, string> = {}) =>
  loadConfig({ argv, env, readFile: (p) => files[p] });

describe("loadConfig", () => {
  test("defaults", () => {
    const c = load();
    expect(c).toMatchObject({
      port: 4020,
      host: "127.0.0.1",
      storage: { kind: "sqlite", file: "./.livehook/receiver.db" },
      keys: { "huawei-live": [], "huawei-rtc": [], "aliyun-live": [] },
      huaweiLiveSignTypes: ["HMACSHA256"],
      toleranceSeconds: 300,
      sqliteSynchronous: "FULL",
      recordRejected: true,
      rejectedKeepPerVendor: 1000,
      dedupeWindowSeconds: 60,
    });
  });

  test("--forward-to: every vendor, or one as <vendor>=URL whatever the order, over LIVEHOOK_FORWARD_<VENDOR>", () => {
    const env = {
      LIVEHOOK_FORWARD_HUAWEI_RTC: "http://env.test/rtc",
      LIVEHOOK_FORWARD_ALIYUN_LIVE: "http://env.test/ali",
    };
    expect(load([], env).forward).toEqual({
      "huawei-rtc": "http://env.test/rtc",
      "aliyun-live": "http://env.test/ali",
    });
    const c = load(
      ["--forward-to", "huawei-live=http://app.test/live", "--forward-to", "http://app.test/all?x=1"],
      env,
    );
    expect(c.forward).toEqual({
      "huawei-live": "http://app.test/live",
      "huawei-rtc": "http://app.test/all?x=1",
      "aliyun-live": "http://app.test/all?x=1",
    });
    expect(() => load(["--forward-to", "huawei-lives=http://a.test/"])).toThrow(/unknown vendor "huawei-lives"/);
    expect(() => load(["--forward-to", "huawei-live=ftp://a.test/"])).toThrow(/--forward-to huawei-live/);
    expect(() => load(["--forward-to", "localhost:3000"])).toThrow(ConfigError);
  });

  test("LIVEHOOK_FORWARD_SECRET is validated, and an error never shows it", () => {
    const secret = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
    expect(load([], { LIVEHOOK_FORWARD_SECRET: secret }).forwardSecret).toBe(secret);
    expect(load().forwardSecret).toBeUndefined();
    expect(() => load([], { LIVEHOOK_FORWARD_SECRET: "whsec_short" })).toThrow(/LIVEHOOK_FORWARD_SECRET/);
    expect(() => load([], { LIVEHOOK_FORWARD_SECRET: "whsec_short" })).not.toThrow(/whsec_short/);
  });

  test("the rejection bound and the dedupe window are configurable, and validated", () => {
    const c = load([], { LIVEHOOK_REJECTED_KEEP: "50", LIVEHOOK_DEDUPE_WINDOW_SECONDS: "40" });
    expect(c.rejectedKeepPerVendor).toBe(50);
    expect(c.dedupeWindowSeconds).toBe(40);
    expect(load([], {}, { "livehook.config.json": '{"rejectedKeepPerVendor":7}' }).rejectedKeepPerVendor).toBe(7);
    expect(() => load([], { LIVEHOOK_REJECTED_KEEP: "0" })).toThrow(ConfigError);
  });

  test("the store wait bound: 3000 ms by default, configurable, and kept below Alibaba's 5 s delivery timeout", () => {
    expect(load().storeWaitMs).toBe(3000);
    expect(load([], { LIVEHOOK_STORE_WAIT_MS: "1500" }).storeWaitMs).toBe(1500);
    expect(load([], {}, { "livehook.config.json": '{"storeWaitMs":2000}' }).storeWaitMs).toBe(2000);
    expect(() => load([], { LIVEHOOK_STORE_WAIT_MS: "5000" })).toThrow(/LIVEHOOK_STORE_WAIT_MS/);
    expect(() => load([], { LIVEHOOK_STORE_WAIT_MS: "50" })).toThrow(ConfigError);
  });

  test("comma-separated keys for rotation, PORT, flags over env", () => {
    const c = load(["--port", "5000", "--data", ":memory:"], {
      PORT: "4500",
      LIVEHOOK_HUAWEI_LIVE_KEYS: "newkey, oldkey,",
      LIVEHOOK_ALIYUN_LIVE_KEYS: "a",
      DATABASE_URL: "postgres://x@y/z",
    });
    expect(c.port).toBe(5000);
    expect(c.keys["huawei-live"]).toEqual(["newkey", "oldkey"]);
    expect(c.keys["aliyun-live"]).toEqual(["a"]);
    // An explicit --data wins over DATABASE_URL.
    expect(c.storage).toEqual({ kind: "sqlite", file: ":memory:" });
    expect(load([], { PORT: "4500" }).port).toBe(4500);
  });

  test("allowed hosts: flag over env over file, none by default, bad names are errors naming the option", () => {
    expect(load().allowedHosts).toEqual([]);
    const file = { "livehook.config.json": '{"allowedHosts":["hooks.example.com"]}' };
    expect(load([], {}, file).allowedHosts).toEqual(["hooks.example.com"]);
    expect(load([], { LIVEHOOK_ALLOWED_HOSTS: "a.example, b.example:8443" }, file).allowedHosts).toEqual([
      "a.example",
      "b.example:8443",
    ]);
    expect(load(["--allowed-hosts", "c.example,[::1]"], { LIVEHOOK_ALLOWED_HOSTS: "a.example" }).allowedHosts).toEqual([
      "c.example",
      "[::1]",
    ]);
    expect(() => load(["--allowed-hosts", "http://x.example/"])).toThrow(/--allowed-hosts/);
    expect(() => load([], { LIVEHOOK_ALLOWED_HOSTS: "bad host" })).toThrow(/LIVEHOOK_ALLOWED_HOSTS/);
    expect(() => load([], {}, { "livehook.config.json": '{"allowedHosts":["a b"]}' })).toThrow(/allowedHosts/);
  });

  test("DATABASE_URL selects PostgreSQL", () => {
    expect(load([], { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }).storage).toEqual({
      kind: "postgres",
      url: "postgres://postgres@127.0.0.1:5432/test",
    });
    expect(() => load([], { DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
  });

  test("livehook.config.json is read, env overrides it, and typos are errors", () => {
    const file = JSON.stringify({
      port: 4100,
      keys: { "huawei-rtc": ["rtc-from-file"] },
      huaweiLiveSignTypes: ["HMACSHA256", "MD5"],
      forward: { "aliyun-live": "http://127.0.0.1:9000/in" },
    });
    const c = load([], { LIVEHOOK_HUAWEI_RTC_KEYS: "rtc-from-env" }, { "livehook.config.json": file });
    expect(c.port).toBe(4100);
    expect(c.keys["huawei-rtc"]).toEqual(["rtc-from-env"]);
    expect(c.huaweiLiveSignTypes).toEqual(["HMACSHA256", "MD5"]);
    expect(c.forward).toEqual({ "aliyun-live": "http://127.0.0.1:9000/in" });
    expect(() => load([], {}, { "livehook.config.json": JSON.stringify({ prot: 1 }) })).toThrow(/prot/);
    expect(() => load([], {}, { "livehook.config.json": "{" })).toThrow(/not valid JSON/);
    expect(() => load(["--config", "missing.json"])).toThrow(/not found/);
  });

  test("publish targets: --publish [vendor=]URL over the environment over the file, validated at start", () => {
    expect(load().publish).toEqual({});
    expect(load().forwardLeaseMs).toBe(30_000);
    const flags = load([
      "--publish",
      "nats://127.0.0.1:4222",
      "--publish",
      "aliyun-live=amqp://u:p@mq:5672/v?exchange=ev",
    ]);
    expect(flags.publish).toEqual({
      "huawei-live": ["nats://127.0.0.1:4222"],
      "huawei-rtc": ["nats://127.0.0.1:4222"],
      "aliyun-live": ["nats://127.0.0.1:4222", "amqp://u:p@mq:5672/v?exchange=ev"],
    });
    const env = {
      LIVEHOOK_PUBLISH: "nats://n:4222?stream=S&prefix=a.b",
      LIVEHOOK_PUBLISH_HUAWEI_RTC: "amqp://mq",
      LIVEHOOK_FORWARD_LEASE_MS: "5000",
    };
    const file = { "livehook.config.json": '{"publish":{"huawei-live":["amqp://file"]},"forwardLeaseMs":9000}' };
    expect(load([], env, file)).toMatchObject({
      publish: {
        "huawei-live": ["nats://n:4222?stream=S&prefix=a.b"],
        "huawei-rtc": ["nats://n:4222?stream=S&prefix=a.b", "amqp://mq"],
        "aliyun-live": ["nats://n:4222?stream=S&prefix=a.b"],
      },
      forwardLeaseMs: 5000,
    });
    expect(load([], {}, file)).toMatchObject({ publish: { "huawei-live": ["amqp://file"] }, forwardLeaseMs: 9000 });
    expect(() => load(["--publish", "kafka://k:9092"])).toThrow(/--publish[\s\S]*nats:\/\/, amqp:\/\/ or amqps:\/\//);
    expect(() => load(["--publish", "huawei=nats://n"])).toThrow(/unknown vendor "huawei"/);
    expect(() => load([], { LIVEHOOK_PUBLISH: "nats://n?subject=x" })).toThrow(/unknown query parameter "subject"/);
    expect(() => load([], { LIVEHOOK_PUBLISH: "nats://n?stream=a.b" })).toThrow(/stream/);
    // The error names the problem, never the URL's password.
    expect(() => load(["--publish", "amqp://u:secret@mq?exchange=a b"])).toThrow(/exchange/);
    try {
      load(["--publish", "amqp://u:secret@mq?exchange=a b"]);
    } catch (err) {
      expect((err as Error).message).not.toContain("secret");
    }
  });

  test("clear errors for bad values", () => {
    expect(() => load(["--port", "99999"])).toThrow(ConfigError);
    expect(() => load([], { LIVEHOOK_TOLERANCE_SECONDS: "soon" })).toThrow(/LIVEHOOK_TOLERANCE_SECONDS/);
    expect(() => load([], { LIVEHOOK_HUAWEI_LIVE_SIGN_TYPES: "SHA1" })).toThrow(/LIVEHOOK_HUAWEI_LIVE_SIGN_TYPES/);
    expect(() => load([], { LIVEHOOK_FORWARD_HUAWEI_LIVE: "ftp://x" })).toThrow(/LIVEHOOK_FORWARD_HUAWEI_LIVE/);
    expect(() => load(["--bogus"])).toThrow(/command line/);
  });

  test("a non-loopback host requires an admin token, and the error names the variable, never a key", () => {
    let message = "";
    try {
      load(["--host", "0.0.0.0"], { LIVEHOOK_HUAWEI_LIVE_KEYS: "SECRETKEY1234567890" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("LIVEHOOK_ADMIN_TOKEN");
    expect(message).not.toContain("SECRETKEY");
    expect(load(["--host", "0.0.0.0"], { LIVEHOOK_ADMIN_TOKEN: "0123456789abcdef" }).adminToken).toBe(
      "0123456789abcdef",
    );
    expect(load(["--host", "::1"]).host).toBe("::1");
  });
});

test("keys outside the vendor's format are warned about by position, never by value", () => {
  const warnings = keyWarnings({
    keys: {
      "huawei-live": ["a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "short-key!"],
      "huawei-rtc": ["tiny"],
      "aliyun-live": ["x"],
    },
  });
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toContain("LIVEHOOK_HUAWEI_LIVE_KEYS key #1");
  expect(warnings.join(" ")).not.toContain("short-key");
  expect(warnings.join(" ")).not.toContain("tiny");
});

describe("USAGE", () => {
  test("describes every flag the command line accepts, and nothing it refuses", () => {
    expect(FLAG_NAMES.length).toBeGreaterThan(0);
    for (const name of FLAG_NAMES) expect(USAGE).toMatch(new RegExp(`^  --${name} `, "m"));
    const described = [...USAGE.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    expect(described.sort()).toEqual([...FLAG_NAMES, "help"].sort());
  });

  test("--help and -h ask for it wherever they are; an unknown flag names itself and points at it", () => {
    expect(wantsHelp(["--help"])).toBe(true);
    expect(wantsHelp(["--port", "4021", "-h"])).toBe(true);
    expect(wantsHelp(["--port", "4021"])).toBe(false);
    expect(() => loadConfig({ argv: ["--prot", "1"], env: {}, readFile: () => undefined })).toThrow(
      /^command line: Unknown option '--prot'.* \(--help lists the options\)$/,
    );
  });
});

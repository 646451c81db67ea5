import { describe, expect, test } from "vitest";
import { loadConfig } from "./config.js";
import { keyStatus, nearMissVariables, READ_VARIABLES } from "./key-report.js";

const configFrom = (env: Record<string, string>) => loadConfig({ argv: [], env, readFile: () => undefined });

describe("keyStatus", () => {
  test("names every vendor with its key count, and what a vendor without keys does", () => {
    const status = keyStatus(
      configFrom({
        LIVEHOOK_HUAWEI_LIVE_KEYS: "SECRETone0123456789,SECRETtwo0123456789",
        LIVEHOOK_ALIYUN_LIVE_KEYS: "a",
      }),
    );
    expect(status.map((s) => [s.vendor, s.keyCount, s.level])).toEqual([
      ["huawei-live", 2, "info"],
      ["huawei-rtc", 0, "warn"],
      ["aliyun-live", 1, "info"],
    ]);
    expect(status.map((s) => s.message)).toEqual([
      "huawei-live: 2 keys",
      "huawei-rtc: no keys, so /hooks/huawei-rtc answers 404 vendor_not_configured; set LIVEHOOK_HUAWEI_RTC_KEYS",
      "aliyun-live: 1 key",
    ]);
    expect(JSON.stringify(status)).not.toContain("SECRET");
  });
});

describe("nearMissVariables", () => {
  test("the singular key variable is named, with the one the receiver reads", () => {
    expect(nearMissVariables({ LIVEHOOK_HUAWEI_LIVE_KEY: "k" })).toEqual([
      "LIVEHOOK_HUAWEI_LIVE_KEY is not read; did you mean LIVEHOOK_HUAWEI_LIVE_KEYS?",
    ]);
  });

  test("case and small typos are caught too", () => {
    expect(nearMissVariables({ livehook_aliyun_live_keys: "k", LIVEHOOK_HUAWEI_RTC_KYES: "k" })).toEqual([
      "livehook_aliyun_live_keys is not read; did you mean LIVEHOOK_ALIYUN_LIVE_KEYS?",
      "LIVEHOOK_HUAWEI_RTC_KYES is not read; did you mean LIVEHOOK_HUAWEI_RTC_KEYS?",
    ]);
  });

  test("variables it reads, other tools' variables and near-misses of a set variable are not reported", () => {
    expect(
      nearMissVariables({
        LIVEHOOK_HUAWEI_LIVE_KEYS: "k",
        // The CLI reads the singular form; with the plural set, the receiver has its keys.
        LIVEHOOK_HUAWEI_LIVE_KEY: "k",
        LIVEHOOK_MOCK_URL: "http://127.0.0.1:4010",
        LIVEHOOK_DEBUG: "1",
        LIVEHOOK_MOCK_AK: "ak",
        HOME: "/root",
        PORT: "4020",
      }),
    ).toEqual([]);
  });

  test("the names it compares against are the ones config.ts parses", () => {
    expect(READ_VARIABLES).toContain("LIVEHOOK_HUAWEI_RTC_KEYS");
    expect(READ_VARIABLES).toContain("LIVEHOOK_LOG_LEVEL");
  });
});

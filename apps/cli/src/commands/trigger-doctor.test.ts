import {
  AliyunLiveRecordFileCallback,
  AliyunLiveRecordStatusCallback,
  HuaweiLiveRecordCallback,
  HuaweiRtcRecordCallback,
} from "@livehook/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { type ReferenceReceiver, startReferenceReceiver } from "../../test/reference-receiver.js";
import { EXIT } from "../errors.js";
import { EVENTS, sampleEvent } from "../sample-events.js";
import { VENDORS } from "../vendors.js";

const NOW = new Date("2026-03-01T00:00:00Z");
const keys = {
  "huawei-live": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
  "huawei-rtc": "0123456789abcdef0123456789abcdef",
  "aliyun-live": "yourkey",
};
const env = {
  LIVEHOOK_HUAWEI_LIVE_KEY: keys["huawei-live"],
  LIVEHOOK_HUAWEI_RTC_KEY: keys["huawei-rtc"],
  LIVEHOOK_ALIYUN_LIVE_KEY: keys["aliyun-live"],
};

let good: ReferenceReceiver;
let sloppy: ReferenceReceiver;
beforeAll(async () => {
  good = await startReferenceReceiver({ keys, now: () => NOW, maxBody: 256 * 1024 });
  sloppy = await startReferenceReceiver({ keys, now: () => NOW, sloppy: true, maxBody: 64 * 1024 * 1024 });
});
afterAll(async () => {
  await good.close();
  await sloppy.close();
});

describe("sample events", () => {
  test.each(VENDORS.flatMap((v) => EVENTS[v].map((e) => [v, e] as const)))("%s %s matches core's schema", (v, e) => {
    const sample = sampleEvent(v, e, { now: NOW, seed: "s" });
    const schema =
      v === "huawei-live"
        ? HuaweiLiveRecordCallback
        : v === "huawei-rtc"
          ? HuaweiRtcRecordCallback
          : e === "file_created"
            ? AliyunLiveRecordFileCallback
            : AliyunLiveRecordStatusCallback;
    expect(schema.safeParse(sample.body).success).toBe(true);
  });
});

describe("trigger", () => {
  test.each(VENDORS)("%s: a genuine event is accepted and stored once, even replayed", async (vendor) => {
    const before = good.stored.size;
    const event = vendor === "aliyun-live" ? "file_created" : "record_file_complete";
    const r = await run(
      ["trigger", vendor, event, "--to", `${good.url}/hooks/${vendor}`, "--replay", "--seed", vendor],
      {
        env,
        now: NOW,
      },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/sent .* → 200/);
    expect(r.stdout).toMatch(/replayed .* → 200/);
    expect(good.stored.size).toBe(before + 1);
  });

  test.each(["--tamper", "--expire", "--wrong-key", "--unsigned"])(
    "huawei-live %s is rejected, as expected",
    async (flag) => {
      const r = await run(["trigger", "huawei-live", "RECORD_OVER", "--to", `${good.url}/hooks/huawei-live`, flag], {
        env,
        now: NOW,
      });
      expect(r.stdout).toContain("→ 401");
      expect(r.code).toBe(EXIT.ok);
    },
  );

  test("a receiver that accepts a tampered event fails the check", async () => {
    const r = await run(
      ["trigger", "huawei-rtc", "RECORD_FILE_COMPLETE", "--to", `${sloppy.url}/hooks/huawei-rtc`, "--tamper"],
      {
        env,
        now: NOW,
      },
    );
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toContain("a correct receiver answers 4xx");
  });

  test("--dry-run prints the signed request", async () => {
    const r = await run(
      ["trigger", "aliyun-live", "record_started", "--to", "http://hooks.example.com/x", "--dry-run"],
      {
        env,
        now: NOW,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ALI-LIVE-SIGNATURE: ");
    expect(r.stdout).toContain('"event":"record_started"');
  });

  test("--body sends a given body, signed afresh", async () => {
    const before = good.stored.size;
    const body = JSON.stringify({
      event_type: "RECORD_OVER",
      publish_domain: "d",
      app: "a",
      stream: "custom",
      auth_sign: "00",
    });
    const r = await run(
      ["trigger", "huawei-live", "RECORD_OVER", "--to", `${good.url}/hooks/huawei-live`, "--body", "-"],
      {
        env,
        now: NOW,
        stdin: body,
      },
    );
    expect(r.code).toBe(EXIT.ok);
    expect(good.stored.size).toBe(before + 1);
    const bad = await run(["trigger", "huawei-rtc", "RECORD_OVER", "--to", good.url, "--body", "-"], {
      env,
      stdin: "{",
    });
    expect(bad.code).toBe(EXIT.usage);
  });

  test("an unknown event is a usage error listing the valid ones", async () => {
    const r = await run(["trigger", "huawei-rtc", "RECORD_OVER", "--to", "http://127.0.0.1:1/"], { env });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("CLOUD_RECORD_SERVER_OVER");
  });

  test("an unreachable URL is exit code 3 with one line", async () => {
    const closed = await startReferenceReceiver({ keys, now: () => NOW });
    const url = closed.url;
    await closed.close();
    const r = await run(["trigger", "huawei-live", "RECORD_OVER", "--to", `${url}/hooks/huawei-live`], {
      env,
      now: NOW,
    });
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toMatch(/^error: cannot reach .*ECONNREFUSED\n$/);
  });
});

describe("doctor", () => {
  test.each(VENDORS)("%s: a correct receiver passes every probe", async (vendor) => {
    const r = await run(["doctor", "--url", `${good.url}/hooks/${vendor}`, "--max-body", String(256 * 1024)], {
      env,
      now: NOW,
    });
    expect(r.stdout).not.toContain("FAIL");
    expect(r.code).toBe(EXIT.ok);
    for (const probe of ["good", "replayed", "tampered", "wrong-key", "expired", "unsigned", "oversized"]) {
      expect(r.stdout).toContain(probe);
    }
  });

  test("a receiver that verifies nothing fails, and the table says where", async () => {
    const r = await run(["doctor", "--url", `${sloppy.url}/hooks/huawei-live`, "--json"], { env, now: NOW });
    expect(r.code).toBe(EXIT.failure);
    const report = JSON.parse(r.stdout) as { probes: { probe: string; pass: boolean; actual: string }[] };
    const failed = report.probes.filter((p) => !p.pass).map((p) => p.probe);
    expect(failed).toEqual(["tampered", "wrong-key", "expired", "unsigned", "oversized"]);
  });

  test("the vendor must be given when the path does not name it", async () => {
    const r = await run(["doctor", "--url", "http://127.0.0.1:9/callback"], { env });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--vendor");
  });
});

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
      ["trigger", vendor, event, "--receiver", `${good.url}/hooks/${vendor}`, "--replay", "--seed", vendor],
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
      const r = await run(
        ["trigger", "huawei-live", "RECORD_OVER", "--receiver", `${good.url}/hooks/huawei-live`, flag],
        {
          env,
          now: NOW,
        },
      );
      expect(r.stdout).toContain("→ 401");
      // The verdict, in words, with the receiver's status and reason.
      expect(r.stdout).toMatch(/\n✓ rejected as expected \(401 \w+\)\n$/);
      expect(r.code).toBe(EXIT.ok);
    },
  );

  test("a receiver that accepts a tampered event fails the check", async () => {
    const r = await run(
      ["trigger", "huawei-rtc", "RECORD_FILE_COMPLETE", "--receiver", `${sloppy.url}/hooks/huawei-rtc`, "--tamper"],
      {
        env,
        now: NOW,
      },
    );
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toMatch(/\n✗ accepted a tampered event \(200\)\n$/);
    expect(r.stderr).toBe("error: accepted a tampered event (200); a correct receiver answers 4xx (401)\n");
  });

  test("a genuine event: ✓ accepted; a receiver that refuses it: ✗, exit 1", async () => {
    const ok = await run(["trigger", "rtc", "RECORD_FILE_COMPLETE", "--receiver", good.url, "--seed", "verdict"], {
      env,
      now: NOW,
    });
    expect(ok.stdout).toMatch(/\n✓ accepted, as expected \(200\)\n$/);
    expect(ok.code).toBe(EXIT.ok);
    const wrongKey = await run(
      ["trigger", "huawei-rtc", "RECORD_FILE_COMPLETE", "--receiver", good.url, "--key", "k".repeat(32)],
      { env, now: NOW },
    );
    expect(wrongKey.stdout).toMatch(/\n✗ refused a correctly signed event \(401 \w+\)\n$/);
    expect(wrongKey.code).toBe(EXIT.failure);
  });

  test("Alibaba --tamper: accepted, and rightly so (no body field is signed)", async () => {
    const r = await run(["trigger", "aliyun", "file_created", "--receiver", good.url, "--tamper"], { env, now: NOW });
    expect(r.stdout).toContain("✓ accepted, as any receiver must: Alibaba signs no body field");
    expect(r.code).toBe(EXIT.ok);
  });

  test("--receiver is the receiver (the event goes to its /hooks/<vendor>); --to still works, with a notice", async () => {
    const before = good.stored.size;
    const r = await run(["trigger", "huawei", "RECORD_OVER", "--to", good.url, "--seed", "old-name"], {
      env,
      now: NOW,
    });
    expect(r.stderr).toBe("note: --to is deprecated; use --receiver\n");
    expect(r.code).toBe(EXIT.ok);
    expect(good.stored.size).toBe(before + 1);
    // LIVEHOOK_RECEIVER_URL is the default, as in tail and reconcile.
    const fromEnv = await run(["trigger", "huawei-live", "RECORD_OVER", "--seed", "env"], {
      env: { ...env, LIVEHOOK_RECEIVER_URL: good.url },
      now: NOW,
    });
    expect(fromEnv.stderr).toBe("");
    expect(fromEnv.code).toBe(EXIT.ok);
    expect(good.stored.size).toBe(before + 2);
  });

  test("vendor ids: one spelling everywhere, short group names as aliases, anything else a usage error", async () => {
    for (const name of ["huawei-live", "HUAWEI", "huawei"]) {
      const r = await run(["trigger", name, "RECORD_OVER", "--receiver", "http://h.example.com", "--dry-run"], {
        env,
        now: NOW,
      });
      expect(r.stdout).toContain("POST http://h.example.com/hooks/huawei-live");
    }
    const bad = await run(["trigger", "huawei-vod", "RECORD_OVER", "--dry-run"], { env, now: NOW });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain(
      "error: command-argument value 'huawei-vod' is invalid for argument 'vendor'. \"huawei-vod\" is not a vendor: huawei-live, huawei-rtc, aliyun-live (or huawei, rtc, aliyun).",
    );
    const tail = await run(["tail", "--vendor", "sparkrtc", "--receiver", "http://127.0.0.1:9", "--count", "1"]);
    expect(tail.stderr).not.toContain("is not a vendor");
    const sign = await run(["sign", "aliyun", "--url", "http://h.example.com/x"], { env, now: NOW });
    expect(sign.code).toBe(EXIT.ok);
  });

  test("--dry-run prints the signed request", async () => {
    const r = await run(
      ["trigger", "aliyun-live", "record_started", "--receiver", "http://hooks.example.com/x", "--dry-run"],
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
      ["trigger", "huawei-live", "RECORD_OVER", "--receiver", `${good.url}/hooks/huawei-live`, "--body", "-"],
      {
        env,
        now: NOW,
        stdin: body,
      },
    );
    expect(r.code).toBe(EXIT.ok);
    expect(good.stored.size).toBe(before + 1);
    const bad = await run(["trigger", "huawei-rtc", "RECORD_OVER", "--receiver", good.url, "--body", "-"], {
      env,
      stdin: "{",
    });
    expect(bad.code).toBe(EXIT.usage);
  });

  test("an unknown event is a usage error listing the valid ones", async () => {
    const r = await run(["trigger", "huawei-rtc", "RECORD_OVER", "--receiver", "http://127.0.0.1:1/"], { env });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("CLOUD_RECORD_SERVER_OVER");
  });

  test("an unreachable URL is exit code 3 with one line", async () => {
    const closed = await startReferenceReceiver({ keys, now: () => NOW });
    const url = closed.url;
    await closed.close();
    const r = await run(["trigger", "huawei-live", "RECORD_OVER", "--receiver", `${url}/hooks/huawei-live`], {
      env,
      now: NOW,
    });
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toMatch(/^error: cannot reach \S+ \(ECONNREFUSED\); start it with `livehook receive`.*\n$/);
  });
});

describe("doctor", () => {
  test.each(VENDORS)("%s: a correct receiver passes every probe", async (vendor) => {
    const r = await run(["doctor", "--receiver", `${good.url}/hooks/${vendor}`, "--max-body", String(256 * 1024)], {
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
    const r = await run(["doctor", "--receiver", `${sloppy.url}/hooks/huawei-live`, "--json"], { env, now: NOW });
    expect(r.code).toBe(EXIT.failure);
    const report = JSON.parse(r.stdout) as { probes: { probe: string; pass: boolean; actual: string }[] };
    const failed = report.probes.filter((p) => !p.pass).map((p) => p.probe);
    expect(failed).toEqual(["tampered", "wrong-key", "expired", "unsigned", "oversized"]);
  });

  test("the vendor must be given when the path does not name it", async () => {
    const r = await run(["doctor", "--receiver", "http://127.0.0.1:9/callback"], { env });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--vendor");
  });

  test("a receiver's base URL and --vendor probe its /hooks/<vendor>; --url still works, with a notice", async () => {
    const r = await run(["doctor", "--url", good.url, "--vendor", "aliyun", "--json"], { env, now: NOW });
    expect(r.stderr).toBe("note: --url is deprecated; use --receiver\n");
    expect(JSON.parse(r.stdout)).toMatchObject({ url: `${good.url}/hooks/aliyun-live`, vendor: "aliyun-live" });
    expect(r.code).toBe(EXIT.ok);
  });

  test("an unreachable receiver: the address, why, and what to run", async () => {
    const closed = await startReferenceReceiver({ keys, now: () => NOW });
    await closed.close();
    const r = await run(["doctor", "--receiver", closed.url, "--vendor", "huawei-rtc"], { env });
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toBe(
      `error: cannot reach ${closed.url}/hooks/huawei-rtc (ECONNREFUSED); start it with \`livehook receive\`, or a receiver and the mock with \`livehook start\`\n`,
    );
  });
});

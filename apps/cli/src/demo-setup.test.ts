import { describe, expect, test } from "vitest";
import { run, testContext } from "../test/cli-harness.js";
import { DEMO_KEYS, demoKeys, receiverKeyEnv } from "./demo-setup.js";
import { EXIT } from "./errors.js";

const LIVE_1 = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const LIVE_2 = "q7r8s9t0u1v2w3x4y5z6a7b8c9d0e1f2";

describe("the keys start hands the receiver and the mock", () => {
  test("every key of a LIVEHOOK_*_KEYS list reaches the receiver, not only the first", () => {
    const { ctx } = testContext({
      env: { LIVEHOOK_HUAWEI_LIVE_KEYS: `${LIVE_1},${LIVE_2}`, LIVEHOOK_ALIYUN_LIVE_KEY: "single" },
    });
    const keys = demoKeys(ctx);
    expect(keys["huawei-live"]).toEqual([LIVE_1, LIVE_2]);
    expect(receiverKeyEnv(keys)).toEqual({
      LIVEHOOK_HUAWEI_LIVE_KEYS: `${LIVE_1},${LIVE_2}`,
      LIVEHOOK_HUAWEI_RTC_KEYS: DEMO_KEYS["huawei-rtc"],
      LIVEHOOK_ALIYUN_LIVE_KEYS: "single",
    });
  });

  test("every key of a list is checked against the vendor's rules, naming which one", async () => {
    const r = await run(["start", "--mock-port", "4710", "--receiver-port", "4720"], {
      env: { LIVEHOOK_HUAWEI_LIVE_KEYS: `${LIVE_1},too-short` },
    });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe(
      "error: LIVEHOOK_HUAWEI_LIVE_KEYS (key 2): the Huawei Live key must be 32 to 128 letters and digits\n",
    );
  });
});

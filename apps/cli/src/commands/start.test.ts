/** `livehook start`'s checks that come before anything starts, and what it prints once the demo is over. */
import { describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { EXIT } from "../errors.js";
import { nextCommands } from "./start.js";

describe("livehook start, before anything starts", () => {
  test("a key from the environment that the vendor would refuse is named, and nothing is started", async () => {
    const r = await run(["start", "--mock-port", "4710", "--receiver-port", "4720"], {
      env: { LIVEHOOK_HUAWEI_LIVE_KEYS: "short-key" },
    });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe(
      "error: LIVEHOOK_HUAWEI_LIVE_KEYS: the Huawei Live key must be 32 to 128 letters and digits\n",
    );
    expect(r.stdout).toBe("");
  });

  test("the singular variable is checked too (the CLI reads both)", async () => {
    const r = await run(["start"], { env: { LIVEHOOK_HUAWEI_RTC_KEY: "sixteen-chars-ok" } });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("error: LIVEHOOK_HUAWEI_RTC_KEY: the SparkRTC key must be 32 to 64 characters\n");
  });

  test("one port for both apps is a usage error", async () => {
    const r = await run(["start", "--mock-port", "4710", "--receiver-port", "4710"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("error: --mock-port and --receiver-port are both 4710\n");
  });
});

describe("nextCommands", () => {
  test("on the default ports, the commands need no URL", () => {
    const lines = nextCommands("npx livehook", "http://127.0.0.1:4010", "http://127.0.0.1:4020");
    expect(lines[0]).toBe("next, try:");
    expect(lines.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
      "next, try:",
      "npx livehook simulate --count 5 --drop-rate 0.2",
      "npx livehook reconcile --redeliver",
      "npx livehook tail",
      "npx livehook huawei callbacks list",
      "http://127.0.0.1:4020/",
      "Ctrl-C stops the mock and the receiver.",
    ]);
  });

  test("on other ports, each command names the app it talks to", () => {
    const lines = nextCommands("pnpm livehook", "http://127.0.0.1:4011", "http://127.0.0.1:4021").join("\n");
    expect(lines).toContain("pnpm livehook simulate --count 5 --drop-rate 0.2 --mock http://127.0.0.1:4011 ");
    expect(lines).toContain(
      "pnpm livehook reconcile --redeliver --mock http://127.0.0.1:4011 --receiver http://127.0.0.1:4021 ",
    );
    expect(lines).toContain("pnpm livehook tail --receiver http://127.0.0.1:4021 ");
    expect(lines).toContain("pnpm livehook huawei callbacks list --mock http://127.0.0.1:4011 ");
  });
});

/** Keys are checked against the vendors' rules before any call: the mock URL here is closed, so a call would be exit 3. */
import { describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { EXIT } from "../errors.js";
import { assertVendorKey } from "./key-rules.js";

const CLOSED = ["--mock", "http://127.0.0.1:9"];

describe("callback keys against the vendors' rules", () => {
  test("assertVendorKey names the source and the rule; an empty key is not checked", () => {
    expect(() => assertVendorKey("huawei-live", "short", "--key")).toThrow(
      "--key: the Huawei Live key must be 32 to 128 letters and digits",
    );
    expect(() => assertVendorKey("huawei-rtc", "k".repeat(65), "--auth-key")).toThrow(
      "--auth-key: the SparkRTC key must be 32 to 64 characters",
    );
    expect(() => assertVendorKey("huawei-live", "", "--key")).not.toThrow();
    expect(() => assertVendorKey("huawei-rtc", "0123456789abcdef0123456789abcdef", "--auth-key")).not.toThrow();
  });

  test("huawei callbacks create and update refuse a bad --key before calling", async () => {
    const create = await run([
      "huawei",
      "callbacks",
      "create",
      "--publish-domain",
      "push.example.com",
      "--app",
      "live",
      "--key",
      "too-short",
      ...CLOSED,
    ]);
    expect(create.code).toBe(EXIT.usage);
    expect(create.stderr).toBe("error: --key: the Huawei Live key must be 32 to 128 letters and digits\n");
    const update = await run(["huawei", "callbacks", "update", "abc", "--key", "too-short", ...CLOSED]);
    expect(update.code).toBe(EXIT.usage);
  });

  test("rtc callback set refuses a bad --auth-key before calling", async () => {
    const r = await run([
      "rtc",
      "callback",
      "set",
      "--app-id",
      "5fcdf5651aaaaaa6f835d0d4",
      "--url",
      "http://127.0.0.1:4020/hooks/huawei-rtc",
      "--auth-key",
      "sixteen-chars-ok",
      ...CLOSED,
    ]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe("error: --auth-key: the SparkRTC key must be 32 to 64 characters\n");
  });
});

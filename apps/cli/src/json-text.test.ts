import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { run } from "../test/cli-harness.js";
import { EXIT } from "./errors.js";
import { jsonSyntaxError, parseJsonObject } from "./json-text.js";

const errorOf = (text: string) => {
  try {
    JSON.parse(text);
  } catch (err) {
    return jsonSyntaxError(text, err);
  }
  throw new Error("valid JSON");
};

describe("JSON errors name the line and column", () => {
  test("where the JSON breaks, on every Node version (JSON.parse's message has no position on some)", () => {
    expect(errorOf('{"a":}')).toBe("value expected at line 1, column 6");
    expect(errorOf('{\n  "a": 1,\n}')).toBe("property name expected at line 3, column 1");
    expect(errorOf('{\n  "a": 1\n  "b": 2\n}')).toBe("comma expected at line 3, column 3");
    expect(errorOf('{"a": 1')).toBe("close brace expected at line 1, column 8");
    expect(errorOf("")).toBe("value expected at line 1, column 1");
  });

  test("a valid value that is not an object names what it is", () => {
    expect(() => parseJsonObject("[1]", "body.json")).toThrow("body.json: expected a JSON object, found an array");
    expect(() => parseJsonObject("null", "stdin")).toThrow("stdin: expected a JSON object, found null");
  });

  test("through the CLI: the file name, then the position", async () => {
    const dir = mkdtempSync(join(tmpdir(), "livehook-json-"));
    const file = join(dir, "event.json");
    writeFileSync(file, '{\n  "event_type": "RECORD_OVER",\n  "stream": "s",,\n}\n');
    const env = { LIVEHOOK_HUAWEI_LIVE_KEY: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6" };
    const trigger = await run(["trigger", "huawei-live", "RECORD_OVER", "--body", file, "--dry-run"], { env });
    expect(trigger.code).toBe(EXIT.usage);
    expect(trigger.stderr).toBe(`error: --body ${file}: not valid JSON: property name expected at line 3, column 17\n`);
    const sign = await run(["sign", "huawei-live", file], { env });
    expect(sign.code).toBe(EXIT.usage);
    expect(sign.stderr).toBe(`error: ${file}: not valid JSON: property name expected at line 3, column 17\n`);
  });
});

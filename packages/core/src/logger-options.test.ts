import { expect, test } from "vitest";
import { redactingLoggerOptions } from "./logger-options.js";

test("every call gives its own options, redacting keys, tokens and auth headers", () => {
  const first = redactingLoggerOptions("debug");
  const second = redactingLoggerOptions("info");
  expect(first.level).toBe("debug");
  expect(first.redact.paths).not.toBe(second.redact.paths);
  first.redact.paths.push("extra");
  expect(second.redact.paths).not.toContain("extra");
  expect(second.redact).toMatchObject({ censor: "[redacted]" });
  for (const path of ["*.key", "*.auth_key", "*.NotifyAuthKey", "*.headers.authorization", "config.keys"])
    expect(second.redact.paths).toContain(path);
});

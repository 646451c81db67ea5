import { Writable } from "node:stream";
import { expect, test } from "vitest";
import { createLogger } from "./logger.js";

test("keys, tokens and auth headers are redacted wherever they appear", async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger("info", sink);
  log.info(
    {
      config: {
        keys: { "huawei-live": ["SECRET-KEY-1"] },
        adminToken: "SECRET-TOKEN",
        storage: { url: "postgres://u:SECRET-PW@h/db" },
      },
      headers: { authorization: "Bearer SECRET-TOKEN", cookie: "s=SECRET" },
      key: "SECRET-KEY-2",
    },
    "config loaded",
  );
  log.info({ keys: ["SECRET-KEY-3"] }, "keys");
  // The field names the mock logs its vendors' callback keys under, and a request's auth header.
  log.info({ callback: { auth_key: "SECRET-KEY-4", NotifyAuthKey: "SECRET-KEY-5" } }, "callback config");
  log.info({ req: { headers: { authorization: "SECRET-TOKEN" } } }, "request");
  await new Promise((r) => setImmediate(r));
  const text = lines.join("");
  expect(text).toContain("config loaded");
  expect(text).toContain("callback config");
  expect(text).not.toContain("SECRET");
});

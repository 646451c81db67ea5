import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { EXIT } from "../errors.js";

const NOW = new Date("2026-03-01T00:00:00Z");
const key = fc.stringMatching(/^[A-Za-z0-9]{32,48}$/);
const headerArgs = (json: string) =>
  Object.entries(JSON.parse(json).headers as Record<string, string>).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);

describe("sign then verify, for arbitrary bodies and keys", () => {
  test("huawei-rtc: any bytes round-trip; any changed byte fails", async () => {
    await fc.assert(
      fc.asyncProperty(key, fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), async (k, bytes, at) => {
        const body = Buffer.from(bytes);
        const signed = await run(["sign", "huawei-rtc", "--key", k, "--json"], { stdin: body, now: NOW });
        const h = headerArgs(signed.stdout);
        expect((await run(["verify", "huawei-rtc", "--key", k, ...h], { stdin: body, now: NOW })).code).toBe(EXIT.ok);
        const changed = Buffer.from(body);
        const i = at % changed.length;
        changed[i] = (changed[i] as number) ^ 1;
        expect((await run(["verify", "huawei-rtc", "--key", k, ...h], { stdin: changed, now: NOW })).code).toBe(
          EXIT.failure,
        );
      }),
      { numRuns: 40 },
    );
  });

  test("huawei-live: any stream name round-trips and a different one fails", async () => {
    await fc.assert(
      fc.asyncProperty(key, fc.string({ minLength: 1, maxLength: 40 }), async (k, stream) => {
        const body = JSON.stringify({
          event_type: "RECORD_OVER",
          publish_domain: "d.example.com",
          app: "live",
          stream,
        });
        const signed = (await run(["sign", "huawei-live", "--key", k], { stdin: body, now: NOW })).stdout;
        expect((await run(["verify", "huawei-live", "--key", k], { stdin: signed, now: NOW })).code).toBe(EXIT.ok);
        const other = JSON.stringify({ ...JSON.parse(signed), stream: `${stream}x` });
        expect((await run(["verify", "huawei-live", "--key", k], { stdin: other, now: NOW })).code).toBe(EXIT.failure);
      }),
      { numRuns: 40 },
    );
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vectors from "@livehook/core/test-vectors.json" with { type: "json" };
import { describe, expect, test } from "vitest";
import { run } from "../../test/cli-harness.js";
import { EXIT } from "../errors.js";

const dir = mkdtempSync(join(tmpdir(), "livehook-cli-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("verify against core's vectors", () => {
  test.each(vectors.huaweiLive.verify)("huawei-live: $name", async (v) => {
    const args = ["verify", "huawei-live", "-", "--now", v.now, ...v.keys.flatMap((k) => ["--key", k])];
    const options = v.options as { allowedSignTypes?: string[]; graceSeconds?: number };
    if (options.allowedSignTypes?.includes("MD5")) args.push("--allow-md5");
    if (options.graceSeconds !== undefined) args.push("--tolerance", String(options.graceSeconds));
    const r = await run(args, { stdin: v.body });
    expect(r.code).toBe(v.expected.ok ? EXIT.ok : EXIT.failure);
    if (!v.expected.ok) expect(r.stdout).toContain((v.expected as { reason: string }).reason);
    else expect(r.stdout).toContain(coverageText(v.expected as { authenticated: { scope: string } }));
  });

  test.each(vectors.huaweiRtc.verify)("huawei-rtc: $name", async (v) => {
    const headers = Object.entries(v.headers).flatMap(([k, val]) => ["-H", `${k}: ${val}`]);
    const options = v.options as { toleranceSeconds?: number };
    const tolerance = options.toleranceSeconds === undefined ? [] : ["--tolerance", String(options.toleranceSeconds)];
    const args = [
      "verify",
      "huawei-rtc",
      "--now",
      v.now,
      ...v.keys.flatMap((k) => ["--key", k]),
      ...headers,
      ...tolerance,
    ];
    const r = await run(args, { stdin: v.body });
    expect(r.code).toBe(v.expected.ok ? EXIT.ok : EXIT.failure);
    if (v.expected.ok) expect(r.stdout).toContain("(whole body authenticated)");
  });

  test.each(vectors.aliyunLive.verify)("aliyun-live: $name", async (v) => {
    const headers = Object.entries(v.headers).flatMap(([k, val]) => ["-H", `${k}: ${val}`]);
    const args = [
      "verify",
      "aliyun-live",
      "--host",
      v.host,
      "--now",
      v.now,
      ...v.keys.flatMap((k) => ["--key", k]),
      ...headers,
    ];
    const r = await run(args);
    expect(r.code).toBe(v.expected.ok ? EXIT.ok : EXIT.failure);
    if (v.expected.ok) expect(r.stdout).toContain("(body NOT covered by this scheme)");
  });
});

/** What `verify` prints for a verdict's `authenticated` scope. */
function coverageText(expected: { authenticated: { scope: string } }): string {
  if (expected.authenticated.scope === "fields") {
    return "only these fields authenticated: auth_timestamp, event_type, publish_domain, app, stream, download_url, play_url;";
  }
  return "(body NOT covered by this scheme)";
}

describe("sign reproduces core's vectors", () => {
  test.each(vectors.huaweiRtc.sign)("huawei-rtc: $name", async (v) => {
    const r = await run(["sign", "huawei-rtc", "--key", v.key, "--rand", v.rand, "--timestamp", String(v.timestamp)], {
      stdin: v.body,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`X-Rtc-Signature: ${v.signature}`);
  });

  test.each(vectors.aliyunLive.sign)("aliyun-live: $name", async (v) => {
    const r = await run([
      "sign",
      "aliyun-live",
      "--key",
      v.key,
      "--host",
      v.host,
      "--timestamp",
      String(v.timestamp),
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.headers["ALI-LIVE-SIGNATURE"]).toBe(v.signature);
    expect(out.signedString).toBe(v.input);
  });

  test.each(vectors.huaweiLive.sign)("huawei-live: $name", async (v) => {
    const { auth_timestamp, ...fields } = v.fields;
    const r = await run(
      [
        "sign",
        "huawei-live",
        "--key",
        v.key,
        "--sign-type",
        v.signType,
        "--timestamp",
        String(auth_timestamp),
        "--json",
      ],
      { stdin: JSON.stringify(fields) },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).auth_sign).toBe(v.signature);
  });

  test("sign then verify round-trips for every scheme, keys from the environment", async () => {
    const env = {
      LIVEHOOK_HUAWEI_LIVE_KEY: "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
      LIVEHOOK_HUAWEI_RTC_KEY: "0123456789abcdef0123456789abcdef",
      LIVEHOOK_ALIYUN_LIVE_KEY: "yourkey",
    };
    const body = JSON.stringify({ event_type: "RECORD_NEW_FILE_START", publish_domain: "d", app: "a", stream: "s" });
    const live = await run(["sign", "huawei-live"], { env, stdin: body });
    expect((await run(["verify", "huawei-live"], { env, stdin: live.stdout.trim() })).code).toBe(0);

    const rtc = await run(["sign", "huawei-rtc", "--json"], { env, stdin: body });
    const h = Object.entries(JSON.parse(rtc.stdout).headers as Record<string, string>).flatMap(([k, v]) => [
      "-H",
      `${k}: ${v}`,
    ]);
    expect((await run(["verify", "huawei-rtc", ...h], { env, stdin: body })).code).toBe(0);

    const ali = await run(["sign", "aliyun-live", "--url", "http://127.0.0.1:4020/hooks/aliyun-live", "--json"], {
      env,
    });
    const ah = Object.entries(JSON.parse(ali.stdout).headers as Record<string, string>).flatMap(([k, v]) => [
      "-H",
      `${k}: ${v}`,
    ]);
    const ok = await run(["verify", "aliyun-live", "--url", "http://127.0.0.1:4020/hooks/aliyun-live", ...ah], { env });
    expect(ok.code).toBe(0);
  });

  test("no key at all is a usage error naming the variable", async () => {
    const r = await run(["sign", "huawei-rtc"], { stdin: "{}" });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("LIVEHOOK_HUAWEI_RTC_KEY");
  });

  test("a body on an interactive stdin is refused instead of waiting", async () => {
    const r = await run(["sign", "huawei-rtc", "--key", "k"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("pipe the body");
  });
});

const LIVE_KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
const v2 = vectors.huaweiLive.verify[0] as (typeof vectors.huaweiLive.verify)[number];
const v4 = vectors.huaweiRtc.sign[0] as (typeof vectors.huaweiRtc.sign)[number];

describe("verify --explain names the usual mistake", () => {
  test("it prints the exact string signed", async () => {
    const r = await run(["verify", "huawei-live", "--key", LIVE_KEY, "--now", v2.now, "--explain"], { stdin: v2.body });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(JSON.stringify(vectors.huaweiLive.sign[1]?.message));
  });

  test("a trailing newline in the sender's key", async () => {
    const body = (
      await run(["sign", "huawei-live", "--key", `${LIVE_KEY}\n`, "--timestamp", "1583676745"], { stdin: v2.body })
    ).stdout;
    const r = await run(["verify", "huawei-live", "--key", LIVE_KEY, "--now", v2.now, "--explain"], { stdin: body });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("trailing newline");
  });

  test("trailing whitespace in the key given to verify", async () => {
    const r = await run(["verify", "huawei-live", "--key", `${LIVE_KEY} `, "--now", v2.now, "--explain"], {
      stdin: v2.body,
    });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("leading or trailing whitespace");
  });

  test("upper-case hex is accepted with a note", async () => {
    const upper = vectors.huaweiLive.verify.find((v) => v.name.startsWith("V2 upper-case"));
    if (!upper) throw new Error("vector missing");
    const r = await run(["verify", "huawei-live", "--key", LIVE_KEY, "--now", upper.now, "--explain"], {
      stdin: upper.body,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("upper-case hex");
  });

  test("the Huawei push-callback formula", async () => {
    const { createHmac } = await import("node:crypto");
    const body = JSON.parse(v2.body) as Record<string, unknown>;
    body.auth_sign = createHmac("sha256", LIVE_KEY)
      .update(`${body.event_type}${body.publish_domain}${body.app}${body.stream}${body.auth_timestamp}`)
      .digest("hex");
    const r = await run(["verify", "huawei-live", "--key", LIVE_KEY, "--now", v2.now, "--explain"], {
      stdin: JSON.stringify(body),
    });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("push-callback formula");
  });

  test("an MD5 signature without --allow-md5", async () => {
    const md5 = vectors.huaweiLive.verify.find((v) => v.name.startsWith("V1 MD5 is rejected"));
    if (!md5) throw new Error("vector missing");
    const r = await run(["verify", "huawei-live", "--key", LIVE_KEY, "--now", md5.now], { stdin: md5.body });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("--allow-md5");
  });

  test("a re-serialized body (SparkRTC)", async () => {
    const pretty = JSON.stringify(JSON.parse(v4.body), null, 2);
    const args = ["verify", "huawei-rtc", file("pretty.json", pretty), "--key", v4.key, "--rand", v4.rand];
    const r = await run([
      ...args,
      "--timestamp",
      String(v4.timestamp),
      "--signature",
      v4.signature,
      "--now",
      "1619600282",
      "--explain",
    ]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("re-serialized");
  });

  test("a body file with a trailing newline (SparkRTC)", async () => {
    const args = ["verify", "huawei-rtc", file("nl.json", `${v4.body}\n`), "--key", v4.key, "--rand", v4.rand];
    const r = await run([
      ...args,
      "--timestamp",
      String(v4.timestamp),
      "--signature",
      v4.signature,
      "--now",
      "1619600282",
    ]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("ends with a newline");
  });

  test("the wrong host or port (Alibaba)", async () => {
    const signed = await run(["sign", "aliyun-live", "--host", "127.0.0.1:8080", "--key", "yourkey", "--json"]);
    const headers = JSON.parse(signed.stdout).headers as Record<string, string>;
    // Signed with the port; the receiver is configured under another port, so neither D12 candidate matches.
    const r = await run([
      "verify",
      "aliyun-live",
      "--url",
      "http://127.0.0.1:4020/hooks/aliyun-live",
      "--key",
      "yourkey",
      "--signature",
      headers["ALI-LIVE-SIGNATURE"] as string,
      "--timestamp",
      headers["ALI-LIVE-TIMESTAMP"] as string,
    ]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain('"127.0.0.1:8080"');
  });

  test("an expired signature says the signature itself is right", async () => {
    const r = await run(["verify", "huawei-live", "--key", LIVE_KEY, "--now", "2020-03-09T00:00:00Z"], {
      stdin: v2.body,
    });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stdout).toContain("expired");
    expect(r.stdout).toContain("the signature itself is right");
  });
});

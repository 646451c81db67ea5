import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { run } from "../test/cli-harness.js";
import { EXIT } from "./errors.js";
import { parseVendor } from "./vocabulary.js";

/** A URL nothing listens on: a port the OS gave out and took back. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe("one vocabulary", () => {
  test("vendor ids in any case, and the command groups' short names", () => {
    expect(["huawei-live", "Huawei", "huawei"].map(parseVendor)).toEqual(["huawei-live", "huawei-live", "huawei-live"]);
    expect(["huawei-rtc", "rtc", "SparkRTC"].map(parseVendor)).toEqual(["huawei-rtc", "huawei-rtc", "huawei-rtc"]);
    expect(["aliyun-live", "aliyun", "alibaba"].map(parseVendor)).toEqual([
      "aliyun-live",
      "aliyun-live",
      "aliyun-live",
    ]);
    expect(() => parseVendor("huawei_live")).toThrow(
      '"huawei_live" is not a vendor: huawei-live, huawei-rtc, aliyun-live (or huawei, rtc, aliyun).',
    );
  });

  test("old option names still work, hidden, with a one-line notice; the receiver and the mock say what to run", async () => {
    const [mock, receiver] = [await closedUrl(), await closedUrl()];
    const reconcile = await run(["reconcile", "--mock", mock, "--receiver", receiver, "--wait", "0"]);
    expect(reconcile.code).toBe(EXIT.unreachable);
    expect(reconcile.stderr).toBe(
      `note: --wait is deprecated; use --timeout\nerror: cannot reach ${mock} (ECONNREFUSED); start it with \`livehook mock\`, or the mock and a receiver with \`livehook start\`\n`,
    );
    const tail = await run(["tail", "--url", receiver]);
    expect(tail.code).toBe(EXIT.unreachable);
    expect(tail.stderr).toBe(
      `note: --url is deprecated; use --receiver\nerror: cannot reach ${receiver} (ECONNREFUSED); start it with \`livehook receive\`, or a receiver and the mock with \`livehook start\`\n`,
    );
    const help = await run(["tail", "--help"]);
    expect(help.stdout).toContain("--receiver <url>");
    expect(help.stdout).not.toContain("--url");
    const reconcileHelp = await run(["reconcile", "--help"]);
    expect(reconcileHelp.stdout).toContain("--timeout <seconds>");
    expect(reconcileHelp.stdout).not.toContain("--wait");
  });
});

/**
 * The README's first day, run as written: every command of its "Your first day" section, in order, through a
 * shell and the built CLI (a `livehook` on the PATH that runs dist/main.js; `npx livehook` is that command), in an
 * empty directory. Only the default ports change (4010, 4020, 3000 become free ones: `start` gets its port flags,
 * the other commands LIVEHOOK_MOCK_URL / LIVEHOOK_RECEIVER_URL, the app PORT), and `npm install standardwebhooks`
 * is not run: the app is the README's file itself, examples/verify-forward.mjs, which finds the package in the
 * workspace. Each step's observable result is checked: the banner and its secret, the callback config, the events
 * stored, tail's lines, the inspector's answer, the forward the app verified, reconcile's "no gap".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { freePort } from "./ports.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const CLI_MAIN = join(REPO, "apps/cli/dist/main.js");
const EXAMPLE_APP = join(REPO, "apps/receiver/examples/verify-forward.mjs");
const readText = (path: string) => readFileSync(join(REPO, path), "utf8");

/** The "Your first day" section of a README, up to the next section. */
function firstDaySection(readme: string): string {
  const start = readme.indexOf("## Your first day\n");
  expect(start, "a 'Your first day' section").toBeGreaterThanOrEqual(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end + 1);
}

/** The contents of the section's code blocks of one language, in order. */
const codeBlocks = (section: string, lang: "sh" | "js") =>
  [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] ?? "");

/** Each step's command, and what the test does with it. */
const STEPS = [
  /^LIVEHOOK_HUAWEI_LIVE_KEYS=\S+ npx livehook start .*--forward-to http:\/\/127\.0\.0\.1:3000\/webhooks/,
  /^npx livehook huawei callbacks create .*--url http:\/\/127\.0\.0\.1:4020\/hooks\/huawei-live /,
  /^npx livehook simulate .*--domain push\.mysite\.com/,
  /^npx livehook tail /,
  /^npm install standardwebhooks$/,
  /^LIVEHOOK_FORWARD_SECRET=\$\(cat \.livehook\/receiver\.db\.forward-secret\) node verify-forward\.mjs$/,
  /^npx livehook events resend 1$/,
  /^npx livehook reconcile$/,
];

type Shell = {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  /** Ctrl-C: SIGINT to the command's process group, as a terminal sends it; SIGKILL if it lingers. */
  interrupt: () => Promise<number | null>;
};

const running: Shell[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.interrupt()));
});

/** Runs one command line through `sh`, in its own process group. */
function shell(command: string, cwd: string, env: Record<string, string>): Shell {
  const child = spawn("sh", ["-c", command], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // The group is gone already.
    }
  };
  const interrupt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      group("SIGINT");
      const kill = setTimeout(() => group("SIGKILL"), 10_000);
      await exited;
      clearTimeout(kill);
    }
    return child.exitCode;
  };
  const s: Shell = { child, out: () => out, err: () => err, exited, interrupt };
  running.push(s);
  return s;
}

/** A command that ends by itself: its exit code and output. */
async function finished(s: Shell): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = await s.exited;
  return { code, stdout: s.out(), stderr: s.err() };
}

test("the README's example app is the file the tests run, in every README that shows it", () => {
  const example = readFileSync(EXAMPLE_APP, "utf8");
  const root = firstDaySection(readText("README.md"));
  expect(codeBlocks(root, "js")).toEqual([example]);
  // The CLI's README (the npm page of `livehook`) carries the same walkthrough, word for word.
  expect(firstDaySection(readText("apps/cli/README.md"))).toBe(root);
  expect(readText("apps/receiver/README.md")).toContain(`\`\`\`js\n${example}\`\`\``);
});

test("the first day: start, configure a vendor, simulate, tail, inspect, forward to the example app, reconcile", async () => {
  const commands = codeBlocks(firstDaySection(readText("README.md")), "sh").flatMap((block) =>
    block.split("\n").filter((line) => line.trim() !== ""),
  );
  expect(commands).toHaveLength(STEPS.length);
  commands.forEach((command, i) => {
    expect(command).toMatch(STEPS[i] as RegExp);
  });

  const [mockPort, receiverPort, appPort] = [await freePort(), await freePort(), await freePort()];
  const mock = `http://127.0.0.1:${mockPort}`;
  const receiver = `http://127.0.0.1:${receiverPort}`;
  const app = `http://127.0.0.1:${appPort}/webhooks`;
  const dir = mkdtempSync(join(tmpdir(), "livehook-first-day-"));
  const bin = mkdtempSync(join(tmpdir(), "livehook-first-day-bin-"));
  writeFileSync(join(bin, "livehook"), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
  chmodSync(join(bin, "livehook"), 0o755);
  // The file the README tells you to save, as the README shows it (the first test checks they are one).
  symlinkSync(EXAMPLE_APP, join(dir, "verify-forward.mjs"));
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    LIVEHOOK_MOCK_URL: mock,
    LIVEHOOK_RECEIVER_URL: receiver,
  };
  const onFreePorts = (command: string) =>
    command
      .replace(/^((?:\S+=\S+ )*)npx livehook /, "$1livehook ")
      .replaceAll("127.0.0.1:4010", `127.0.0.1:${mockPort}`)
      .replaceAll("127.0.0.1:4020", `127.0.0.1:${receiverPort}`)
      .replaceAll("127.0.0.1:3000", `127.0.0.1:${appPort}`);
  const step = (i: number) => onFreePorts(commands[i] as string);
  const json = async (path: string) => (await fetch(`${receiver}${path}`)).json() as Promise<Record<string, unknown>>;

  // 1. start: the banner names the forward target and prints the secret kept beside the database.
  const start = shell(`${step(0)} --mock-port ${mockPort} --receiver-port ${receiverPort}`, dir, env);
  await expect.poll(() => start.out(), { timeout: 30_000 }).toContain("signing secret");
  const secret = readFileSync(join(dir, ".livehook/receiver.db.forward-secret"), "utf8").trim();
  expect(start.out()).toContain(`forwarding to    ${app} (huawei-live, huawei-rtc, aliyun-live)`);
  expect(start.out()).toContain(`signing secret   ${secret} (Standard Webhooks; kept in ${dir}/.livehook/`);
  expect(start.out()).toContain(`inspector        ${receiver}/`);

  // 2. configure a vendor: the mock holds the new callback config.
  const configured = await finished(shell(step(1), dir, env));
  expect(configured.stderr).toBe("");
  expect(configured.code).toBe(0);
  expect(configured.stdout).toMatch(
    new RegExp(`push\\.mysite\\.com\\t\\*\\t${receiver}/hooks/huawei-live\\tRECORD_NEW_FILE_START,`),
  );

  // 3. simulate: every delivery delivered, and the receiver stored one verified event per delivery.
  const simulated = await finished(shell(step(2), dir, env));
  expect(simulated.code).toBe(0);
  expect(simulated.stdout).toMatch(/^sessions +2 \(huawei-live\)$/m);
  expect(simulated.stdout).toMatch(/^failed +0$/m);
  const delivered = Number(/^delivered +(\d+)$/m.exec(simulated.stdout)?.[1]);
  // Two recordings of two files each: a start and a completion per file, then the end of each recording.
  expect(delivered).toBe(10);
  const stored = (await json("/api/events?domain=push.mysite.com&limit=500")).events as {
    id: number;
    verdict: string;
    eventType: string;
  }[];
  expect(stored).toHaveLength(delivered);
  expect(new Set(stored.map((e) => e.verdict))).toEqual(new Set(["verified_fields"]));
  expect(new Set(stored.map((e) => e.eventType))).toEqual(
    new Set(["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER"]),
  );

  // 4. tail: one line per stored event, then Ctrl-C.
  const tail = shell(step(3), dir, env);
  const tailLine = /^\d\d:\d\d:\d\d huawei-live RECORD_\w+ +push\.mysite\.com\/live\/\S+ verified_fields #(\d+)$/gm;
  await expect.poll(() => [...tail.out().matchAll(tailLine)].length, { timeout: 15_000 }).toBe(delivered);
  expect(new Set([...tail.out().matchAll(tailLine)].map((m) => Number(m[1])))).toEqual(
    new Set(stored.map((e) => e.id)),
  );
  await tail.interrupt();

  // 5. inspect: the README's link answers with the inspector, and the event it opens is the first one stored.
  const link = /<(http:\/\/127\.0\.0\.1:4020\/\?[^>]+)>/.exec(firstDaySection(readText("README.md")))?.[1] ?? "";
  const page = await fetch(onFreePorts(link));
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  expect(await page.text()).toContain("Domain contains");
  const opened = new URL(onFreePorts(link)).searchParams.get("event");
  const event = await json(`/api/events/${opened}`);
  expect(event).toMatchObject({ id: Number(opened), vendor: "huawei-live", domain: "push.mysite.com" });

  // 6. forward: the example app, with the secret from step 1, verifies the resent event and answers 204.
  const exampleApp = shell(step(5), dir, { ...env, PORT: String(appPort) });
  await expect.poll(() => exampleApp.out(), { timeout: 15_000 }).toContain(`listening on ${appPort}`);
  const resent = await finished(shell(step(6), dir, env));
  expect(resent.stderr).toBe("");
  expect(resent.stdout).toMatch(new RegExp(`^event #1 → ${app}: 204 in \\d+ ms\\n$`));
  expect(resent.code).toBe(0);
  const first = stored.find((e) => e.id === 1);
  expect(first?.eventType).toBe("RECORD_NEW_FILE_START");
  await expect
    .poll(() => exampleApp.out(), { timeout: 10_000 })
    .toMatch(new RegExp(`^huawei-live ${first?.eventType} \\{.*"publish_domain":"push\\.mysite\\.com"`, "m"));
  await expect.poll(() => start.out()).toMatch(/→ huawei-live .* 204 in \d+ ms \(resend\) #1$/m);

  // 7. reconcile: everything the mock sent is stored exactly once.
  const reconciled = await finished(shell(step(7), dir, env));
  expect(reconciled.code).toBe(0);
  expect(reconciled.stdout).toContain(`expected   ${delivered} events sent by the mock`);
  expect(reconciled.stdout).toContain(`stored     ${delivered} of them stored by the receiver`);
  expect(reconciled.stdout).toContain("no gap: every event sent is stored exactly once");

  // Ctrl-C stops the app and `start`, which stops the mock and the receiver: nothing is left listening.
  await exampleApp.interrupt();
  await start.interrupt();
  expect(start.err()).toContain("stopping…");
  expect(start.err()).not.toContain("error:");
  const refused = (url: string) =>
    fetch(url).then(
      () => false,
      () => true,
    );
  await expect.poll(() => Promise.all([refused(mock), refused(receiver), refused(app)])).toEqual([true, true, true]);
}, 60_000);

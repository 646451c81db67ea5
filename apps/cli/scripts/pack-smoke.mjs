// What a user does, from the tarballs we would publish: every public package of the workspace is packed the way
// `pnpm publish` packs it (pnpm rewrites `catalog:` and `workspace:` ranges, npm cannot), linted with publint and
// arethetypeswrong, and installed with npm alone into an empty project outside the repository. There the
// `livehook` command runs as a user runs it (`npx livehook …`: --help, start --once, mock, receive, doctor), and a
// plain Node script and a strict TypeScript project import @livehook/core. Then the user's test suite of
// examples/recording-handler runs (`npm test`, `npm run typecheck`) against the tarballs of the mock, the receiver
// and core. Anything a package needs at run time that is missing from its `dependencies` or its `files` fails
// here, since nothing can resolve to the workspace.
//
// Run by the CLI's `test:pack` task (`pnpm test` runs it); alone: `node apps/cli/scripts/pack-smoke.mjs` after a
// build. Every step has a time limit, so a hang fails the run instead of stalling CI.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

const cliDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = resolve(cliDir, "..", "..");
const bin = (name) => join(cliDir, "node_modules", ".bin", name);
// Under `pnpm run`, npm_execpath is pnpm itself; elsewhere fetch the pinned pnpm the README uses.
const pnpm = process.env.npm_execpath?.includes("pnpm")
  ? [process.execPath, [process.env.npm_execpath]]
  : ["npx", ["-y", "pnpm@10.34.8"]];

const MINUTE = 60_000;
const began = Date.now();
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
const log = (text) => console.log(`pack-smoke [${elapsed()}] ${text}`);

/** Runs a command to its end within `timeoutMs`; returns its exit code and output, never throws on a non-zero exit. */
function run(cmd, args, { cwd, env = process.env, timeoutMs = MINUTE, input = "" } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}\n${r.stdout ?? ""}${r.stderr ?? ""}`);
  return { code: r.status ?? r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Fails with the command's whole output unless it exited `code` and its output matches every pattern. */
function expectRun(label, r, { code = 0, stdout = [], stderr = [] } = {}) {
  const misses = [
    ...(r.code === code ? [] : [`exit code ${r.code}, expected ${code}`]),
    ...stdout.filter((re) => !re.test(r.stdout)).map((re) => `stdout lacks ${re}`),
    ...stderr.filter((re) => !re.test(r.stderr)).map((re) => `stderr lacks ${re}`),
  ];
  if (misses.length > 0) {
    throw new Error(`${label}: ${misses.join("; ")}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  log(`ok: ${label}`);
}

/**
 * The environment of a user's shell: nothing the workspace's tools put there. pnpm's `npm_*` variables (its
 * node-gyp, `npm_config_yes`, the package being run) and the workspace's `node_modules/.bin` folders on PATH would
 * otherwise steer npm and npx. The machine's own npm settings (cache, registry, certificates, Node headers for
 * native addons) stay. This Node comes first on PATH, so the tarballs run on the line under test.
 */
function userEnv() {
  const keep = new Set(["nodedir", "cache", "registry", "userconfig", "globalconfig", "cafile"]);
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    const npmConfig = /^npm_config_(.+)$/i.exec(name);
    if (npmConfig !== null ? !keep.has(npmConfig[1].toLowerCase()) : /^(npm_|pnpm_|INIT_CWD$|TURBO_)/i.test(name)) {
      continue;
    }
    // The receiver and the mock read these; a user's empty project has none.
    if (/^(LIVEHOOK_|DATABASE_URL$)/.test(name)) continue;
    env[name] = value;
  }
  const path = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !`${dir}${sep}`.startsWith(`${repoRoot}${sep}`));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return env;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a long-running command in its own process group, as a shell starts a foreground job, and resolves once
 * `ready` matches its output. `interrupt()` is Ctrl-C: SIGINT to the whole group (npx, the CLI and its app).
 */
async function startBackground(label, args, { cwd, env, ready, timeoutMs = MINUTE }) {
  const child = spawn("npx", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise((resolveExit) => child.on("exit", (code, signal) => resolveExit(code ?? signal)));
  const match = await new Promise((resolveMatch, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label}: not ready within ${timeoutMs} ms\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      output += chunk.toString("utf8");
      const m = ready.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolveMatch(m);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label}: exited with ${code} before it was ready\n${output}`));
    });
  });
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  running.add(signalGroup);
  return {
    match,
    output: () => output,
    /**
     * Ctrl-C, then waits until no process of the group is left (npx, the CLI and the app it started) and returns
     * npx's exit: npm ends on SIGINT itself, as it does in a terminal, so that is the signal or 130, never a
     * failure code. A process still there after `graceMs` fails the run (and is killed).
     */
    interrupt: async (graceMs = 15_000) => {
      signalGroup("SIGINT");
      const code = await exited;
      const deadline = Date.now() + graceMs;
      while (signalGroup(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const leftBehind = signalGroup("SIGKILL");
      running.delete(signalGroup);
      if (leftBehind) throw new Error(`${label}: processes left running ${graceMs} ms after Ctrl-C\n${output}`);
      if (![0, 130, "SIGINT"].includes(code)) throw new Error(`${label}: Ctrl-C ended it with ${code}\n${output}`);
      return code;
    },
  };
}

/** Process groups still running, killed on the way out whatever happened. */
/**
 * A user's `npm install` on Node.js 24 downloads better-sqlite3's prebuilt binary, which works. Here no binary can
 * be downloaded, so npm compiles it, and compiled against the headers of Node.js 24.19 or later it aborts the
 * process when a statement is garbage-collected (nodejs/node#65446; README "Node.js versions"). The workspace's own
 * build of the same version carries the patch that restores the prebuilt binaries' behaviour, so on 24 it stands in
 * for the download: the JavaScript under test is still the tarballs'.
 */
function useWorkspaceSqliteBinaryOnNode24(projectDir) {
  if (process.versions.node.split(".")[0] !== "24") return;
  const workspace = dirname(
    createRequire(join(repoRoot, "apps", "receiver", "package.json")).resolve("better-sqlite3/package.json"),
  );
  const installed = join(projectDir, "node_modules", "better-sqlite3");
  const version = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
  if (version(workspace) !== version(installed)) {
    throw new Error(`better-sqlite3 ${version(installed)} installed, the workspace builds ${version(workspace)}`);
  }
  const binary = join("build", "Release", "better_sqlite3.node");
  cpSync(join(workspace, binary), join(installed, binary));
  log("Node.js 24: better-sqlite3's binary is the workspace's patched build (a download stands in for it elsewhere)");
}

const running = new Set();

async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "livehook-pack-")));
try {
  // 1. Pack every public package of the workspace: a new one is included without editing this script.
  const listed = JSON.parse(
    execFileSync(pnpm[0], [...pnpm[1], "ls", "-r", "--depth", "-1", "--json"], { cwd: repoRoot, encoding: "utf8" }),
  );
  const published = listed.filter((p) => !p.private);
  const names = published.map((p) => p.name).sort();
  for (const expected of ["livehook", "@livehook/api-mock", "@livehook/core", "@livehook/receiver"]) {
    if (!names.includes(expected))
      throw new Error(`${expected} is not a public workspace package (${names.join(", ")})`);
  }
  const changesets = JSON.parse(readFileSync(join(repoRoot, ".changeset", "config.json"), "utf8"));
  const ignored = names.filter((name) => changesets.ignore.includes(name));
  if (ignored.length > 0) throw new Error(`changesets ignores published packages: ${ignored.join(", ")}`);

  const tarballs = join(scratch, "tarballs");
  mkdirSync(tarballs);
  for (const pkg of published) {
    const before = new Set(readdirSync(tarballs));
    expectRun(
      `pnpm pack ${pkg.name}`,
      run(pnpm[0], [...pnpm[1], "pack", "--pack-destination", tarballs], { cwd: pkg.path }),
    );
    const tarball = readdirSync(tarballs).find((f) => !before.has(f) && f.endsWith(".tgz"));
    if (tarball === undefined) throw new Error(`pnpm pack ${pkg.name} produced no tarball`);
    pkg.tarball = join(tarballs, tarball);
    const unpacked = join(scratch, "unpacked", tarball);
    mkdirSync(unpacked, { recursive: true });
    execFileSync("tar", ["-xzf", pkg.tarball, "-C", unpacked]);
    const manifest = JSON.parse(readFileSync(join(unpacked, "package", "package.json"), "utf8"));
    for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (/^(workspace|catalog|link|file):/.test(range))
        throw new Error(`${pkg.name}: ${dep} is "${range}" in the tarball`);
    }
    // MIT asks for its text in every copy: npm packs a package's LICENSE whatever `files` says, so each package
    // keeps a copy of the repository's.
    const license = join(unpacked, "package", "LICENSE");
    if (manifest.license !== "MIT" || !existsSync(license)) {
      throw new Error(`${pkg.name}: the tarball must say "license": "MIT" and hold LICENSE`);
    }
    if (readFileSync(license, "utf8") !== readFileSync(join(repoRoot, "LICENSE"), "utf8")) {
      throw new Error(`${pkg.name}: its LICENSE differs from the repository's`);
    }
    expectRun(`publint ${pkg.name}`, run(bin("publint"), ["--strict", "--pack", "false", join(unpacked, "package")]), {
      stdout: [/All good!/],
    });
    expectRun(`attw ${pkg.name}`, run(bin("attw"), [pkg.tarball, "--profile", "esm-only"]));
  }

  // 2. An empty project, npm alone, every tarball at once: the CLI's dependencies on the others resolve to them.
  const project = join(scratch, "project");
  mkdirSync(project);
  const env = userEnv();
  expectRun("npm init -y", run("npm", ["init", "-y"], { cwd: project, env }));
  const installStart = Date.now();
  expectRun(
    "npm install <tarballs>",
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...published.map((p) => p.tarball)], {
      cwd: project,
      env,
      // better-sqlite3 compiles when no prebuilt binary can be downloaded (no GitHub here): over 4 min of it on a
      // loaded 2-core machine.
      timeoutMs: 8 * MINUTE,
    }),
  );
  log(`npm install took ${((Date.now() - installStart) / 1000).toFixed(1)} s`);
  useWorkspaceSqliteBinaryOnNode24(project);
  // Copies from the tarballs inside the project, none a link back into the workspace.
  for (const name of names) {
    const installed = realpathSync(join(project, "node_modules", name));
    if (!installed.startsWith(`${project}${sep}`)) throw new Error(`${name} resolves to ${installed}`);
  }

  // The bin must be the installed one: npx would otherwise fetch whatever the registry holds under that name.
  if (!existsSync(join(project, "node_modules", ".bin", "livehook"))) throw new Error("npm installed no livehook bin");
  const livehook = (args, options = {}) => run("npx", ["livehook", ...args], { cwd: project, env, ...options });

  // 3. The command, as the README's first lines use it.
  expectRun("npx livehook --help", livehook(["--help"]), {
    stdout: [/Usage: livehook/, /\bstart\b/, /\bmock\b/, /\breceive\b/, /\bdoctor\b/],
  });
  expectRun("npx livehook --version", livehook(["--version"]), {
    stdout: [new RegExp(`^${published.find((p) => p.name === "livehook").version.replaceAll(".", "\\.")}\\n$`)],
  });
  // Outside the workspace, hints name the command that works here.
  expectRun("npx livehook sign --help", livehook(["sign", "--help"]), {
    stdout: [/ {2}npx livehook sign huawei-live /],
  });

  const [mockPort, receiverPort] = [await freePort(), await freePort()];
  expectRun(
    "npx livehook start --once",
    livehook(["start", "--once", "--mock-port", String(mockPort), "--receiver-port", String(receiverPort)], {
      timeoutMs: 2 * MINUTE,
    }),
    { stdout: [/livehook is running/, /inspector/], stderr: [/all \d+ demo events stored exactly once/] },
  );

  // 4. The mock alone: it answers its admin API, and Ctrl-C stops it cleanly.
  const mock = await startBackground("npx livehook mock", ["livehook", "mock", "--port", String(await freePort())], {
    cwd: project,
    env,
    ready: /mock ready at (http:\/\/\S+)/,
  });
  const sessions = await getJson(`${mock.match[1]}/_mock/sessions`);
  if (!Array.isArray(sessions.sessions) || sessions.total !== 0)
    throw new Error(`mock sessions: ${JSON.stringify(sessions)}`);
  log("ok: npx livehook mock answers /_mock/sessions");
  log(`ok: npx livehook mock stops on Ctrl-C (${await mock.interrupt()}), nothing left running`);

  // 5. The receiver alone, with a key, then doctor probing it.
  const key = "0123456789abcdef0123456789abcdef";
  const receiver = await startBackground(
    "npx livehook receive",
    ["livehook", "receive", "--port", String(await freePort()), "--data", join(project, "receiver.db")],
    { cwd: project, env: { ...env, LIVEHOOK_HUAWEI_RTC_KEYS: key }, ready: /receiver ready at (http:\/\/\S+)/ },
  );
  const health = await fetch(`${receiver.match[1]}/healthz`, { signal: AbortSignal.timeout(10_000) });
  if (!health.ok) throw new Error(`receiver /healthz: ${health.status}`);
  log("ok: npx livehook receive answers /healthz");
  expectRun(
    "npx livehook doctor --receiver …/hooks/huawei-rtc",
    livehook(["doctor", "--receiver", `${receiver.match[1]}/hooks/huawei-rtc`, "--key", key], { timeoutMs: MINUTE }),
  );
  log(`ok: npx livehook receive stops on Ctrl-C (${await receiver.interrupt()}), nothing left running`);

  // 6. @livehook/core as a library: a plain ESM script and a strict TypeScript project against the packed types.
  writeFileSync(
    join(project, "plain.mjs"),
    `import { signHuaweiLiveCallback, verifyHuaweiLiveCallback, HuaweiLiveRecordCallbackConfigRequest, HUAWEI_LIVE_SIGN_TYPE_VALUES } from "@livehook/core";
import vectors from "@livehook/core/test-vectors.json" with { type: "json" };
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const sign = signHuaweiLiveCallback({ auth_timestamp: 1583676745, event_type: "RECORD_NEW_FILE_START", publish_domain: "push.example.com", app: "live", stream: "mystream" }, "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "HMACSHA256");
if (sign !== "4d232a5af829ab8b1a1065a27d4f9b282c97e965f632b670919d33b014629c3c") throw new Error("V3 mismatch: " + sign);
if (typeof verifyHuaweiLiveCallback !== "function" || !HUAWEI_LIVE_SIGN_TYPE_VALUES.includes("MD5")) throw new Error("exports missing");
const parsed = HuaweiLiveRecordCallbackConfigRequest.parse({ publish_domain: "push.example.com", app: "live" });
if (parsed.sign_type !== "HMACSHA256") throw new Error("default not applied");
if (!vectors || typeof vectors !== "object") throw new Error("test vectors missing");
const doc = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@livehook/core/openapi/huawei-live.json"), "utf8"));
if (doc.openapi !== "3.1.0") throw new Error("openapi document missing");
console.log("plain ESM import ok");
`,
  );
  expectRun("node plain.mjs (@livehook/core)", run("node", ["plain.mjs"], { cwd: project, env }), {
    stdout: [/plain ESM import ok/],
  });
  writeFileSync(
    join(project, "typed.ts"),
    `import { verifyHuaweiRtcCallback, HuaweiLiveRecordCallback, type CallbackVerdict, type HuaweiLivePaths } from "@livehook/core";
const verdict: CallbackVerdict = verifyHuaweiRtcCallback(new Uint8Array(), {}, ["0123456789abcdef0123456789abcdef"], { now: new Date(0) });
type ListQuery = HuaweiLivePaths["/v1/{project_id}/record/callbacks"]["get"]["parameters"]["query"];
const query: ListQuery = { limit: 10 };
const event: HuaweiLiveRecordCallback = HuaweiLiveRecordCallback.parse({});
// @ts-expect-error the verdict is a union: reason exists only on failures
verdict.reason;
export { query, event };
`,
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        noEmit: true,
        types: [],
        skipLibCheck: false,
        lib: ["ES2023", "DOM"],
      },
      files: ["typed.ts"],
    }),
  );
  expectRun(
    "tsc against @livehook/core's packed types",
    run(bin("tsc"), ["-p", "tsconfig.json"], { cwd: project, env }),
  );

  // 7. A user's own test suite: examples/recording-handler, a callback handler tested with vitest against startMock
  // and startReceiver. Its package.json as written, but with each @livehook range pointing at the tarball; npm
  // installs the rest (vitest, typescript) from the registry, then `npm test` and `npm run typecheck` run as a user
  // runs them. The project of the steps above is done with, so its node_modules moves over: npm keeps what still
  // fits (better-sqlite3 already built) instead of building it a second time, and adds or prunes the rest.
  const exampleSource = join(repoRoot, "examples", "recording-handler");
  const example = join(scratch, "recording-handler");
  cpSync(exampleSource, example, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist|coverage)$/.test(src),
  });
  const exampleManifestPath = join(example, "package.json");
  const exampleManifest = JSON.parse(readFileSync(exampleManifestPath, "utf8"));
  const livehookDeps = [];
  for (const section of ["dependencies", "devDependencies"]) {
    for (const [dep, range] of Object.entries(exampleManifest[section] ?? {})) {
      if (!dep.startsWith("@livehook/") && dep !== "livehook") continue;
      const pkg = published.find((p) => p.name === dep);
      if (pkg === undefined) throw new Error(`examples/recording-handler depends on ${dep}, which is not published`);
      // What a user writes: a registry range, never a path or a workspace protocol.
      if (!/^[\^~]?\d+\.\d+\.\d+$/.test(range)) throw new Error(`examples/recording-handler: ${dep} is "${range}"`);
      exampleManifest[section][dep] = `file:../tarballs/${basename(pkg.tarball)}`;
      livehookDeps.push(dep);
    }
  }
  for (const expected of ["@livehook/api-mock", "@livehook/core", "@livehook/receiver"]) {
    if (!livehookDeps.includes(expected)) throw new Error(`examples/recording-handler does not depend on ${expected}`);
  }
  writeFileSync(exampleManifestPath, `${JSON.stringify(exampleManifest, null, 2)}\n`);
  renameSync(join(project, "node_modules"), join(example, "node_modules"));
  const exampleInstallStart = Date.now();
  expectRun(
    "npm install (examples/recording-handler)",
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: example,
      env,
      timeoutMs: 8 * MINUTE,
    }),
  );
  log(`npm install took ${((Date.now() - exampleInstallStart) / 1000).toFixed(1)} s`);
  for (const name of livehookDeps) {
    const installed = realpathSync(join(example, "node_modules", name));
    if (!installed.startsWith(`${example}${sep}`)) throw new Error(`${name} resolves to ${installed}`);
  }
  const exampleRun = run("npm", ["test"], { cwd: example, env, timeoutMs: 3 * MINUTE });
  // vitest colours its summary whenever the environment asks for colour (FORCE_COLOR), pipe or not.
  const exampleTests = { ...exampleRun, stdout: stripVTControlCharacters(exampleRun.stdout) };
  expectRun("npm test (examples/recording-handler)", exampleTests, { stdout: [/Tests\s+\d+ passed \(\d+\)/] });
  // A skipped or todo test would pass the run without testing anything.
  if (/\b(skipped|todo)\b/.test(exampleTests.stdout))
    throw new Error(`examples/recording-handler:\n${exampleTests.stdout}`);
  expectRun(
    "npm run typecheck (examples/recording-handler, the packed types)",
    run("npm", ["run", "typecheck"], { cwd: example, env, timeoutMs: 2 * MINUTE }),
  );
  log(`passed: ${names.join(", ")} from their tarballs`);
} finally {
  for (const signalGroup of running) signalGroup("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
}

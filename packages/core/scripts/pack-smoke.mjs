// Packs @livehook/core the way `pnpm publish` does (pnpm rewrites `catalog:` and `workspace:` ranges, npm
// cannot), lints the tarball with publint and attw, then installs it into a scratch project and checks that a
// plain Node ESM script and a strict TypeScript project both import it, types resolving.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(packageDir, "node_modules", ".bin", name);
// Under `pnpm run`, npm_execpath is pnpm itself; elsewhere fetch the pinned pnpm the README uses.
const pnpm = process.env.npm_execpath?.includes("pnpm")
  ? [process.execPath, [process.env.npm_execpath]]
  : ["npx", ["-y", "pnpm@10.34.8"]];
const scratch = mkdtempSync(join(tmpdir(), "livehook-pack-"));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

try {
  sh(pnpm[0], [...pnpm[1], "pack", "--pack-destination", scratch], packageDir);
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("pnpm pack produced no tarball");
  const unpacked = join(scratch, "unpacked");
  execFileSync("mkdir", ["-p", unpacked]);
  sh("tar", ["-xzf", join(scratch, tarball), "-C", unpacked], scratch);
  process.stdout.write(sh(bin("publint"), ["--strict", "--pack", "false", join(unpacked, "package")], packageDir));
  process.stdout.write(sh(bin("attw"), [join(scratch, tarball), "--profile", "esm-only"], packageDir));
  const project = join(scratch, "consumer");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  sh("npm", ["install", "--silent", "--no-audit", "--no-fund", "--no-package-lock", join(scratch, tarball)], project);

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
  process.stdout.write(sh("node", ["plain.mjs"], project));

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
  sh(bin("tsc"), ["-p", "tsconfig.json"], project);
  console.log("TypeScript project type-checks against the packed types");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

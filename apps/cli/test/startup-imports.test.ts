/**
 * `livehook --help` stays fast because it imports the commands' declarations only: no command's implementation, and
 * not core (zod and the generated schemas; only its import-free vendor list). A module hook registered before the CLI starts prints every import.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/**
 * The hook appends to a file synchronously: it runs on the hooks thread, and text it wrote to stderr could still
 * be on its way to the main thread when the CLI exits (on Node.js 24 the lazily imported commands went missing).
 */
const hook = (log: string) => `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + "\\n");
  return resolved;
}`;
const register = (log: string) => `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook(log))}`)});`;

function importsOf(args: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "livehook-imports-"));
  const log = join(dir, "imports.txt");
  try {
    const r = spawnSync(
      process.execPath,
      ["--import", `data:text/javascript,${encodeURIComponent(register(log))}`, bin, ...args],
      { encoding: "utf8", env: { PATH: process.env.PATH } },
    );
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(log, "utf8").split("\n").filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const implementations = (imports: readonly string[]) =>
  imports.filter((url) => url.includes("/dist/commands/") && !url.endsWith(".command.js"));
/** Core's modules, except `@livehook/core/vendors`: the vendor list, a leaf without imports, made for command lines. */
const core = (imports: readonly string[]) =>
  imports.filter((url) => url.includes("/packages/core/") && !url.endsWith("/packages/core/dist/vendors.js"));

describe("start-up imports", () => {
  test.each([[["--help"]], [["verify", "--help"]], [["huawei", "callbacks", "update", "--help"]]])(
    "livehook %j imports declarations only",
    (args) => {
      const imports = importsOf(args);
      expect(imports.filter((url) => url.endsWith(".command.js")).length).toBeGreaterThan(0);
      expect(implementations(imports)).toEqual([]);
      expect(core(imports)).toEqual([]);
    },
  );

  test("running a command imports its implementation and core (so the hook sees lazy imports)", () => {
    const imports = importsOf(["sign", "aliyun-live", "--host", "hooks.example.com", "--key", "k"]);
    expect(implementations(imports).map((url) => url.replace(/.*\/dist\//, ""))).toEqual(["commands/sign.js"]);
    expect(core(imports).length).toBeGreaterThan(0);
  });
});

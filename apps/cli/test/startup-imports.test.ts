/**
 * `livehook --help` stays fast because it imports the commands' declarations only: no command's implementation, and
 * not core (zod and the generated schemas). A module hook registered before the CLI starts prints every import.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

const hook = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  process.stderr.write("import " + resolved.url + "\\n");
  return resolved;
}`;
const register = `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;

function importsOf(args: readonly string[]): string[] {
  const r = spawnSync(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(register)}`, bin, ...args],
    { encoding: "utf8", env: { PATH: process.env.PATH } },
  );
  expect(r.status).toBe(0);
  return r.stderr
    .split("\n")
    .filter((line) => line.startsWith("import "))
    .map((line) => line.slice("import ".length));
}

const implementations = (imports: readonly string[]) =>
  imports.filter((url) => url.includes("/dist/commands/") && !url.endsWith(".command.js"));
const core = (imports: readonly string[]) => imports.filter((url) => url.includes("/packages/core/"));

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

/**
 * The completion scripts, run by the shells themselves: bash sources the script printed by the built `livehook` and
 * completes a few prefixes the way `compgen` does; zsh (when installed) parses the script, registers it with
 * compinit and runs its completion function with the completion builtins replaced by printers.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { run, testContext } from "../../test/cli-harness.js";
import { buildProgram } from "../cli.js";
import { EXIT } from "../errors.js";
import { commandSpecs } from "./completion.js";

const bin = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const livehook = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`;

function shell(program: "bash" | "zsh", script: string): { code: number | null; stdout: string; stderr: string } {
  // No start-up files: the user's own rc files are not part of the test.
  const r = spawnSync(program, program === "zsh" ? ["-f", "-c", script] : ["--norc", "--noprofile", "-c", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH },
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What bash offers for the words typed so far (the last one is being completed). */
function bashComplete(words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const r = shell(
    "bash",
    `source <(${livehook} completion bash)
COMP_WORDS=(livehook ${quoted}); COMP_CWORD=${words.length}
_livehook; printf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  expect(r.stderr).toBe("");
  return r.stdout.split("\n").filter(Boolean);
}

const zshInstalled = spawnSync("zsh", ["--version"]).error === undefined;

describe("livehook completion", () => {
  test("the spec is the command tree: every command, its options and their choices", () => {
    const program = buildProgram(testContext().ctx);
    const specs = commandSpecs(program);
    const root = specs.find((s) => s.path === "");
    expect(root?.subcommands.map((c) => c.name)).toEqual(expect.arrayContaining(program.commands.map((c) => c.name())));
    const mock = specs.find((s) => s.path === "mock");
    expect(mock?.choices["--auth"]).toEqual(["on", "off"]);
    expect(mock?.valued).toContain("--port");
    const sign = specs.find((s) => s.path === "sign");
    expect(sign?.argumentChoices).toEqual(["huawei-live", "huawei-rtc", "aliyun-live"]);
    expect(sign?.options.map((o) => o.name)).toEqual(expect.arrayContaining(["-k", "--key", "--help"]));
    expect(specs.map((s) => s.path)).toContain("huawei callbacks create");
  });

  test("an unknown shell is a usage error", async () => {
    const r = await run(["completion", "fish"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("fish");
  });

  test("bash: the script registers the function for livehook", () => {
    const r = shell("bash", `source <(${livehook} completion bash) && complete -p livehook`);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("complete -o default -F _livehook livehook");
  });

  test("bash: commands, sub-commands, options and choices complete by prefix", () => {
    expect(bashComplete(["s"])).toEqual(["start", "simulate", "sign"]);
    expect(bashComplete(["huawei", "callbacks", ""])).toEqual(["list", "create", "get", "update", "delete", "help"]);
    expect(bashComplete(["start", "--mo"])).toEqual(["--mock-port"]);
    // The value of an option is skipped when walking the words: `--port 4011` does not hide `--auth`.
    expect(bashComplete(["mock", "--port", "4011", "--auth", ""])).toEqual(["on", "off"]);
    expect(bashComplete(["verify", "huawei-"])).toEqual(["huawei-live", "huawei-rtc"]);
    // A value without choices completes nothing here, so bash falls back to file names (`-o default`).
    expect(bashComplete(["receive", "--data", ""])).toEqual([]);
  });

  test("zsh: a #compdef script with every top-level command; when zsh is installed, zsh runs it", () => {
    const script = spawnSync(process.execPath, [bin, "completion", "zsh"], { encoding: "utf8" }).stdout;
    expect(script.split("\n")[0]).toBe("#compdef livehook");
    for (const name of ["start", "mock", "receive", "huawei", "completion"]) expect(script).toContain(`'${name}:`);
    expect(script).toContain("compdef _livehook livehook");
    if (!zshInstalled) return; // The structure above is all that can be checked without zsh.

    const registered = shell(
      "zsh",
      `autoload -U compinit && compinit -u -D && source <(${livehook} completion zsh) && print -r -- $_comps[livehook]`,
    );
    expect(registered.stdout.trim()).toBe("_livehook");
    // The completion builtins only work inside the line editor: stand-ins print what would be offered.
    const offered = shell(
      "zsh",
      `compdef() { : }
_describe() { local name=\${@[-1]}; print -rl -- \${(P)name} }
compadd() { print -rl -- \${(P)2} }
_files() { print -- '<files>' }
source <(${livehook} completion zsh)
words=(livehook huawei callbacks ''); CURRENT=4; PREFIX=''; _livehook
print -- ---; words=(livehook mock --port 4011 --auth ''); CURRENT=6; _livehook
print -- ---; words=(livehook start --mo); CURRENT=3; PREFIX=--mo; _livehook
print -- ---; words=(livehook receive --data ''); CURRENT=4; PREFIX=''; _livehook`,
    );
    expect(offered.stderr).toBe("");
    const [callbacks, auth, startOptions, data] = offered.stdout.split("---\n").map((s) => s.trim().split("\n"));
    expect(callbacks?.map((l) => l.split(":")[0])).toEqual(["list", "create", "get", "update", "delete", "help"]);
    expect(auth).toEqual(["on", "off"]);
    expect(startOptions).toContain("--mock-port:mock port (default 4010)");
    expect(data).toEqual(["<files>"]);
  });
});

import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { describe, expect, test } from "vitest";
import { run, testContext } from "../test/cli-harness.js";
import { buildProgram } from "./cli.js";
import { EXIT } from "./errors.js";

const commandTree = buildProgram(testContext().ctx).commands;

function paths(commands: readonly CommandUnknownOpts[], prefix: string[] = []): string[][] {
  return commands.flatMap((c) => [[...prefix, c.name()], ...paths(c.commands, [...prefix, c.name()])]);
}

describe("the livehook program", () => {
  test("--help lists every top-level command and the exit codes", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(EXIT.ok);
    for (const command of commandTree) expect(r.stdout).toContain(command.name());
    expect(r.stdout).toContain("Exit codes");
  });

  test("--version prints the package version", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test.each(paths(commandTree))("%s --help works", async (...path) => {
    const r = await run([...path, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: livehook");
  });

  test("an unknown flag is a usage error on one line, without a stack trace", async () => {
    const r = await run(["sign", "huawei-live", "--nope"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("unknown option '--nope'");
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  test("an unknown command is a usage error", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("unknown command");
  });

  test("a bad choice is a usage error", async () => {
    const r = await run(["sign", "tencent-live"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("tencent-live");
  });

  test("a missing input file is one line and exit code 2", async () => {
    const r = await run(["verify", "huawei-live", "/nonexistent/body.json", "--key", "k"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no such file");
  });
});

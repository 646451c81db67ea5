import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { selfCommand } from "./self-command.js";

const root = mkdtempSync(join(tmpdir(), "livehook-self-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(...parts: string[]): string {
  const dir = join(root, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function pnpmIn(dir: string): string {
  writeFileSync(join(dir, "pnpm"), "#!/bin/sh\n");
  chmodSync(join(dir, "pnpm"), 0o755);
  return dir;
}

const checkout = folder("checkout");
writeFileSync(join(checkout, "pnpm-workspace.yaml"), "packages: [apps/*]\n");
const checkoutCli = folder("checkout", "apps", "cli");
const userBin = pnpmIn(folder("usr", "bin"));
const pnpmOwnBin = pnpmIn(folder("checkout", "node_modules", ".bin"));

describe("selfCommand", () => {
  test("in the checkout, with pnpm on the user's PATH: pnpm livehook", () => {
    expect(selfCommand({ cliDir: checkoutCli, path: [pnpmOwnBin, userBin].join(delimiter) })).toBe("pnpm livehook");
  });

  test("in the checkout, with only the pnpm that pnpm itself puts on PATH: npx pnpm livehook", () => {
    expect(selfCommand({ cliDir: checkoutCli, path: [pnpmOwnBin, folder("bin")].join(delimiter) })).toBe(
      "npx pnpm livehook",
    );
  });

  test("an installed copy says npx livehook, even inside a pnpm workspace", () => {
    const project = folder("project");
    writeFileSync(join(project, "pnpm-workspace.yaml"), "packages: [apps/*]\n");
    const path = userBin;
    // pnpm's store layout puts the package two levels under node_modules: never the checkout.
    expect(selfCommand({ cliDir: folder("project", "node_modules", ".pnpm", "node_modules", "livehook"), path })).toBe(
      "npx livehook",
    );
    expect(selfCommand({ cliDir: folder("project", "node_modules", "livehook"), path })).toBe("npx livehook");
  });

  test("a folder outside any workspace says npx livehook", () => {
    expect(selfCommand({ cliDir: folder("elsewhere", "cli"), path: userBin })).toBe("npx livehook");
  });

  test("this checkout's own CLI names a pnpm command", () => {
    expect(selfCommand()).toMatch(/^(npx )?pnpm livehook$/);
  });
});

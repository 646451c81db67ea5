/**
 * Imports point one way: hooks -> domain -> store. A store module may import other store modules, packages and
 * node builtins, and nothing from above: the shared vocabulary (the vendor ids) comes from @livehook/core.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const STORE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(STORE, "..");

const isProduction = (file: string) => file.endsWith(".ts") && !/\.(test|suite)\.ts$/.test(file);

/** The relative modules a source imports or re-exports, statically or dynamically, as paths relative to src/. */
function relativeImports(file: string, text = readFileSync(file, "utf8")): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), (s ?? "").replace(/\.js$/, ".ts"))));
}

test("store modules import nothing above the store", () => {
  const upward = readdirSync(STORE, { recursive: true, encoding: "utf8" })
    .filter(isProduction)
    .flatMap((file) =>
      relativeImports(join(STORE, file))
        .filter((target) => !target.startsWith("store/"))
        .map((target) => `store/${file} imports ${target}`),
    );
  expect(upward).toEqual([]);
});

test("the check sees static, type-only, re-exported and dynamic imports", () => {
  const text = [
    'import { keyTime } from "../hooks/key-time.js";',
    'import type { Deps } from "../deps.js";',
    'export { x } from "./schema.js";',
    'const m = await import("../idempotency-key.js");',
  ].join("\n");
  expect(relativeImports(join(STORE, "migrations.ts"), text)).toEqual([
    "hooks/key-time.ts",
    "deps.ts",
    "store/schema.ts",
    "idempotency-key.ts",
  ]);
});

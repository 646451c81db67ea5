import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parse, stringify } from "yaml";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(packageDir, "node_modules", ".bin", "tsx");
let scratch = "";
// Each case spawns tsx; on a loaded 2-core CI machine that alone can take several seconds.
const SPAWN_TIMEOUT_MS = 120_000;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "livehook-gen-"));
  await cp(join(packageDir, "openapi"), join(scratch, "openapi"), { recursive: true });
  await cp(join(packageDir, "package.json"), join(scratch, "package.json"));
  await cp(join(packageDir, "src", "generated"), join(scratch, "src", "generated"), { recursive: true });
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const check = (root: string) => run(tsx, [join(packageDir, "scripts", "generate.ts"), "--check", "--root", root]);

test(
  "the committed generated files match the documents",
  async () => {
    await expect(check(packageDir)).resolves.toMatchObject({ stdout: expect.stringContaining("up to date") });
  },
  SPAWN_TIMEOUT_MS,
);

test(
  "a document changed without regenerating fails the check",
  async () => {
    const file = join(scratch, "openapi", "huawei-live.yaml");
    const doc = parse(await readFile(file, "utf8"));
    doc.components.schemas.HuaweiLiveRecordCallback.properties.added_by_vendor = { type: "string" };
    await writeFile(file, stringify(doc));
    const failure = await check(scratch).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("stale: src/generated/huawei-live.openapi.ts");
    expect(failure?.stderr).toContain("stale: src/generated/huawei-live.schemas.ts");
    expect(failure?.stderr).toContain("stale: openapi/huawei-live.json");
  },
  SPAWN_TIMEOUT_MS,
);

/**
 * Structural checks of the deployment files, standing in for hadolint (not on the npm registry or in Debian) and for
 * `docker build` (no container engine runs here): both Dockerfiles, compose.yaml and .dockerignore. What the
 * runtime stage runs, the deploy folder, is started for real by test/deploy.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { EnvConfig } from "../src/config.js";
import { REPO_ROOT } from "./deploy-folder.js";
import { type Dockerfile, envOf, execForm, healthcheckCommand, parseDockerfile } from "./dockerfile.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const RECEIVER_ENV = new Set(Object.keys(EnvConfig.shape));

const IMAGES = [
  { dockerfile: "apps/receiver/Dockerfile", filter: "@livehook/receiver", port: 4020 },
  { dockerfile: "apps/api-mock/Dockerfile", filter: "@livehook/api-mock", port: 4010 },
] as const;

function finalStage(file: Dockerfile) {
  const stage = file.stages.at(-1);
  if (stage === undefined) throw new Error("no FROM");
  return stage;
}

describe.each(IMAGES)("$dockerfile", ({ dockerfile, filter, port }) => {
  const text = read(dockerfile);
  const file = parseDockerfile(text);
  const build = file.stages.find((s) => s.name === "build");
  const runtime = finalStage(file);
  const runs = (build?.instructions ?? []).filter((i) => i.keyword === "RUN").map((i) => i.args);
  const keywords = runtime.instructions.map((i) => i.keyword);

  test("is multi-stage on one pinned node image, never `latest`", () => {
    expect(file.stages.map((s) => s.name)).toEqual(["build", "runtime"]);
    for (const stage of file.stages) {
      expect(stage.image).toMatch(/^node:\d+(\.\d+)*-[a-z]+(-slim)?$/);
      expect(stage.image).not.toMatch(/:latest$|^[^:]+$/);
    }
    expect(runtime.image).toBe(build?.image);
  });

  test("builds with pnpm 10.34.8 from the frozen lockfile and deploys with --prod into /out", () => {
    const pnpmVersions = [...text.matchAll(/pnpm@(\S+)/g)].map((m) => m[1]);
    expect(pnpmVersions.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pnpmVersions)).toEqual(new Set(["10.34.8"]));
    expect(runs.some((r) => r.includes(" install --frozen-lockfile") && r.includes(`--filter "${filter}..."`))).toBe(
      true,
    );
    expect(runs.some((r) => r.includes(`--filter "${filter}..." run build`))).toBe(true);
    expect(
      runs.some((r) => r.includes(`--config.inject-workspace-packages=true --filter=${filter} deploy --prod /out`)),
    ).toBe(true);
    // hadolint DL3008/DL3009/DL3015 in spirit: no recommended extras, no apt lists left in a layer.
    for (const run of runs.filter((r) => r.includes("apt-get install"))) {
      expect(run).toContain("--no-install-recommends");
      expect(run).toContain("rm -rf /var/lib/apt/lists/*");
    }
  });

  test("the runtime stage copies only the deploy folder and runs as the non-root node user", () => {
    const copies = runtime.instructions.filter((i) => i.keyword === "COPY" || i.keyword === "ADD");
    expect(copies.map((c) => c.args)).toEqual(["--from=build /out /app"]);
    const users = runtime.instructions.filter((i) => i.keyword === "USER").map((i) => i.args);
    expect(users).toEqual(["node"]);
    // Everything after USER runs unprivileged, the CMD included.
    expect(keywords.indexOf("USER")).toBeLessThan(keywords.indexOf("CMD"));
    expect(runtime.instructions.find((i) => i.keyword === "WORKDIR")?.args).toBe("/app");
  });

  test("HEALTHCHECK asks /healthz with node's fetch on the exposed port; CMD is exec-form node dist/main.js", () => {
    const checks = runtime.instructions.filter((i) => i.keyword === "HEALTHCHECK");
    expect(checks).toHaveLength(1);
    const command = healthcheckCommand(checks[0]?.args ?? "");
    expect(command?.slice(0, 2)).toEqual(["node", "-e"]);
    expect(command?.[2]).toContain("/healthz");
    expect(command?.[2]).toContain(`||${port})`);
    expect(runtime.instructions.find((i) => i.keyword === "EXPOSE")?.args).toBe(String(port));
    expect(envOf(runtime).get("PORT")).toBe(String(port));
    const cmds = runtime.instructions.filter((i) => i.keyword === "CMD");
    expect(cmds.map((c) => execForm(c.args))).toEqual([["node", "dist/main.js"]]);
  });

  test("the data volume is writable by node and holds the SQLite file", () => {
    expect(runtime.instructions.find((i) => i.keyword === "VOLUME")?.args).toBe('["/data"]');
    expect(runtime.instructions.some((i) => i.keyword === "RUN" && i.args.includes("chown node:node /data"))).toBe(
      true,
    );
    const env = envOf(runtime);
    const dataFile = env.get("LIVEHOOK_DATA") ?? env.get("LIVEHOOK_MOCK_DATA");
    expect(dataFile).toMatch(/^\/data\/[\w-]+\.db$/);
  });
});

describe("apps/receiver/Dockerfile environment", () => {
  test("sets only variables the receiver reads, and listens on all interfaces of the container", () => {
    const env = envOf(finalStage(parseDockerfile(read("apps/receiver/Dockerfile"))));
    for (const name of env.keys()) if (name !== "NODE_ENV") expect(RECEIVER_ENV).toContain(name);
    expect(env.get("LIVEHOOK_HOST")).toBe("0.0.0.0");
  });
});

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml")) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const { postgres, receiver } = compose.services;

  test("runs the receiver on a healthy PostgreSQL whose data lives in a named volume", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["mock", "postgres", "receiver"]);
    expect(postgres?.image).toMatch(/^postgres:\d+-\w+$/);
    expect(postgres?.healthcheck).toMatchObject({ test: ["CMD", "pg_isready", "-U", "livehook", "-d", "livehook"] });
    expect(postgres?.volumes).toEqual(["pgdata:/var/lib/postgresql/data"]);
    expect(Object.keys(compose.volumes)).toContain("pgdata");
    expect(receiver?.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(receiver?.build).toEqual({ context: ".", dockerfile: "apps/receiver/Dockerfile" });
    expect(existsSync(join(REPO_ROOT, "apps/receiver/Dockerfile"))).toBe(true);
    expect(compose.services.mock?.build).toEqual({ context: ".", dockerfile: "apps/api-mock/Dockerfile" });
    expect(compose.services.mock?.profiles).toEqual(["mock"]);
  });

  test("passes only variables the receiver reads, a DATABASE_URL to the postgres service and a required admin token", () => {
    const env = receiver?.environment as Record<string, string>;
    for (const name of Object.keys(env)) expect(RECEIVER_ENV).toContain(name);
    const pgEnv = postgres?.environment as Record<string, string>;
    const url = new URL(env.DATABASE_URL ?? "");
    expect([url.protocol, url.hostname, url.port, url.username, url.pathname]).toEqual([
      "postgres:",
      "postgres",
      "5432",
      pgEnv.POSTGRES_USER,
      `/${pgEnv.POSTGRES_DB}`,
    ]);
    // `${VAR:?message}`: compose refuses to start without it, rather than a receiver that exits 1 in a restart loop.
    expect(env.LIVEHOOK_ADMIN_TOKEN).toMatch(/^\$\{LIVEHOOK_ADMIN_TOKEN:\?.+\}$/);
    expect(pgEnv.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?.+\}$/);
  });

  test("publishes ports on loopback only and checks readiness with node's fetch", () => {
    expect(receiver?.ports).toEqual(["127.0.0.1:4020:4020"]);
    expect(compose.services.mock?.ports).toEqual(["127.0.0.1:4010:4010"]);
    const check = receiver?.healthcheck as { test: string[] };
    expect(check.test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(check.test[3]).toContain("http://127.0.0.1:4020/readyz");
    expect(receiver?.stop_grace_period).toBe("15s");
  });
});

describe(".dockerignore", () => {
  test("keeps local installs, builds, turbo caches, databases and git out of the build context", () => {
    const lines = read(".dockerignore")
      .split("\n")
      .filter((l) => l.length > 0 && !l.startsWith("#"));
    expect(lines).toEqual(expect.arrayContaining(["**/node_modules", "**/dist", "**/.turbo", "**/.livehook", ".git"]));
    // The build needs the lockfile, the workspace file and every package manifest.
    for (const needed of [
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "package.json",
      "**/package.json",
      "apps",
      "packages",
    ]) {
      expect(lines).not.toContain(needed);
    }
  });
});

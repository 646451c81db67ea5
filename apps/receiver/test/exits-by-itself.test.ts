/**
 * close() of startMock and startReceiver releases every handle: a process that starts and closes them (on
 * SQLite in memory, a SQLite file with its worker threads, and PostgreSQL) exits by itself, as a test runner must.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, expect, test } from "vitest";
import { dropPostgresSchema } from "../src/store/postgres-store.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const FIXTURE = fileURLToPath(new URL("./fixtures/start-and-close.mjs", import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  // Only reached with a live child when the test failed: it did not exit by itself.
  if (child?.exitCode === null) child.kill("SIGKILL");
});

test("a process that starts and closes the mock and receivers ends without process.exit", async () => {
  const schema = `exit_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  try {
    // The built packages, as a user's project imports them (the test task builds first).
    const started = spawn(process.execPath, [FIXTURE], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, EXIT_TEST_DATABASE_URL: url.href },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    let output = "";
    started.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    started.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => started.on("exit", (c) => resolve(c)));
    expect(output.match(/^data: [1-9]\d* events, closed$/gm), output).toHaveLength(2);
    expect(output, output).toMatch(/^databaseUrl: [1-9]\d* events, closed$/m);
    expect(code, output).toBe(0);
  } finally {
    await dropPostgresSchema(DATABASE_URL, schema);
  }
});

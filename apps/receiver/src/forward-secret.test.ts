import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ForwardSecret, ForwardSecretError, resolveForwardSecret } from "./forward-secret.js";

const dir = () => mkdtempSync(join(tmpdir(), "livehook-secret-"));

test("a SQLite receiver keeps its secret beside the database: made once (0600), the same after a restart", () => {
  const file = join(dir(), "receiver.db");
  const first = resolveForwardSecret(undefined, { kind: "sqlite", file });
  expect(first.source).toEqual({ kind: "file", path: `${file}.forward-secret`, created: true });
  expect(ForwardSecret.safeParse(first.secret).success).toBe(true);
  expect(statSync(`${file}.forward-secret`).mode & 0o777).toBe(0o600);
  const again = resolveForwardSecret(undefined, { kind: "sqlite", file });
  expect(again).toEqual({
    secret: first.secret,
    source: { kind: "file", path: `${file}.forward-secret`, created: false },
  });
  expect(readFileSync(`${file}.forward-secret`, "utf8")).toBe(`${first.secret}\n`);
});

test("LIVEHOOK_FORWARD_SECRET wins; PostgreSQL needs it; a damaged file is named, its content never", () => {
  const given = `whsec_${Buffer.alloc(24, 1).toString("base64")}`;
  expect(resolveForwardSecret(given, { kind: "postgres", url: "postgres://x/y" })).toEqual({
    secret: given,
    source: { kind: "env" },
  });
  expect(() => resolveForwardSecret(undefined, { kind: "postgres", url: "postgres://x/y" })).toThrow(
    /needs LIVEHOOK_FORWARD_SECRET/,
  );
  const file = join(dir(), "receiver.db");
  writeFileSync(`${file}.forward-secret`, "not-a-secret-value");
  expect(() => resolveForwardSecret(undefined, { kind: "sqlite", file })).toThrow(ForwardSecretError);
  expect(() => resolveForwardSecret(undefined, { kind: "sqlite", file })).not.toThrow(/not-a-secret-value/);
});

test("a secret is whsec_ and the base64 of 24 to 64 bytes", () => {
  expect(ForwardSecret.safeParse(`whsec_${Buffer.alloc(32).toString("base64")}`).success).toBe(true);
  expect(ForwardSecret.safeParse(Buffer.alloc(32).toString("base64")).success).toBe(false);
  expect(ForwardSecret.safeParse(`whsec_${Buffer.alloc(16).toString("base64")}`).success).toBe(false);
  expect(ForwardSecret.safeParse(`whsec_${Buffer.alloc(65).toString("base64")}`).success).toBe(false);
});

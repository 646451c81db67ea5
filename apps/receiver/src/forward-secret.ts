/**
 * The forwarding secret (outbox/http-target.ts signs HTTP forwards with it). It must outlive restarts, or the user's app would
 * reject every forward after one: LIVEHOOK_FORWARD_SECRET when set (PostgreSQL deployments, several receivers
 * sharing one secret), else a file beside the SQLite database, created once with a random secret and mode 0600.
 * The value never goes to the log: the log names where it is kept.
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { Storage } from "./config.js";

export const FORWARD_SECRET_PREFIX = "whsec_";

/** The secret's key bytes: the base64 after `whsec_`. */
export function forwardSecretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(FORWARD_SECRET_PREFIX) ? secret.slice(FORWARD_SECRET_PREFIX.length) : secret,
    "base64",
  );
}

/** `whsec_` and the base64 of 24 to 64 random bytes, as the Standard Webhooks spec defines a secret. */
export const ForwardSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { error: "must be whsec_ followed by base64" })
  .refine(
    (s) => {
      const bytes = Buffer.from(s.slice(FORWARD_SECRET_PREFIX.length), "base64").length;
      return bytes >= 24 && bytes <= 64;
    },
    { error: "must hold 24 to 64 bytes (base64 after whsec_)" },
  );

export const newForwardSecret = (): string => `${FORWARD_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;

/** Where the secret of a SQLite database is kept. */
export const forwardSecretFile = (databaseFile: string): string => `${databaseFile}.forward-secret`;

export type ResolvedForwardSecret = {
  secret: string;
  /** Where it comes from, for the start-up line: an environment variable, a file, or this process only. */
  source: { kind: "env" } | { kind: "file"; path: string; created: boolean } | { kind: "memory" };
};

export class ForwardSecretError extends Error {
  override name = "ForwardSecretError";
}

/**
 * The secret to sign forwards with: `given` (LIVEHOOK_FORWARD_SECRET), else the SQLite database's secret file
 * (created when missing). A PostgreSQL receiver has no file of its own, so it needs the variable.
 */
export function resolveForwardSecret(given: string | undefined, storage: Storage): ResolvedForwardSecret {
  if (given !== undefined) return { secret: given, source: { kind: "env" } };
  if (storage.kind === "postgres") {
    throw new ForwardSecretError(
      "forwarding with PostgreSQL needs LIVEHOOK_FORWARD_SECRET (whsec_ and base64; the same on every receiver of the database)",
    );
  }
  if (storage.file === ":memory:") return { secret: newForwardSecret(), source: { kind: "memory" } };
  const path = forwardSecretFile(storage.file);
  return readOrCreate(path);
}

function readOrCreate(path: string): ResolvedForwardSecret {
  // Written whole to a file of this process, then linked into place: of two receivers starting on one database,
  // one links its file and the other finds it, never a half-written one.
  const secret = newForwardSecret();
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, `${secret}\n`, { mode: 0o600 });
  try {
    linkSync(draft, path);
    return { secret, source: { kind: "file", path, created: true } };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    unlinkSync(draft);
  }
  const text = readFileSync(path, "utf8").trim();
  if (!ForwardSecret.safeParse(text).success) {
    throw new ForwardSecretError(
      `${path} does not hold a forwarding secret (whsec_ and base64); delete it to make a new one`,
    );
  }
  return { secret: text, source: { kind: "file", path, created: false } };
}

/**
 * The pino options of livehook's servers (the receiver and the mock), without a dependency on pino: plain data
 * that `pino(redactingLoggerOptions(level))` takes. Secrets are redacted by path, so even a careless
 * `log.info({ config })` cannot print them: signing keys under any of the names the vendors' APIs and livehook's
 * configs give them, admin tokens, the forwarding secret, auth headers and database URLs.
 */
const REDACTED_PATHS = [
  "keys",
  "*.keys",
  "config.keys",
  "adminToken",
  "*.adminToken",
  "config.adminToken",
  "key",
  "*.key",
  "*.auth_key",
  "*.NotifyAuthKey",
  "headers.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "databaseUrl",
  "*.storage.url",
  "config.storage.url",
  "forwardSecret",
  "*.forwardSecret",
  "config.forwardSecret",
] as const;

export type RedactingLoggerOptions = { level: string; redact: { paths: string[]; censor: string } };

/** A fresh options object on every call: pino keeps what it is given. */
export function redactingLoggerOptions(level: string): RedactingLoggerOptions {
  return { level, redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" } };
}

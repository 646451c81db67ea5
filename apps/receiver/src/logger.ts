/**
 * The pino logger. Keys and auth headers are redacted by path, so even a careless `log.info({ config })`
 * cannot print them (STYLE habit 22).
 */
import { type DestinationStream, type Logger, pino } from "pino";

export const REDACT_PATHS = [
  "keys",
  "*.keys",
  "config.keys",
  "adminToken",
  "*.adminToken",
  "key",
  "*.key",
  "headers.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "databaseUrl",
  "*.storage.url",
  "config.storage.url",
  "config.adminToken",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination);
}

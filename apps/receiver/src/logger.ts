/**
 * The pino logger, with the options the mock uses too (@livehook/core `redactingLoggerOptions`): keys and auth
 * headers are redacted by path, so even a careless `log.info({ config })` cannot print them (STYLE habit 22).
 */
import { redactingLoggerOptions } from "@livehook/core";
import { type DestinationStream, type Logger, pino } from "pino";

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(redactingLoggerOptions(level), destination);
}

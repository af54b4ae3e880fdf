import { pino } from "pino";

export type Logger = pino.Logger;

/** Paths whose values must never reach a log line. */
const REDACT = [
  "appSecret",
  "encryptKey",
  "verificationToken",
  "*.appSecret",
  "*.encryptKey",
  "*.verificationToken",
  "*.app_secret",
  "*.tenant_access_token",
  "headers.authorization",
  "*.headers.authorization",
  "*.client_secret",
  "*.access_token",
  "api_key",
  "*.api_key",
];

/** Creates the structured JSON logger. Secrets listed in REDACT are censored wherever they appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: "riqing" }, redact: { paths: REDACT, censor: "[redacted]" } }, destination);
}

/** A logger that drops everything (tests, dry runs). */
export const silentLogger: Logger = pino({ level: "silent" });

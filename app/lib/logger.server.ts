import pino from "pino";

/** Paths that must never reach a log line, whatever object is logged. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "access_token",
  "*.access_token",
  "iban",
  "*.iban",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "secret",
  "*.secret",
  "card",
  "*.card",
];

export type Logger = pino.Logger;

/** Paths whose segments after the prefix are secrets (reset links, invitations, consultation links). */
const SECRET_PATHS = /^(\/(?:reset-password|invitation|signup|i|pay)\/)[^/]+/;

/** The path as it may appear in a log: no query string (OAuth codes) and no secret path segments. */
export function loggablePath(url: string): string {
  return url.split("?")[0].replace(SECRET_PATHS, "$1[redacted]");
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: undefined, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

import pino from "pino";

/** Paths that must never reach a log line, whatever object is logged. */
export const REDACTED_PATHS = [
  "password", "*.password", "passwordHash", "*.passwordHash", "token", "*.token", "accessToken", "*.accessToken",
  "access_token", "*.access_token", "iban", "*.iban", "authorization", "*.authorization", "cookie", "*.cookie",
  "headers.authorization", "headers.cookie", "req.headers.authorization", "req.headers.cookie",
  "res.headers[\"set-cookie\"]", "secret", "*.secret", "card", "*.card",
];

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: undefined, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
}

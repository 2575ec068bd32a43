import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The embedded default's secrets: generated on first run and kept beside the database, so sessions
 * and encrypted tokens survive restarts. A deployment sets SESSION_SECRET and ENCRYPTION_KEY instead.
 */
export function loadOrCreateSecrets(dataDir: string) {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as { SESSION_SECRET: string; ENCRYPTION_KEY: string };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = { SESSION_SECRET: randomBytes(32).toString("base64url"), ENCRYPTION_KEY: randomBytes(32).toString("hex") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: "wx" });
  return secrets;
}

import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

/**
 * A database file is for its owner only (0600): created so when it does not exist yet, and closed to
 * others when an older install left it world-readable, with its -wal, -shm and -journal files. SQLite
 * creates those with the mode of the database file, so they stay private after this.
 */
export function keepPrivate(file: string) {
  closeSync(openSync(file, "a", 0o600));
  for (const suffix of ["", "-wal", "-shm", "-journal"]) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
}

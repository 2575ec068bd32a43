import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "libsql";
import { createDb, type Db } from "~/lib/db.server";

const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");

/**
 * A fresh SQLite file with every migration applied, exactly as `prisma migrate deploy` would. Applied with
 * the same `libsql` (one SQLite library) as the app's adapter, on a connection closed before the app's opens.
 */
export async function createTestDb(): Promise<{ db: Db; url: string; cleanup: () => Promise<void> }> {
  const file = path.join(tmpdir(), `invoices-test-${randomUUID()}.db`);
  const url = `file:${file}`;
  const client = new Database(file);
  client.prepare("PRAGMA journal_mode = WAL").all([]);
  for (const dir of readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    client.exec(readFileSync(path.join(migrationsDir, dir, "migration.sql"), "utf8"));
  }
  client.close();
  const db = createDb(url);
  return {
    db,
    url,
    cleanup: async () => {
      await db.$disconnect();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    },
  };
}

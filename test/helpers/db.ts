import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { createDb, type Db } from "~/lib/db.server";

const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");

/** A fresh SQLite file with every migration applied, exactly as `prisma migrate deploy` would. */
export async function createTestDb(): Promise<{ db: Db; url: string; cleanup: () => Promise<void> }> {
  const file = path.join(tmpdir(), `invoices-test-${randomUUID()}.db`);
  const url = `file:${file}`;
  const client = createClient({ url });
  await client.execute("PRAGMA journal_mode = WAL");
  for (const dir of readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    await client.executeMultiple(readFileSync(path.join(migrationsDir, dir, "migration.sql"), "utf8"));
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

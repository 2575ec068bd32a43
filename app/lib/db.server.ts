import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaClient } from "~/generated/prisma/client";
import { PrismaSqliteFile } from "./sqlite-adapter.server";

export type Db = PrismaClient;

/**
 * One Prisma client, and through it every database access of this thread:
 * - the embedded SQLite file (`file:`): our adapter (`sqlite-adapter.server.ts`), one writer connection
 *   and one query-only reader for the client's lifetime, transactions that take the write lock when
 *   they begin, lock waits that never block the event loop (docs/decisions/0002-sqlite-connections.md);
 * - a libSQL server (`libsql://`, `http(s)://`, `ws(s)://`, the scaled-out deployment): Prisma's stock
 *   adapter, unmodified.
 */
export function createDb(url: string, authToken?: string): Db {
  const adapter = url.startsWith("file:") ? new PrismaSqliteFile(url) : new PrismaLibSQL({ url, authToken });
  return new PrismaClient({ adapter });
}

/** Prisma's "unique constraint failed" error, for races settled by the database. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

/** Runs one statement for each row of arguments, all in one transaction; answers the rows each run changed. */
export type RowWriter = (sql: string, rows: (string | number)[][]) => Promise<number[]>;

/**
 * For storing webhook deliveries as they are acknowledged: many rows in one transaction (one disk sync
 * for all), through the Prisma client like everything else; on the SQLite file the write lock is
 * awaited without blocking the thread.
 */
export function createRowWriter(db: Db): RowWriter {
  return async (sql, rows) => (rows.length ? db.$transaction(rows.map((args) => db.$executeRawUnsafe(sql, ...args))) : []);
}

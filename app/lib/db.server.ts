import { PrismaLibSQL } from "@prisma/adapter-libsql";
import Database from "libsql";
import { PrismaClient } from "~/generated/prisma/client";

export type Db = PrismaClient;

/** How long a write waits for SQLite's lock before failing; libSQL's default is to fail at once. */
const BUSY_TIMEOUT_MS = 5_000;

export function createDb(url: string, authToken?: string): Db {
  return new PrismaClient({ adapter: new PrismaLibSQL({ url, authToken, timeout: BUSY_TIMEOUT_MS } as ConstructorParameters<typeof PrismaLibSQL>[0]) });
}

/** Prisma's "unique constraint failed" error, for races settled by the database. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

export type RowReader = (sql: string, args: (string | number)[]) => Promise<Record<string, unknown> | undefined>;

/**
 * For the few reads on every public request (the consultation page's freshness check), where Prisma's
 * per-query work would be most of the request. On the embedded SQLite file each statement is prepared
 * once on a separate query-only connection (in WAL mode readers never wait for writers); on a libSQL
 * server the same SQL goes through Prisma.
 */
export function createRowReader(db: Db, url: string): RowReader {
  if (!url.startsWith("file:")) {
    return async (sql, args) => (await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...args))[0];
  }
  let connection: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  return async (sql, args) => {
    if (!connection) {
      connection = new Database(url.slice("file:".length).split("?")[0]);
      connection.exec("PRAGMA query_only = ON");
    }
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    return statement.get(...args) as Record<string, unknown> | undefined;
  };
}

import { PrismaLibSQL } from "@prisma/adapter-libsql";
import Database from "libsql";
import { PrismaClient } from "~/generated/prisma/client";

export type Db = PrismaClient;

/** How long a write waits for SQLite's lock before failing; libSQL's default is to fail at once. */
const BUSY_TIMEOUT_MS = 5_000;

type LibSQLConfig = Parameters<PrismaLibSQL["createClient"]>[0];

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). The adapter's default, a deferred
 * transaction, reads first and fails at its first write (SQLITE_BUSY_SNAPSHOT, no waiting) whenever
 * another connection (the background thread, another process) has committed in between.
 */
class ImmediateTransactionsLibSQL extends PrismaLibSQL {
  createClient(config: LibSQLConfig) {
    const client = super.createClient(config);
    const begin = client.transaction.bind(client);
    client.transaction = () => begin("write");
    return client;
  }
}

export function createDb(url: string, authToken?: string): Db {
  return new PrismaClient({ adapter: new ImmediateTransactionsLibSQL({ url, authToken, timeout: BUSY_TIMEOUT_MS } as LibSQLConfig) });
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
 * server the same SQL goes through Prisma. `libsql` is pinned to the version Prisma's adapter loads, so
 * one SQLite library serves both connections: two copies in a process do not see each other's locks.
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

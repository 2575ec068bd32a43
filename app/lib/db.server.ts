import { PrismaLibSQL } from "@prisma/adapter-libsql";
import Database from "libsql";
import { PrismaClient } from "~/generated/prisma/client";

export type Db = PrismaClient;

/** How long a statement waits for SQLite's write lock before failing; libSQL's default is to fail at once. */
const BUSY_TIMEOUT_MS = 5_000;

type LibSQLConfig = Parameters<PrismaLibSQL["createClient"]>[0];

/**
 * Prisma's adapter with libSQL, made safe for more than one connection writing (the background thread,
 * another process):
 * - on a SQLite file every connection waits up to BUSY_TIMEOUT_MS for the write lock instead of failing
 *   at once. The adapter's client opens connections lazily (a new one after each transaction, which
 *   keeps the previous) and does not pass its timeout option on, so it is set on each with a pragma;
 * - transactions take the write lock when they begin (BEGIN IMMEDIATE). A deferred transaction reads
 *   first and fails at its first write, without waiting, when another connection committed in between.
 */
class SharedFileLibSQL extends PrismaLibSQL {
  createClient(config: LibSQLConfig) {
    const client = super.createClient(config);
    const execute = client.execute.bind(client);
    const executeMultiple = client.executeMultiple.bind(client);
    const transaction = client.transaction.bind(client);
    let freshConnection = client.protocol === "file";
    const waitForLocks = async () => {
      if (!freshConnection) return;
      freshConnection = false;
      await execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    };
    client.execute = async (statement) => {
      await waitForLocks();
      return execute(statement);
    };
    client.executeMultiple = async (sql) => {
      await waitForLocks();
      return executeMultiple(sql);
    };
    client.transaction = async () => {
      await waitForLocks();
      const tx = await transaction("write");
      freshConnection = client.protocol === "file";
      return tx;
    };
    return client;
  }
}

export function createDb(url: string, authToken?: string): Db {
  return new PrismaClient({ adapter: new SharedFileLibSQL({ url, authToken }) });
}

/** Prisma's "unique constraint failed" error, for races settled by the database. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

/**
 * A connection of our own to the embedded SQLite file, opened on first use, with each statement prepared
 * once. `libsql` is pinned to the version Prisma's adapter loads, so one SQLite library serves every
 * connection in the process: two copies in a process do not see each other's locks.
 */
function fileStatements(url: string, pragmas: string[]) {
  let connection: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  const open = () => {
    if (!connection) {
      connection = new Database(url.slice("file:".length).split("?")[0]);
      for (const pragma of pragmas) connection.prepare(`PRAGMA ${pragma}`).all();
    }
    return connection;
  };
  return {
    open,
    statement(sql: string) {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = open().prepare(sql)));
      return statement;
    },
  };
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
  const file = fileStatements(url, ["query_only = ON"]);
  return async (sql, args) => file.statement(sql).get(...args) as Record<string, unknown> | undefined;
}

/** Runs one statement for each row of arguments, all in one transaction; answers the rows each run changed. */
export type RowWriter = (sql: string, rows: (string | number)[][]) => Promise<number[]>;

const isBusy = (error: unknown) => String((error as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY");

/**
 * For the one write on the hot path (storing webhook deliveries as they are acknowledged). On the
 * embedded SQLite file: a statement prepared once on its own connection, run for many rows in one
 * short transaction (one disk sync for all). The write lock is awaited without blocking the thread,
 * so it never stalls behind a transaction this same thread has open. Elsewhere: through Prisma.
 */
export function createRowWriter(db: Db, url: string): RowWriter {
  if (!url.startsWith("file:")) {
    return (sql, rows) => db.$transaction(rows.map((args) => db.$executeRawUnsafe(sql, ...args)));
  }
  // Waiting for the lock happens below, off the thread; copying the log back into the database is left
  // to the other connections (the background thread's).
  const file = fileStatements(url, ["busy_timeout = 0", "wal_autocheckpoint = 0"]);
  return async (sql, rows) => {
    const connection = file.open();
    const statement = file.statement(sql);
    const giveUpAt = Date.now() + BUSY_TIMEOUT_MS;
    for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 16)) {
      try {
        connection.exec("BEGIN IMMEDIATE");
        break;
      } catch (error) {
        if (!isBusy(error) || Date.now() > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    try {
      const changes = rows.map((args) => statement.run(...args).changes);
      connection.exec("COMMIT");
      return changes;
    } catch (error) {
      if (connection.inTransaction) connection.exec("ROLLBACK");
      throw error;
    }
  };
}

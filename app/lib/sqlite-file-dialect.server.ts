/**
 * Kysely dialect for the embedded SQLite file (`file:` DATABASE_URLs), over the synchronous `libsql`
 * package. What it guarantees (docs/decisions/0002-sqlite-connections.md):
 *
 * - Each client keeps ONE writer connection (and one query-only reader) for its lifetime, with its
 *   statements prepared once (a bounded LRU cache per connection): file descriptors and memory stay flat.
 * - Transactions begin with BEGIN IMMEDIATE: a deferred transaction that reads, then writes, fails with
 *   SQLITE_BUSY(_SNAPSHOT) when another connection (the worker process, another web process) committed
 *   in between. Taking the write lock at BEGIN makes it wait instead.
 * - Waiting for another connection's write lock never blocks the event loop: `busy_timeout = 0`, and
 *   BEGIN IMMEDIATE is retried on SQLITE_BUSY after a short timer, for up to 5 s.
 * - The writer is shared by concurrent async callers, so writes are serialised by an async mutex: a
 *   transaction holds it from BEGIN to COMMIT/ROLLBACK and sees no one else's statements. Reads outside a
 *   transaction go to the reader, which in WAL mode never waits for the writer.
 *
 * Kysely's own SqliteDialect (better-sqlite3's synchronous API) has one connection, deferred transactions
 * and a blocking busy wait; this is the same dialect with the driver above (Kysely's documented extension point).
 */
import Database from "libsql";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type TransactionSettings,
} from "kysely";
import { keepPrivate } from "./private-file.server";

export interface SqliteFileOptions {
  /** How long to keep retrying for another connection's write lock before failing (ms). */
  lockWaitMs?: number;
  /** Prepared statements kept per connection. */
  statementCacheSize?: number;
  /** Reads outside transactions on a second, query-only connection (default true; forced off in memory). */
  separateReader?: boolean;
}

const DEFAULTS = { lockWaitMs: 5_000, statementCacheSize: 300, separateReader: true } as const;
const SQLITE_BUSY = 5;

/** `file:./data/app.db`, `file:/abs.db`, `file:///abs.db`, with or without `?query`: the path for libsql. */
export function sqliteFilePath(url: string): string {
  let rest = url.replace(/^file:/, "").split("?")[0];
  if (rest.startsWith("//")) rest = rest.slice(2); // file:///abs → /abs, file://localhost/abs is not supported
  return decodeURIComponent(rest);
}

export class SqliteFileDialect implements Dialect {
  readonly #path: string;
  readonly #options: Required<SqliteFileOptions>;

  constructor(url: string, options: SqliteFileOptions = {}) {
    this.#path = sqliteFilePath(url);
    this.#options = { ...DEFAULTS, ...options };
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new SqliteFileDriver(this.#path, this.#options);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** A prepared statement, and whether it answers rows (asked once: libsql asks SQLite again on every `reader`). */
type Statement = { prepared: ReturnType<Database.Database["prepare"]>; reader: boolean };

/** One libsql connection with its prepared statements (least recently used dropped beyond the limit). */
class Connection {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Statement>();
  readonly #limit: number;

  constructor(path: string, pragmas: string[], limit: number) {
    this.db = new Database(path);
    this.#limit = limit;
    try {
      for (const pragma of pragmas) this.db.prepare(`PRAGMA ${pragma}`).all([]);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  #prepared(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      this.#statements.delete(sql); // most recently used goes last
    } else {
      const prepared = this.db.prepare(sql);
      statement = { prepared, reader: prepared.reader };
      if (this.#statements.size >= this.#limit) this.#statements.delete(this.#statements.keys().next().value as string);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  /** Runs one statement to completion (a statement left mid-run would keep its read snapshot open). */
  execute<R>(query: CompiledQuery): QueryResult<R> {
    // A cached statement keeps its connection alive after close(): refuse rather than run on it.
    if (!this.db.open) throw new Error("the database connection is closed");
    const parameters = query.parameters.map(toSqlValue);
    const statement = this.#prepared(query.sql);
    if (statement.reader) return { rows: statement.prepared.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.prepared.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: lastInsertRowid === undefined ? undefined : BigInt(lastInsertRowid) };
  }

  /** In a transaction? (Asking a closed libsql connection aborts the process.) */
  get inTransaction() {
    return this.db.open && this.db.inTransaction;
  }

  close() {
    this.#statements.clear();
    if (this.db.open) this.db.close();
  }
}

/**
 * A value SQLite can take, as the rest of the app writes it (dates as ISO 8601 text with "+00:00", booleans
 * as 1/0). Anything else is refused here: the native binding would abort the whole process on it.
 */
function toSqlValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "bigint" || value instanceof Uint8Array) return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  throw new TypeError(`SQLite cannot store ${value === undefined ? "undefined" : Array.isArray(value) ? "a list" : typeof value}`);
}

const isBusy = (error: unknown) => ((error as { rawCode?: unknown })?.rawCode as number) % 256 === SQLITE_BUSY;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failing to get the write lock in time: the caller's work is retried later (queues) or reported (pages). */
class LockTimeoutError extends Error {
  constructor(what: string, waitMs: number) {
    super(`${what}: another connection held the SQLite write lock for more than ${waitMs} ms (SQLITE_BUSY), gave up waiting`);
    this.name = "LockTimeoutError";
  }
}

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, waiting on a timer in between (the event loop
 * keeps turning), for at most `waitMs`. `attempt` must leave nothing behind when it fails: one-shot
 * `exec` (BEGIN IMMEDIATE, COMMIT) or a statement that is reset when run again.
 */
async function whileBusy<T>(attempt: () => T, waitMs: number, what: string): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 4)) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() >= giveUpAt) throw new LockTimeoutError(what, waitMs);
      await sleep(pause + Math.random() * pause); // jitter: two processes retrying do not stay in step
    }
  }
}

/** FIFO async mutex: the writer connection's turn. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => turn);
    return previous.then(() => release);
  }
}

/** Plain reads go to the reader; everything else (RETURNING writes, PRAGMA, DDL) to the writer. */
const isRead = (sql: string) => /^\s*SELECT\b/i.test(sql);
/** Data changes that run inside BEGIN IMMEDIATE … COMMIT when they come outside a transaction. */
const isDataChange = (sql: string) => /^\s*(INSERT|UPDATE|DELETE|REPLACE|WITH)\b/i.test(sql);

class SqliteFileDriver implements Driver {
  readonly #path: string;
  readonly #options: Required<SqliteFileOptions>;
  readonly #turn = new Mutex();
  #writer: Connection | undefined;
  #reader: Connection | undefined;

  constructor(path: string, options: Required<SqliteFileOptions>) {
    this.#path = path;
    this.#options = options;
  }

  async init() {
    const path = this.#path;
    const inMemory = path === "" || path.includes(":memory:");
    if (!inMemory) keepPrivate(path);
    // foreign_keys: relations are enforced by the database (libsql's default, made explicit).
    const writer = new Connection(path, ["busy_timeout = 0", "foreign_keys = ON", "synchronous = FULL"], this.#options.statementCacheSize);
    try {
      // Switching to WAL needs a moment alone with the file: wait for it like for any write lock.
      if (!inMemory) await whileBusy(() => writer.db.prepare("PRAGMA journal_mode = WAL").all([]), this.#options.lockWaitMs, "PRAGMA journal_mode");
      this.#reader =
        this.#options.separateReader && !inMemory
          ? new Connection(path, ["busy_timeout = 0", "foreign_keys = ON", "query_only = ON"], this.#options.statementCacheSize)
          : undefined;
    } catch (error) {
      writer.close();
      throw error;
    }
    this.#writer = writer;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Session(this);
  }

  /** Whatever isolation is asked for (the ORM asks for read committed), SQLite's transactions are serializable: stronger. */
  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings) {
    const release = await this.#turn.acquire();
    try {
      await this.#begin();
    } catch (error) {
      release();
      throw error;
    }
    (connection as Session).transaction = release;
  }

  async commitTransaction(connection: DatabaseConnection) {
    const session = connection as Session;
    try {
      await this.#commit();
    } finally {
      session.end();
    }
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    const session = connection as Session;
    try {
      if (this.writer.inTransaction) this.writer.db.exec("ROLLBACK");
    } finally {
      session.end();
    }
  }

  async releaseConnection() {}

  async destroy() {
    this.#reader?.close();
    this.#writer?.close();
  }

  get writer() {
    if (!this.#writer) throw new Error("the database is not open");
    return this.#writer;
  }

  /** A statement outside a transaction: a read on the reader, a write in its own BEGIN IMMEDIATE … COMMIT. */
  async perform<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const reader = this.#reader;
    // A statement that failed with SQLITE_BUSY is reset when it is run again.
    if (reader && isRead(query.sql)) return whileBusy(() => reader.execute<R>(query), this.#options.lockWaitMs, "read");
    const release = await this.#turn.acquire();
    try {
      const writer = this.writer;
      if (!isDataChange(query.sql)) return await whileBusy(() => writer.execute<R>(query), this.#options.lockWaitMs, "statement");
      // Only BEGIN IMMEDIATE (a one-shot exec) waits for the lock, so no cached statement is left mid-run.
      await this.#begin();
      try {
        const result = writer.execute<R>(query);
        await this.#commit();
        return result;
      } catch (error) {
        if (writer.inTransaction) writer.db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      release();
    }
  }

  #begin() {
    return whileBusy(() => this.writer.db.exec("BEGIN IMMEDIATE"), this.#options.lockWaitMs, "BEGIN IMMEDIATE");
  }

  /** Never leaves the writer inside a transaction: a failed COMMIT is rolled back. */
  async #commit() {
    const writer = this.writer;
    try {
      await whileBusy(() => writer.db.exec("COMMIT"), this.#options.lockWaitMs, "COMMIT");
    } catch (error) {
      if (writer.inTransaction) writer.db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** What Kysely holds for a query or a transaction: inside a transaction, the writer's turn. */
class Session implements DatabaseConnection {
  /** Releases the writer's turn: set from BEGIN until COMMIT or ROLLBACK. */
  transaction: (() => void) | undefined;

  constructor(private readonly driver: SqliteFileDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.transaction ? this.driver.writer.execute<R>(query) : this.driver.perform<R>(query);
  }

  // biome-ignore lint/correctness/useYield: nothing streams here; every statement runs to completion.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming queries are not supported on the SQLite file");
  }

  end() {
    const release = this.transaction;
    this.transaction = undefined;
    release?.();
  }
}

/**
 * Prisma driver adapter for the embedded SQLite file (`file:` DATABASE_URLs), over the synchronous
 * `libsql` package. Why it exists (docs/decisions/0002-sqlite-connections.md):
 *
 * - `@prisma/adapter-libsql` goes through `@libsql/client`, which opened a new connection for each
 *   transaction and freed it only on garbage collection (thousands of open connections and file
 *   descriptors under load), and prepared every statement again on every query.
 * - Here each PrismaClient keeps ONE writer connection (and one query-only reader) for its lifetime,
 *   with its statements prepared once (a bounded LRU cache per connection).
 * - Transactions begin with BEGIN IMMEDIATE: a deferred transaction that reads, then writes, fails with
 *   SQLITE_BUSY(_SNAPSHOT) when another connection (the worker process, another web process) committed
 *   in between. Taking the write lock at BEGIN makes it wait instead.
 * - Waiting for another connection's write lock never blocks the event loop: `busy_timeout = 0`, and
 *   BEGIN IMMEDIATE is retried on SQLITE_BUSY after a short timer, for up to 5 s.
 * - The writer is shared by concurrent async callers, so writes are serialised by an async mutex: an
 *   interactive transaction holds it from BEGIN to COMMIT/ROLLBACK and sees no one else's statements.
 *   Reads outside a transaction go to the reader, which in WAL mode never waits for the writer.
 *
 * Result and argument conversion, column types and error mapping are those of `@prisma/adapter-libsql`
 * 6.19.3 and `@libsql/client`'s sqlite3 back end (Apache-2.0), copied below so both adapters answer
 * Prisma identically. Keep them in step when Prisma is upgraded.
 */
import {
  type ArgType,
  type ColumnType,
  ColumnTypeEnum,
  Debug,
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";
import Database from "libsql";
import { keepPrivate } from "./private-file.server";

const ADAPTER_NAME = "sqlite-file-adapter";
const debug = Debug("prisma:driver-adapter:sqlite-file");

export interface SqliteFileOptions {
  /** How long to keep retrying for another connection's write lock before failing (ms). */
  lockWaitMs?: number;
  /** Prepared statements kept per connection. */
  statementCacheSize?: number;
  /** How dates are written; the stock adapter's option, same default. */
  timestampFormat?: "iso8601" | "unixepoch-ms";
  /** Reads outside transactions on a second, query-only connection (default true; forced off in memory). */
  separateReader?: boolean;
}

const DEFAULTS = { lockWaitMs: 5_000, statementCacheSize: 300, timestampFormat: "iso8601", separateReader: true } as const;

/** `file:./data/app.db`, `file:/abs.db`, `file:///abs.db`, with or without `?query`: the path for libsql. */
export function sqliteFilePath(url: string): string {
  let rest = url.replace(/^file:/, "").split("?")[0];
  if (rest.startsWith("//")) rest = rest.slice(2); // file:///abs → /abs, file://localhost/abs is not supported
  return decodeURIComponent(rest);
}

/** Prisma's `adapter` for a SQLite file: `new PrismaClient({ adapter: new PrismaSqliteFile("file:...") })`. */
export class PrismaSqliteFile implements SqlDriverAdapterFactory {
  readonly provider = "sqlite";
  readonly adapterName = ADAPTER_NAME;
  readonly #path: string;
  readonly #options: Required<SqliteFileOptions>;

  constructor(url: string, options: SqliteFileOptions = {}) {
    this.#path = sqliteFilePath(url);
    this.#options = { ...DEFAULTS, ...options };
  }

  async connect(): Promise<SqlDriverAdapter> {
    return SqliteFileAdapter.open(this.#path, this.#options);
  }
}

// ---------------------------------------------------------------------------------------------------
// Connections, statements, the lock wait

type Statement = ReturnType<Database.Database["prepare"]>;
type Prepared = { statement: Statement; returnsData: boolean; columnNames: string[]; declaredTypes: string[] };
type Executed = { columnNames: string[]; declaredTypes: string[]; rows: unknown[][]; rowsAffected: number };

/** One libsql connection with its prepared statements (least recently used dropped beyond the limit). */
class Connection {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Prepared>();
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

  prepared(sql: string): Prepared {
    let prepared = this.#statements.get(sql);
    if (prepared) {
      this.#statements.delete(sql); // most recently used goes last
    } else {
      const statement = this.db.prepare(sql);
      const returnsData = statement.reader;
      const columns = returnsData ? statement.raw(true).safeIntegers(true).columns() : [];
      prepared = { statement, returnsData, columnNames: columns.map((c) => c.name), declaredTypes: columns.map((c) => c.type ?? "") };
      // An evicted statement is finalised when collected; it is never left mid-run (see `execute`).
      if (this.#statements.size >= this.#limit) this.#statements.delete(this.#statements.keys().next().value as string);
    }
    this.#statements.set(sql, prepared);
    return prepared;
  }

  /** Runs one statement to completion (a statement left mid-run would keep its read snapshot open). */
  execute(query: SqlQuery, options: Required<SqliteFileOptions>): Executed {
    // A cached statement keeps its connection alive after close(): refuse rather than run on it.
    if (!this.db.open) throw new DriverAdapterError({ kind: "ConnectionClosed" });
    const { statement, returnsData, columnNames, declaredTypes } = this.prepared(query.sql);
    const args = query.args.map((arg, i) => valueToSql(mapArg(arg, query.argTypes[i], options)));
    if (returnsData) {
      const rows = (statement.all(args) as unknown[][]).map((row) => row.map(valueFromSql));
      return { columnNames, declaredTypes, rows, rowsAffected: 0 };
    }
    return { columnNames: [], declaredTypes: [], rows: [], rowsAffected: statement.run(args).changes };
  }

  /** In a transaction? (Asking a closed libsql connection aborts the process.) */
  get inTransaction() {
    return this.db.open && this.db.inTransaction;
  }

  /** Closes the connection; its file is released once the dropped statements are collected. */
  close() {
    this.#statements.clear();
    if (this.db.open) this.db.close();
  }
}

const isBusy = (error: unknown) => ((error as { rawCode?: unknown })?.rawCode as number) % 256 === SQLITE_BUSY;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
      if (Date.now() >= giveUpAt) {
        throw new DriverAdapterError({
          kind: "SocketTimeout", // what the stock adapter answers for SQLITE_BUSY: Prisma's P1008
          originalCode: String((error as { rawCode?: number }).rawCode ?? SQLITE_BUSY),
          originalMessage: `${what}: another connection held the SQLite write lock for more than ${waitMs} ms (SQLITE_BUSY), gave up waiting`,
        });
      }
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

/** Prisma's generated reads are plain SELECTs; everything else (RETURNING writes, PRAGMA, DDL) goes to the writer. */
const isRead = (sql: string) => /^\s*SELECT\b/i.test(sql);
/** Data changes that run inside BEGIN IMMEDIATE … COMMIT when Prisma sends them outside a transaction. */
const isDataChange = (sql: string) => /^\s*(INSERT|UPDATE|DELETE|REPLACE|WITH)\b/i.test(sql);

function rethrow(error: unknown): never {
  if (error instanceof DriverAdapterError) throw error;
  debug("error: %O", error);
  throw new DriverAdapterError(convertDriverError(error));
}

// ---------------------------------------------------------------------------------------------------
// The adapter and its transactions

class SqliteFileAdapter implements SqlDriverAdapter {
  readonly provider = "sqlite";
  readonly adapterName = ADAPTER_NAME;
  readonly #writer: Connection;
  readonly #reader: Connection | undefined;
  readonly #turn = new Mutex();
  readonly #options: Required<SqliteFileOptions>;

  private constructor(writer: Connection, reader: Connection | undefined, options: Required<SqliteFileOptions>) {
    this.#writer = writer;
    this.#reader = reader;
    this.#options = options;
  }

  static async open(path: string, options: Required<SqliteFileOptions>) {
    const inMemory = path === "" || path.includes(":memory:");
    let writer: Connection | undefined;
    try {
      if (!inMemory) keepPrivate(path);
      // foreign_keys: Prisma's SQLite relations are enforced by the database (libsql's default, made explicit).
      writer = new Connection(path, ["busy_timeout = 0", "foreign_keys = ON", "synchronous = FULL"], options.statementCacheSize);
      const connection = writer;
      // Switching to WAL needs a moment alone with the file: wait for it like for any write lock.
      if (!inMemory) await whileBusy(() => connection.db.prepare("PRAGMA journal_mode = WAL").all([]), options.lockWaitMs, "PRAGMA journal_mode");
      const reader =
        options.separateReader && !inMemory
          ? new Connection(path, ["busy_timeout = 0", "foreign_keys = ON", "query_only = ON"], options.statementCacheSize)
          : undefined;
      return new SqliteFileAdapter(writer, reader, options);
    } catch (error) {
      writer?.close();
      rethrow(error);
    }
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    debug("[js::query_raw] %O", query);
    return toResultSet(await this.#perform(query));
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    debug("[js::execute_raw] %O", query);
    return (await this.#perform(query)).rowsAffected;
  }

  async #perform(query: SqlQuery): Promise<Executed> {
    const reader = this.#reader;
    if (reader && isRead(query.sql)) {
      try {
        // A statement that failed with SQLITE_BUSY is reset when it is run again.
        return await whileBusy(() => reader.execute(query, this.#options), this.#options.lockWaitMs, "read");
      } catch (error) {
        rethrow(error);
      }
    }
    const release = await this.#turn.acquire();
    try {
      const writer = this.#writer;
      if (!isDataChange(query.sql)) {
        return await whileBusy(() => writer.execute(query, this.#options), this.#options.lockWaitMs, "statement");
      }
      // Only BEGIN IMMEDIATE (a one-shot exec) waits for the lock, so no cached statement is left mid-run.
      await this.#begin();
      try {
        const result = writer.execute(query, this.#options);
        await this.#commit();
        return result;
      } catch (error) {
        if (writer.inTransaction) writer.db.exec("ROLLBACK");
        throw error;
      }
    } catch (error) {
      rethrow(error);
    } finally {
      release();
    }
  }

  #begin() {
    return whileBusy(() => this.#writer.db.exec("BEGIN IMMEDIATE"), this.#options.lockWaitMs, "BEGIN IMMEDIATE");
  }

  /** Never leaves the writer inside a transaction: a failed COMMIT is rolled back. */
  async #commit() {
    const writer = this.#writer;
    try {
      await whileBusy(() => writer.db.exec("COMMIT"), this.#options.lockWaitMs, "COMMIT");
    } catch (error) {
      if (writer.inTransaction) writer.db.exec("ROLLBACK");
      throw error;
    }
  }

  async executeScript(script: string): Promise<void> {
    const release = await this.#turn.acquire();
    try {
      this.#writer.db.exec(script);
    } catch (error) {
      rethrow(error);
    } finally {
      release();
    }
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new DriverAdapterError({ kind: "InvalidIsolationLevel", level: isolationLevel });
    }
    debug("[js::startTransaction]");
    const release = await this.#turn.acquire();
    try {
      await this.#begin();
    } catch (error) {
      release();
      rethrow(error);
    }
    return new SqliteFileTransaction(this.#writer, this.#options, () => this.#commit(), release);
  }

  async dispose(): Promise<void> {
    this.#reader?.close();
    this.#writer.close();
  }
}

/** Holds the writer's turn from BEGIN IMMEDIATE until commit or rollback. */
class SqliteFileTransaction implements Transaction {
  readonly provider = "sqlite";
  readonly adapterName = ADAPTER_NAME;
  // BEGIN, COMMIT and ROLLBACK are run here, not sent by Prisma.
  readonly options: TransactionOptions = { usePhantomQuery: true };
  #release: (() => void) | undefined;

  constructor(
    private readonly writer: Connection,
    private readonly adapterOptions: Required<SqliteFileOptions>,
    private readonly commitWriter: () => Promise<void>,
    release: () => void,
  ) {
    this.#release = release;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    debug("[js::query_raw] (transaction) %O", query);
    return toResultSet(this.#execute(query));
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    debug("[js::execute_raw] (transaction) %O", query);
    return this.#execute(query).rowsAffected;
  }

  #execute(query: SqlQuery): Executed {
    if (!this.#release) throw new DriverAdapterError({ kind: "TransactionAlreadyClosed", cause: "the transaction was committed or rolled back" });
    try {
      return this.writer.execute(query, this.adapterOptions);
    } catch (error) {
      rethrow(error);
    }
  }

  async commit(): Promise<void> {
    debug("[js::commit]");
    const release = this.#release;
    if (!release) return;
    this.#release = undefined;
    try {
      await this.commitWriter();
    } catch (error) {
      rethrow(error);
    } finally {
      release();
    }
  }

  async rollback(): Promise<void> {
    debug("[js::rollback]");
    const release = this.#release;
    if (!release) return;
    this.#release = undefined;
    try {
      if (this.writer.inTransaction) this.writer.db.exec("ROLLBACK");
    } catch (error) {
      debug("error in rollback: %O", error);
    } finally {
      release();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Conversion, as in @prisma/adapter-libsql 6.19.3 (src/conversion.ts) and @libsql/client's sqlite3.js

function toResultSet({ columnNames, declaredTypes, rows }: Executed): SqlResultSet {
  const columnTypes = getColumnTypes(declaredTypes, rows);
  return { columnNames, columnTypes, rows: rows.map((row) => mapRow(row, columnTypes)) };
}

function mapDeclType(declType: string): ColumnType | null {
  switch (declType.toUpperCase()) {
    case "":
      return null;
    case "DECIMAL":
      return ColumnTypeEnum.Numeric;
    case "FLOAT":
      return ColumnTypeEnum.Float;
    case "DOUBLE":
    case "DOUBLE PRECISION":
    case "NUMERIC":
    case "REAL":
      return ColumnTypeEnum.Double;
    case "TINYINT":
    case "SMALLINT":
    case "MEDIUMINT":
    case "INT":
    case "INTEGER":
    case "SERIAL":
    case "INT2":
      return ColumnTypeEnum.Int32;
    case "BIGINT":
    case "UNSIGNED BIG INT":
    case "INT8":
      return ColumnTypeEnum.Int64;
    case "DATETIME":
    case "TIMESTAMP":
      return ColumnTypeEnum.DateTime;
    case "TIME":
      return ColumnTypeEnum.Time;
    case "DATE":
      return ColumnTypeEnum.Date;
    case "TEXT":
    case "CLOB":
    case "CHARACTER":
    case "VARCHAR":
    case "VARYING CHARACTER":
    case "NCHAR":
    case "NATIVE CHARACTER":
    case "NVARCHAR":
      return ColumnTypeEnum.Text;
    case "BLOB":
      return ColumnTypeEnum.Bytes;
    case "BOOLEAN":
      return ColumnTypeEnum.Boolean;
    case "JSONB":
      return ColumnTypeEnum.Json;
    default:
      debug("unknown decltype:", declType);
      return null;
  }
}

/** Declared column types; a column without one (an expression) takes the type of its first non-null value. */
function getColumnTypes(declaredTypes: string[], rows: unknown[][]): ColumnType[] {
  const columnTypes: (ColumnType | null)[] = declaredTypes.map(mapDeclType);
  for (let column = 0; column < columnTypes.length; column++) {
    if (columnTypes[column] !== null) continue;
    const value = rows.find((row) => row[column] !== null)?.[column];
    columnTypes[column] = value === undefined ? ColumnTypeEnum.Int32 : inferColumnType(value);
  }
  return columnTypes as ColumnType[];
}

function inferColumnType(value: unknown): ColumnType {
  switch (typeof value) {
    case "string":
      return ColumnTypeEnum.Text;
    case "bigint":
      return ColumnTypeEnum.Int64;
    case "boolean":
      return ColumnTypeEnum.Boolean;
    case "number":
      return ColumnTypeEnum.UnknownNumber;
    case "object":
      if (value instanceof ArrayBuffer) return ColumnTypeEnum.Bytes;
      throw new UnexpectedTypeError(value);
    default:
      throw new UnexpectedTypeError(value);
  }
}

class UnexpectedTypeError extends Error {
  name = "UnexpectedTypeError";
  constructor(value: unknown) {
    const type = typeof value;
    super(`unexpected value of type ${type}: ${type === "object" ? JSON.stringify(value) : String(value)}`);
  }
}

function mapRow(row: unknown[], columnTypes: ColumnType[]): unknown[] {
  const result: unknown[] = [];
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value instanceof ArrayBuffer) {
      result[i] = Array.from(new Uint8Array(value));
    } else if (typeof value === "number" && (columnTypes[i] === ColumnTypeEnum.Int32 || columnTypes[i] === ColumnTypeEnum.Int64) && !Number.isInteger(value)) {
      result[i] = Math.trunc(value);
    } else if ((typeof value === "number" || typeof value === "bigint") && columnTypes[i] === ColumnTypeEnum.DateTime) {
      result[i] = new Date(Number(value)).toISOString();
    } else if (typeof value === "bigint") {
      result[i] = value.toString();
    } else {
      result[i] = value;
    }
  }
  return result;
}

function mapArg(arg: unknown, argType: ArgType | undefined, options: Required<SqliteFileOptions>): unknown {
  if (arg === null) return null;
  const scalarType = argType?.scalarType;
  if (typeof arg === "string" && scalarType === "bigint") return BigInt(arg);
  if (typeof arg === "string" && scalarType === "decimal") return Number.parseFloat(arg);
  if (typeof arg === "string" && scalarType === "datetime") arg = new Date(arg);
  if (arg instanceof Date) {
    switch (options.timestampFormat) {
      case "unixepoch-ms":
        return arg.getTime();
      case "iso8601":
        return arg.toISOString().replace("Z", "+00:00");
      default:
        throw new Error(`Unknown timestamp format: ${options.timestampFormat}`);
    }
  }
  if (typeof arg === "string" && scalarType === "bytes") return Buffer.from(arg, "base64");
  if (Array.isArray(arg) && scalarType === "bytes") return new Uint8Array(arg);
  return arg;
}

// @libsql/client (intMode "number", the stock adapter's): integers are read as BigInt and answered as
// numbers when safe; blobs come back as ArrayBuffer. The native binding aborts the process on a value
// it does not know (a boolean, an array, an object), so every argument is checked here first.
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

function valueFromSql(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < MIN_SAFE || value > MAX_SAFE) throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    return Number(value);
  }
  return value;
}

function valueToSql(value: unknown): unknown {
  if (value === null || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "bigint") {
    if (value < MIN_INT64 || value > MAX_INT64) throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  throw new TypeError(`cannot pass a value of type ${typeof value} to the database`);
}

// ---------------------------------------------------------------------------------------------------
// Errors, as in @prisma/adapter-libsql 6.19.3 (src/errors.ts): SQLite's extended codes to Prisma's kinds

const SQLITE_BUSY = 5;
const PRIMARY_ERROR_CODE_MASK = 0xff;

type DriverError = { code: string; message: string; rawCode?: number; cause?: { rawCode?: number } };

function isDriverError(error: unknown): error is DriverError {
  const e = error as DriverError | null;
  return typeof e?.code === "string" && typeof e.message === "string" && (typeof e.rawCode === "number" || e.rawCode === undefined);
}

function convertDriverError(error: unknown) {
  if (!isDriverError(error)) throw error;
  // `@libsql/client` (the stock adapter's driver) puts the extended code before the message
  // ("SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: …"); the `libsql` package does not. Same text,
  // so the mapping below answers exactly as the stock adapter does (and the libSQL server deployment).
  const message = error.code && !error.message.startsWith(error.code) ? `${error.code}: ${error.message}` : error.message;
  const normalised = { ...error, message };
  return { originalCode: error.rawCode?.toString(), originalMessage: message, ...mapDriverError(normalised) };
}

function fieldsOf(message: string) {
  return message
    .split("constraint failed: ")
    .at(1)
    ?.split(", ")
    .map((field) => field.split(".").pop() as string);
}

function mapDriverError(error: DriverError) {
  const rawCode = error.rawCode ?? error.cause?.rawCode ?? 1;
  switch (rawCode) {
    case 2067: // SQLITE_CONSTRAINT_UNIQUE
    case 1555: {
      // SQLITE_CONSTRAINT_PRIMARYKEY
      const fields = fieldsOf(error.message);
      return { kind: "UniqueConstraintViolation", constraint: fields !== undefined ? { fields } : undefined } as const;
    }
    case 1299: {
      // SQLITE_CONSTRAINT_NOTNULL
      const fields = fieldsOf(error.message);
      return { kind: "NullConstraintViolation", constraint: fields !== undefined ? { fields } : undefined } as const;
    }
    case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
    case 1811: // SQLITE_CONSTRAINT_TRIGGER
      return { kind: "ForeignKeyConstraintViolation", constraint: { foreignKey: {} } } as const;
    default:
      if (rawCode && (rawCode & PRIMARY_ERROR_CODE_MASK) === SQLITE_BUSY) return { kind: "SocketTimeout" } as const;
      if (error.message.startsWith("no such table")) return { kind: "TableDoesNotExist", table: error.message.split(": ").at(1) } as const;
      if (error.message.startsWith("no such column")) return { kind: "ColumnNotFound", column: error.message.split(": ").at(1) } as const;
      if (error.message.includes("has no column named ")) {
        return { kind: "ColumnNotFound", column: error.message.split("has no column named ").at(1) } as const;
      }
      return { kind: "sqlite", extendedCode: rawCode, message: error.message } as const;
  }
}

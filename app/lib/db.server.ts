import { LibsqlDialect } from "@libsql/kysely-libsql";
import { type ClientContract, type ModelResult, type TransactionClientContract, ZenStackClient } from "@zenstackhq/orm";
import type { Dialect } from "kysely";
import { type SchemaType, schema } from "~/generated/zenstack/schema";
import { SqliteFileDialect } from "./sqlite-file-dialect.server";

type Options = { dialect: Dialect; validateInput: boolean };
/** The database client: every database access goes through it (docs/decisions/0024-data-layer.md). */
export type Db = ClientContract<SchemaType, Options>;
/** The same client inside a transaction (`db.$transaction(async (tx) => …)`). */
// biome-ignore lint/complexity/noBannedTypes: `{}` is how ZenStack spells "no extensions", as in the client's own type.
export type Tx = TransactionClientContract<SchemaType, Options, {}, {}, {}>;

/**
 * One ZenStack client (Prisma's query API, built on Kysely), and through it every database access of
 * this process:
 * - the embedded SQLite file (`file:`): our dialect (`sqlite-file-dialect.server.ts`), one writer
 *   connection and one query-only reader for the client's lifetime, transactions that take the write lock
 *   when they begin, lock waits that never block the event loop (docs/decisions/0002-sqlite-connections.md);
 * - a libSQL server (`libsql://`, `http(s)://`, `ws(s)://`, the scaled-out deployment): libSQL's own Kysely dialect.
 *
 * Query arguments are checked by TypeScript, and what people type by the routes' zod schemas: the client's
 * own run-time check of every query's arguments is off (it was a third of a payment event's cost, see 0024).
 */
export function createDb(url: string, authToken?: string): Db {
  const dialect = url.startsWith("file:") ? new SqliteFileDialect(url) : new LibsqlDialect({ url, authToken });
  return new ZenStackClient(schema, { dialect, validateInput: false }) as unknown as Db;
}

type ModelName = keyof SchemaType["models"] & string;
/** Each model's fields that the query builder answers in SQLite's storage form (the schema has no other kind). */
const CONVERTED_FIELDS = Object.fromEntries(
  Object.entries(schema.models).map(([model, def]) => [
    model,
    Object.values(def.fields)
      .filter((field) => !("relation" in field && field.relation) && (field.type === "DateTime" || field.type === "Boolean"))
      .map((field) => [field.name, field.type] as const),
  ]),
) as Record<ModelName, (readonly [string, "DateTime" | "Boolean"])[]>;
for (const def of Object.values(schema.models))
  for (const field of Object.values(def.fields))
    if (["Json", "Decimal", "BigInt", "Bytes"].includes(field.type)) throw new Error(`modelRow cannot convert ${def.name}.${field.name} (${field.type})`);

/**
 * A row read with the query builder (`db.$qb`), typed as the query API would answer it: the builder answers
 * columns as SQLite stores them (dates as text, booleans as 0 or 1); this converts them as the client does
 * for its own reads. For columns of one model (a whole row with `selectAll()`, or some of them).
 */
export function modelRow<M extends ModelName, R extends object>(model: M, row: R): AsModel<M, R> {
  const converted = { ...row } as Record<string, unknown>;
  for (const [name, kind] of CONVERTED_FIELDS[model]) {
    const value = converted[name];
    if (value !== null && value !== undefined) converted[name] = kind === "DateTime" ? new Date(value as string | number) : Boolean(value);
  }
  return converted as AsModel<M, R>;
}
/** The columns read, each with the type the query API gives that field. */
type AsModel<M extends ModelName, R> = { [K in keyof R]: K extends keyof ModelResult<SchemaType, M> ? ModelResult<SchemaType, M>[K] : R[K] };

/** A unique constraint failed: for races settled by the database. */
export function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause && typeof cause === "object"; cause = (cause as { cause?: unknown }).cause) {
    const { rawCode, code, message } = cause as { rawCode?: unknown; code?: unknown; message?: unknown };
    if (rawCode === 2067 || rawCode === 1555 || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
    if (typeof message === "string" && message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

/** Runs one statement for each row of arguments, all in one transaction; answers the rows each run changed. */
export type RowWriter = (sql: string, rows: (string | number)[][]) => Promise<number[]>;

/**
 * For storing webhook deliveries as they are acknowledged: many rows in one transaction (one disk sync
 * for all), through the client like everything else; on the SQLite file the write lock is awaited
 * without blocking the thread.
 */
export function createRowWriter(db: Db): RowWriter {
  return async (sql, rows) =>
    rows.length
      ? db.$transaction(async (tx) => {
          const changed: number[] = [];
          for (const args of rows) changed.push(await tx.$executeRawUnsafe(sql, ...args));
          return changed;
        })
      : [];
}

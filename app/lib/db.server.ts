import { PrismaLibSQL } from "@prisma/adapter-libsql";
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

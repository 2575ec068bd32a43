import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaClient } from "~/generated/prisma/client";

export type Db = PrismaClient;

export function createDb(url: string, authToken?: string): Db {
  return new PrismaClient({ adapter: new PrismaLibSQL({ url, authToken }) });
}

/** Prisma's "unique constraint failed" error, for races settled by the database. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

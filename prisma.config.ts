import { mkdirSync } from "node:fs";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

const url = process.env.DATABASE_URL || "file:./data/app.db";
// The embedded default lives under ./data/, which a fresh clone does not have yet.
if (url.startsWith("file:")) mkdirSync("data", { recursive: true, mode: 0o700 });

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.zmodel",
  engine: "js",
  adapter: async () => new PrismaLibSQL({ url, authToken: process.env.DATABASE_AUTH_TOKEN || undefined }),
});

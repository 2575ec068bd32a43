/**
 * npm start: one command for a laptop or a single server. Builds the app if the build is missing or
 * older than the code, migrates the database, seeds the demo merchant into an empty one, then runs the
 * web process, the worker process and (while a provider has no credentials) the provider sandbox,
 * each started again if it ever exits. Deployments that scale out run `npm run web` and
 * `npm run worker` themselves, as many of each as they need (and `npm run migrate` once per release).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createDb } from "~/lib/db.server";
import { seedDemo } from "../prisma/seed";
import { demoSandboxAccounts } from "../integrations/sandbox/demo";
import { providerSettings } from "../integrations/settings";
import { loadRuntime } from "./runtime";

const SOURCES = ["app", "emails", "integrations", "react-router.config.ts", "vite.config.ts", "package-lock.json"];

function newestChange(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => (name === "generated" ? 0 : newestChange(path.join(entry, name)))));
}

function buildIfStale() {
  const built = path.resolve("build/server/index.js");
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...SOURCES.filter(existsSync).map(newestChange))) return;
  console.log("Building the app (once, until the code changes)…");
  execFileSync(path.resolve("node_modules/.bin/react-router"), ["build"], { stdio: ["ignore", "ignore", "inherit"] });
}

/** Prisma's CLI takes seconds to start: it runs only when a migration in prisma/migrations is not applied yet. */
async function migrateIfNeeded(db: ReturnType<typeof createDb>) {
  const wanted = readdirSync("prisma/migrations", { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const applied = await db
    .$queryRawUnsafe<{ migration_name: string }[]>(`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`)
    .catch(() => []); // a new database: no table yet
  const done = new Set(applied.map((row) => row.migration_name));
  if (wanted.every((entry) => done.has(entry.name))) return;
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: config.DATABASE_URL },
  });
  logger.info("database migrated");
}

const { config, logger } = loadRuntime("start");
buildIfStale();

const settings = providerSettings(config);
const sandboxed = settings.gocardless.sandbox || settings.stripe.sandbox;
// Offline, the sandbox service listens next to the app (PORT + 1) unless told otherwise.
const sandboxUrl = sandboxed ? (config.SANDBOX_URL ?? `http://${new URL(config.APP_URL).hostname}:${config.PORT + 1}`) : undefined;

const db = createDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
await migrateIfNeeded(db);
const demo = await seedDemo(db, new Date(), {
  encryptionKey: config.ENCRYPTION_KEY,
  connections: sandboxed ? demoSandboxAccounts(config.SESSION_SECRET).filter((account) => settings[account.provider].sandbox) : [],
});
await db.$disconnect();

const env = { ...process.env, ...(sandboxUrl ? { SANDBOX_URL: sandboxUrl } : {}) };
const children = new Map<string, ChildProcess>();
let stopping = false;

function run(name: string, file: string) {
  const child = spawn(process.execPath, [...process.execArgv, "--import", "tsx", file], { env, stdio: "inherit" });
  children.set(name, child);
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (stopping) return;
    logger.error({ child: name, code, signal }, "process stopped; starting it again");
    setTimeout(() => run(name, file), 1000);
  });
}

if (sandboxUrl) run("sandbox", "server/sandbox.ts");
run("web", "server/web.ts");
run("worker", "server/worker.ts");

// Says how to log in once the app answers.
for (let waited = 0; waited < 30_000; waited += 100) {
  if (
    await fetch(`http://127.0.0.1:${config.PORT}/healthz`)
      .then((r) => r.ok)
      .catch(() => false)
  )
    break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(`\n  App ready on ${config.APP_URL}`);
if (demo) {
  console.log(`  Demo merchant: ${demo.email} / ${demo.password}  (database seeded just now)`);
  console.log(`  Demo customer space: ${config.APP_URL}${demo.customer.space}  ${demo.customer.email} / ${demo.customer.password}`);
} else console.log("  Demo merchant (if this database was seeded by the app): demo@example.com / demo-password");
if (config.localMailbox) console.log(`  Emails go to the local mailbox: ${config.APP_URL}/mailbox`);
else if (!config.RESEND_API_KEY) logger.warn("RESEND_API_KEY is not set and APP_URL is not local: emails are not delivered to anyone");
if (sandboxUrl) console.log(`  GoCardless and Stripe are answered by the offline sandbox at ${sandboxUrl}`);
console.log("");

const shutdown = (signal: NodeJS.Signals) => {
  stopping = true;
  for (const child of children.values()) child.kill(signal);
  const done = () => children.size === 0 && process.exit(0);
  for (const child of children.values()) child.once("exit", done);
  done();
  setTimeout(() => process.exit(0), 6000).unref();
};
process.on("SIGTERM", () => stopping || shutdown("SIGTERM"));
process.on("SIGINT", () => stopping || shutdown("SIGINT"));

import { execFileSync } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import path from "node:path";
import type { ServerBuild } from "react-router";
import { ConfigError, completeConfig, parseEnv } from "~/lib/config.server";
import { createDb } from "~/lib/db.server";
import { createLogger } from "~/lib/logger.server";
import { createProviders } from "../integrations";
import { sandboxHandlersFor, sandboxState } from "../integrations/sandbox";
import { seedDemo } from "../prisma/seed";
import { createServer } from "./app";
import { reclaimInterruptedEvents } from "~/domain/webhooks";
import { startBackgroundThread } from "./background-thread";
import { loadOrCreateSecrets } from "./secrets";

async function main() {
  let config: ReturnType<typeof completeConfig>;
  try {
    config = completeConfig(parseEnv(process.env), () => loadOrCreateSecrets(path.resolve("data")));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);

  // Migrations run before the app serves anything; Prisma's CLI reads the same DATABASE_URL.
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: config.DATABASE_URL },
  });
  logger.info("database migrated");

  const db = createDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  if (config.embeddedDatabase) {
    // Write-ahead logging: pages keep being read while a payment is written. Commits stay fully synced:
    // an acknowledged webhook must survive a power cut, not only a crash.
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  }
  const demo = await seedDemo(db, new Date());

  const providers = createProviders(config);
  const sandboxed = { gocardless: providers.settings.gocardless.sandbox, stripe: providers.settings.stripe.sandbox };
  const sandboxHandlers = sandboxHandlersFor(sandboxed);
  if (sandboxHandlers.length) {
    // No real credentials: the provider APIs are answered in-process by the same handlers the tests use.
    const { setupServer } = await import("msw/node");
    sandboxState().autoAdvance = true; // direct debits move on to "confirmed" by themselves, as in GoCardless's sandbox
    setupServer(...sandboxHandlers).listen({ onUnhandledRequest: "bypass" });
    logger.info(sandboxed, "provider sandbox active");
  }

  // The only instance on an embedded database: whatever was "processing" when it stopped was interrupted.
  if (config.embeddedDatabase) {
    const reclaimed = await reclaimInterruptedEvents(db);
    if (reclaimed) logger.warn({ reclaimed }, "webhook events interrupted by the last stop are processed again");
  }
  const background = startBackgroundThread(config, logger, sandboxHandlers);
  const build = (await import(path.resolve("build/server/index.js"))) as ServerBuild;
  const handler = createServer({ build, db, providers, config, logger, kickOutbox: background.kickOutbox, kickWebhooks: background.kickWebhooks });
  const server = createHttpServer(handler).listen(config.PORT, config.HOST, () => {
    logger.info({ url: config.APP_URL }, "listening");
    console.log(`\n  App ready on ${config.APP_URL}`);
    if (demo) console.log(`  Demo merchant: ${demo.email} / ${demo.password}  (database seeded just now)`);
    else console.log(`  Demo merchant (if this database was seeded by the app): demo@example.com / demo-password`);
    if (config.localMailbox) console.log(`  Emails go to the local mailbox: ${config.APP_URL}/mailbox`);
    else if (!config.RESEND_API_KEY) logger.warn("RESEND_API_KEY is not set and APP_URL is not local: emails are not delivered to anyone");
    console.log("");
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    setTimeout(() => process.exit(0), 5000).unref();
    server.close();
    void background
      .stop()
      .finally(() => db.$disconnect())
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

void main();

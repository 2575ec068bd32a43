/**
 * The offline provider sandbox (npm run sandbox): GoCardless's and Stripe's APIs and hosted pages,
 * answered by the same msw handlers the tests use, with its state in its own SQLite file so a restart
 * keeps accounts, tokens, checkouts, mandates and payments. It posts signed webhooks to the app.
 */
import { createServer } from "node:http";
import path from "node:path";
import { sandboxRequestHandler } from "../integrations/sandbox/service";
import { ensureDemoAccounts } from "../integrations/sandbox/demo";
import { openSandboxState } from "../integrations/sandbox/state";
import { runDueSandboxTasks } from "../integrations/sandbox/webhooks";
import { providerSettings } from "../integrations/settings";
import { loadRuntime, onShutdown } from "./runtime";

const { config, logger } = loadRuntime("sandbox");
if (!config.SANDBOX_URL) {
  console.error("SANDBOX_URL is not set: it says where the sandbox listens (for example http://localhost:3001).");
  process.exit(1);
}
const settings = providerSettings(config);
const dataDir = config.DATABASE_URL.startsWith("file:") ? path.dirname(config.DATABASE_URL.slice("file:".length).split("?")[0]) : "data";
openSandboxState(path.join(dataDir, "sandbox.db"), {
  publicUrl: config.SANDBOX_URL,
  webhookTarget: { appUrl: config.APP_URL, stripeSecret: settings.stripe.webhookSecret, gocardlessSecret: settings.gocardless.webhookSecret },
  clientIds: { gocardless: settings.gocardless.clientId, stripe: settings.stripe.clientId },
  autoAdvance: true,
  debitCollectMs: config.SANDBOX_DEBIT_SECONDS * 1000,
});
ensureDemoAccounts(config.SESSION_SECRET);

const url = new URL(config.SANDBOX_URL);
const server = createServer(sandboxRequestHandler((error) => logger.error({ err: error }, "sandbox handler failed")));
server.listen(Number(url.port || 80), config.HOST, () => logger.info({ url: config.SANDBOX_URL }, "provider sandbox listening"));
const ticker = setInterval(() => void runDueSandboxTasks().catch((error) => logger.error({ err: error }, "sandbox task failed")), 250);

onShutdown(logger, async () => {
  clearInterval(ticker);
  await new Promise((resolve) => server.close(resolve));
});

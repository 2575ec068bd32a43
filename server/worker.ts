/**
 * The worker process (npm run worker): webhook processing and email delivery, and the periodic jobs.
 * Any number of workers can share the database: every piece of work is claimed before it is done
 * (app/domain/queue.ts), so nothing is done twice, and what a dead worker held is taken up again.
 */
import { deliverDueEmails, localMailboxTransport } from "~/domain/outbox";
import { startPoller } from "~/domain/queue";
import { lastDeliveryAt, processDueEvents } from "~/domain/webhooks";
import { createDb } from "~/lib/db.server";
import { createProviders } from "../integrations";
import { resendTransport } from "../integrations/resend";
import { loadRuntime, onShutdown } from "./runtime";
import { nightlyProviderCheck } from "~/domain/provider-checks";
import { type ScheduledJob, startScheduler } from "~/domain/scheduler";
import { journalJobs } from "~/domain/journal/notice";
import { runAutomaticDebits } from "~/domain/debits/job";

const POLL_MS = 250;
/**
 * Acknowledging deliveries comes first: processing events and sending emails take SQLite's one write lock
 * (and CPU), which storing deliveries needs too. While deliveries are arriving (the newest stored less than
 * BURST_GAP_MS ago), each event and each email waits, at most MAX_WAIT_MS, so a long flood is still
 * processed, more slowly, and nothing waits once it ends. Measured: with it, ingestion beside a working
 * worker goes from about 700 to about 1,100 deliveries/s (1,500 with no worker at all).
 */
const BURST_GAP_MS = 100;
const MAX_WAIT_MS = 200;

const { config, logger } = loadRuntime("worker");
const db = createDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
const providers = createProviders(config);
const transport = config.RESEND_API_KEY
  ? resendTransport(config.RESEND_API_KEY, { baseUrl: config.RESEND_BASE_URL })
  : localMailboxTransport(db, config.ENCRYPTION_KEY);

async function deliveriesFirst() {
  for (const giveUpAt = Date.now() + MAX_WAIT_MS; Date.now() < giveUpAt; ) {
    const last = await lastDeliveryAt(db);
    if (!last || Date.now() - last.getTime() > BURST_GAP_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Then payments before their emails: rendering and sending notices takes this process's CPU and the write
 * lock from the ledger. While the webhook queue is busy, each email waits, at most MAX_EMAIL_WAIT_MS (a
 * long burst still lets emails through, slowly); they all go once the burst is recorded.
 */
const MAX_EMAIL_WAIT_MS = 1_000;
let eventsBusyUntil = 0;

async function paymentsFirst() {
  await deliveriesFirst();
  for (const giveUpAt = Date.now() + MAX_EMAIL_WAIT_MS; Date.now() < Math.min(eventsBusyUntil, giveUpAt); ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const webhookDeps = { db, providers, encryptionKey: config.ENCRYPTION_KEY, appUrl: config.APP_URL, log: logger.child({ queue: "webhooks" }) };
const webhooks = startPoller(
  "webhooks",
  async () => {
    const done = await processDueEvents({ ...webhookDeps, beforeEach: deliveriesFirst });
    if (done) eventsBusyUntil = Date.now() + POLL_MS;
    return done;
  },
  logger,
  POLL_MS,
);
const outbox = startPoller(
  "outbox",
  () =>
    deliverDueEmails({
      db,
      transport,
      from: config.EMAIL_FROM,
      encryptionKey: config.ENCRYPTION_KEY,
      log: logger.child({ queue: "outbox" }),
      beforeEach: paymentsFirst,
    }),
  logger,
  POLL_MS,
);
/**
 * Automatic SEPA debits (issue 15, docs/decisions/0020): every night at 02:00 Paris time, the due
 * pre-notifications and GoCardless's payments; run once per night whatever the number of workers, and safe
 * to run twice.
 */
const automaticDebits: ScheduledJob = {
  name: "automatic-debits",
  schedule: "0 2 * * *",
  timezone: "Europe/Paris",
  run: async (now) => {
    await runAutomaticDebits(
      { db, gocardless: providers.gocardless, encryptionKey: config.ENCRYPTION_KEY, log: logger.child({ job: "automatic-debits" }), appUrl: config.APP_URL },
      now,
    );
  },
};
// Issue 16: the draft journal's sync and the validator's notice; every night at 03:00 (Paris), each
// organisation's providers are asked what the webhooks missed.
const scheduler = startScheduler(
  db,
  [automaticDebits, ...journalJobs(db, config.APP_URL), nightlyProviderCheck({ ...webhookDeps, log: logger.child({ job: "provider-check" }) })],
  logger,
);
logger.info({ transport: transport.name }, "worker started");

onShutdown(logger, async () => {
  await Promise.all([webhooks.stop(), outbox.stop(), scheduler.stop()]);
  await db.$disconnect();
});

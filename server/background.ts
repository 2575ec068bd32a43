/**
 * The background thread: webhook processing and email delivery, off the thread that answers requests,
 * with its own database connection. Work is claimed row by row, so nothing is lost or doubled if this
 * thread (or the whole server) stops in the middle; the next start takes it up again.
 */
import { parentPort, workerData } from "node:worker_threads";
import { deliverDueEmails, localMailboxTransport } from "~/domain/outbox";
import { processDueEvents } from "~/domain/webhooks";
import type { Config } from "~/lib/config.server";
import { createDb } from "~/lib/db.server";
import { createLogger } from "~/lib/logger.server";
import { createProviders } from "../integrations";
import { resendTransport } from "../integrations/resend";
import { forwardSandboxRequests, type BackgroundMessage } from "./background-thread";
import { startPoller } from "./worker";

export interface BackgroundData {
  config: Config;
  /** One number, kept by the request thread: how busy it has been lately, in percent. */
  requestThreadLoad: SharedArrayBuffer;
}

/**
 * Acknowledging deliveries and answering people comes first. Each webhook event waits while the request
 * thread is busier than BUSY_PERCENT or deliveries are still pouring in (one stored in the last
 * BURST_GAP_MS): its transaction would hold the database's write lock that acknowledgements need. It
 * waits at most MAX_YIELD_MS, so a long flood still sees progress.
 */
const BUSY_PERCENT = 50;
const BURST_GAP_MS = 20;
const MAX_YIELD_MS = 2000;

const { config, requestThreadLoad } = workerData as BackgroundData;
const port = parentPort!;
const logger = createLogger(config.LOG_LEVEL).child({ thread: "background" });
const db = createDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
const providers = createProviders(config);
if (providers.settings.gocardless.sandbox || providers.settings.stripe.sandbox) await forwardSandboxRequests(port);

const load = new Int32Array(requestThreadLoad);
let lastDeliveryAt = 0;
async function yieldToRequests() {
  const until = Date.now() + MAX_YIELD_MS;
  const busy = () => Atomics.load(load, 0) > BUSY_PERCENT || Date.now() - lastDeliveryAt < BURST_GAP_MS;
  while (busy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

const outboxDeps = {
  db,
  transport: config.RESEND_API_KEY ? resendTransport(config.RESEND_API_KEY) : localMailboxTransport,
  from: config.EMAIL_FROM,
  log: logger.child({ worker: "outbox" }),
};
const outbox = startPoller("outbox", () => deliverDueEmails(outboxDeps, new Date()), logger);
const webhookDeps = {
  db,
  providers,
  encryptionKey: config.ENCRYPTION_KEY,
  appUrl: config.APP_URL,
  log: logger.child({ worker: "webhooks" }),
  beforeEach: yieldToRequests,
};
const webhooks = startPoller(
  "webhooks",
  async () => {
    // Drain: a burst of deliveries is processed in consecutive passes, then the outbox sends the notices.
    while ((await processDueEvents(webhookDeps, new Date())) > 0) outbox.kick();
  },
  logger,
  2000,
);
outbox.kick();
webhooks.kick();

port.on("message", async (message: BackgroundMessage) => {
  if (message.type === "kick" && message.queue === "webhooks") lastDeliveryAt = Date.now();
  if (message.type === "kick") (message.queue === "outbox" ? outbox : webhooks).kick();
  if (message.type === "stop") {
    outbox.stop();
    webhooks.stop();
    await Promise.all([outbox.idle(), webhooks.idle()]);
    await db.$disconnect();
    port.postMessage({ type: "stopped" } satisfies BackgroundMessage);
  }
});

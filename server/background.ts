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
  /** One counter, kept by the request thread: requests being answered right now. */
  requestsInFlight: SharedArrayBuffer;
}

/** The longest a webhook event waits for requests in flight before it is processed anyway. */
const MAX_YIELD_MS = 250;

const { config, requestsInFlight } = workerData as BackgroundData;
const port = parentPort!;
const logger = createLogger(config.LOG_LEVEL).child({ thread: "background" });
const db = createDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
const providers = createProviders(config);
if (providers.settings.gocardless.sandbox || providers.settings.stripe.sandbox) await forwardSandboxRequests(port);

const inFlight = new Int32Array(requestsInFlight);
async function yieldToRequests() {
  const until = Date.now() + MAX_YIELD_MS;
  while (Atomics.load(inFlight, 0) > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
}

const outboxDeps = { db, transport: config.RESEND_API_KEY ? resendTransport(config.RESEND_API_KEY) : localMailboxTransport, from: config.EMAIL_FROM, log: logger.child({ worker: "outbox" }) };
const outbox = startPoller("outbox", () => deliverDueEmails(outboxDeps, new Date()), logger);
const webhookDeps = { db, providers, encryptionKey: config.ENCRYPTION_KEY, appUrl: config.APP_URL, log: logger.child({ worker: "webhooks" }), beforeEach: yieldToRequests };
const webhooks = startPoller("webhooks", async () => {
  // Drain: a burst of deliveries is processed in consecutive passes, then the outbox sends the notices.
  while ((await processDueEvents(webhookDeps, new Date())) > 0) outbox.kick();
}, logger, 2000);
outbox.kick();
webhooks.kick();

port.on("message", async (message: BackgroundMessage) => {
  if (message.type === "kick") (message.queue === "outbox" ? outbox : webhooks).kick();
  if (message.type === "stop") {
    outbox.stop();
    webhooks.stop();
    await Promise.all([outbox.idle(), webhooks.idle()]);
    await db.$disconnect();
    port.postMessage({ type: "stopped" } satisfies BackgroundMessage);
  }
});

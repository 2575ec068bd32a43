import { randomUUID } from "node:crypto";
import type { Db, RowWriter } from "~/lib/db.server";
import { decryptSecret } from "~/lib/crypto.server";
import type { Logger } from "~/lib/logger.server";
import type { GoCardlessProvider } from "../../integrations/gocardless";
import type { NormalisedEvent, ProviderEvent, ProviderId } from "../../integrations/types";
import { notify } from "./notifications";
import { applyPaymentFact, applyRefund, flagPayment, type PaymentChange } from "./payments";

export const MAX_WEBHOOK_ATTEMPTS = 10;
/** An event left "processing" this long was interrupted (crash, restart) and is taken up again. */
const STALE_PROCESSING_MS = 5 * 60 * 1000;

export function webhookBackoffMs(attempt: number) {
  return Math.min(15_000 * 2 ** (attempt - 1), 60 * 60 * 1000);
}

export interface Delivery {
  provider: ProviderId;
  events: ProviderEvent[];
}

type StoreResult = { stored: number; duplicates: number };

const INSERT_EVENT = `INSERT OR IGNORE INTO "WebhookEvent" ("id", "provider", "eventId", "type", "accountId", "payload", "status", "attempts", "nextAttemptAt", "receivedAt")
  VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`;

/**
 * Stores each event once (unique by provider and event id) before anything else happens, so the
 * delivery can be acknowledged at once and nothing is lost if processing fails later. Several
 * deliveries are written together; each learns how many of its events were new.
 */
export async function storeDeliveries(writeRows: RowWriter, deliveries: Delivery[], now: Date): Promise<StoreResult[]> {
  const at = now.toISOString();
  const changes = await writeRows(
    INSERT_EVENT,
    deliveries.flatMap(({ provider, events }) =>
      events.map((event) => [randomUUID(), provider, event.id, event.type.slice(0, 100), event.accountId.slice(0, 100), JSON.stringify(event), at, at]),
    ),
  );
  let row = 0;
  return deliveries.map(({ events }) => {
    const stored = events.filter(() => changes[row++] === 1).length;
    return { stored, duplicates: events.length - stored };
  });
}

/**
 * Group commit: deliveries that arrive while a write is under way are stored together by the next
 * one, so a burst costs one disk sync per batch instead of one per delivery.
 */
export function createEventInbox(writeRows: RowWriter, maxEventsPerWrite = 500) {
  type Waiting = Delivery & { resolve: (result: Promise<StoreResult>) => void };
  const queue: Waiting[] = [];
  let writing = false;
  const drain = async () => {
    while (queue.length) {
      let events = 0;
      const over = queue.findIndex((waiting) => (events += waiting.events.length) > maxEventsPerWrite);
      const batch = queue.splice(0, over === -1 ? queue.length : Math.max(over, 1));
      const results = storeDeliveries(writeRows, batch, new Date());
      batch.forEach((waiting, i) => {
        waiting.resolve(results.then((each) => each[i]));
      });
      await results.catch(() => {}); // each delivery of the batch is answered with the error
    }
    writing = false;
  };
  return {
    store(delivery: Delivery) {
      return new Promise<StoreResult>((resolve) => {
        queue.push({ ...delivery, resolve });
        // Started on the next turn: deliveries read in this one join the same write.
        if (!writing) {
          writing = true;
          setImmediate(drain);
        }
      });
    },
  };
}

export interface WebhookDeps {
  db: Db;
  providers: { gocardless: GoCardlessProvider };
  encryptionKey: string;
  appUrl: string;
  log: Logger;
  /** Awaited before each event: the background thread lets requests in flight go first. */
  beforeEach?: () => Promise<void>;
}

/** Processes what is due; each event is claimed before processing so two workers never process it twice. */
export async function processDueEvents(deps: WebhookDeps, now: Date, limit = 100) {
  const { db, log } = deps;
  const due = await db.webhookEvent.findMany({
    where: {
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "processing", nextAttemptAt: { lte: new Date(now.getTime() - STALE_PROCESSING_MS) } },
      ],
    },
    orderBy: { receivedAt: "asc" },
    take: limit,
  });
  let done = 0;
  for (const event of due) {
    await deps.beforeEach?.();
    const claim = await db.webhookEvent.updateMany({
      where: { id: event.id, status: event.status, attempts: event.attempts },
      data: { status: "processing", attempts: { increment: 1 }, nextAttemptAt: now },
    });
    if (claim.count !== 1) continue;
    const attempt = event.attempts + 1;
    try {
      const outcome = await processEvent(deps, event.provider as ProviderId, JSON.parse(event.payload) as ProviderEvent, now);
      await db.webhookEvent.update({
        where: { id: event.id },
        data: { status: outcome.status, organisationId: outcome.organisationId, lastError: outcome.note ?? null, processedAt: new Date() },
      });
      done++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = attempt >= MAX_WEBHOOK_ATTEMPTS;
      await db.webhookEvent.update({
        where: { id: event.id },
        data: { status: giveUp ? "failed" : "pending", lastError: message.slice(0, 500), nextAttemptAt: new Date(now.getTime() + webhookBackoffMs(attempt)) },
      });
      log.warn({ webhookEventId: event.id, provider: event.provider, type: event.type, attempt, giveUp, error: message }, "webhook processing failed");
    }
  }
  return done;
}

/** At start-up of the only instance (embedded database), events interrupted by a crash are taken up at once. */
export async function reclaimInterruptedEvents(db: Db) {
  const { count } = await db.webhookEvent.updateMany({ where: { status: "processing" }, data: { status: "pending" } });
  return count;
}

export async function reprocessEvent(db: Db, organisationId: string, id: string, now: Date) {
  const { count } = await db.webhookEvent.updateMany({
    where: { id, organisationId, status: { in: ["failed", "ignored", "processed"] } },
    data: { status: "pending", nextAttemptAt: now, attempts: 0 },
  });
  return count === 1;
}

export function listWebhookEvents(db: Db, organisationId: string, take = 100) {
  return db.webhookEvent.findMany({
    where: { organisationId },
    orderBy: { receivedAt: "desc" },
    take,
    select: { id: true, provider: true, eventId: true, type: true, status: true, attempts: true, lastError: true, receivedAt: true, processedAt: true },
  });
}

type Outcome = { status: "processed" | "ignored"; organisationId: string | null; note?: string };

async function processEvent(deps: WebhookDeps, provider: ProviderId, event: ProviderEvent, now: Date): Promise<Outcome> {
  const { db } = deps;
  const connection = await db.providerConnection.findUnique({ where: { provider_accountId: { provider, accountId: event.accountId } } });
  // Events for an account we do not know (or no longer hold) are kept in the log and change nothing.
  if (!connection || connection.revokedAt)
    return { status: "ignored", organisationId: connection?.organisationId ?? null, note: "unknown or disconnected account" };
  const organisationId = connection.organisationId;
  if (event.livemode !== null && event.livemode !== (connection.environment === "live"))
    return { status: "ignored", organisationId, note: "live/test mode does not match the connection" };

  const e: NormalisedEvent = event.event;
  switch (e.kind) {
    case "payment": {
      let fact = { ...e, organisationId, provider, method: provider === "gocardless" ? "direct_debit" : "card" };
      // Stripe events carry the amount and invoice; a GoCardless event names only the payment.
      const known =
        provider === "gocardless" &&
        (await db.payment.findUnique({ where: { provider_providerPaymentId: { provider, providerPaymentId: e.providerPaymentId } } }));
      if (provider === "gocardless" && !known) {
        // An event about a payment we have not recorded yet (it overtook the others): ask GoCardless for it.
        const payment = await deps.providers.gocardless.fetchPayment(decryptSecret(deps.encryptionKey, connection.encryptedToken), e.providerPaymentId);
        fact = {
          ...fact,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          invoiceId: payment.metadata.invoice_id,
          attemptId: payment.metadata.attempt_id,
        };
      }
      await db.$transaction(async (tx) => {
        const change = await applyPaymentFact(tx, fact, now);
        if (change) await notifyPaymentChangeTx(tx, deps.appUrl, organisationId, provider, change);
      });
      return { status: "processed", organisationId };
    }
    case "refund":
      await db.$transaction(async (tx) => {
        const refund = await applyRefund(tx, organisationId, provider, e.providerPaymentId, e.refundedMinor);
        if (refund) {
          await notify(
            tx,
            {
              organisationId,
              kind: "payment_refunded",
              dedupeKey: `refund/${refund.payment.id}/${refund.payment.refundedMinor}`,
              invoiceId: refund.payment.invoiceId,
              amountMinor: refund.newlyRefundedMinor,
              currency: refund.payment.currency,
              provider,
            },
            deps.appUrl,
          );
        }
      });
      return { status: "processed", organisationId };
    case "dispute":
      await db.$transaction(async (tx) => {
        const payment = await flagPayment(tx, organisationId, provider, e.providerPaymentId, "dispute");
        if (payment) {
          await notify(
            tx,
            {
              organisationId,
              kind: "payment_disputed",
              dedupeKey: `dispute/${payment.id}`,
              invoiceId: payment.invoiceId,
              amountMinor: payment.amountMinor,
              currency: payment.currency,
              provider,
            },
            deps.appUrl,
          );
        }
      });
      return { status: "processed", organisationId };
    case "mandate_ready":
      return collectAfterMandate(deps, connection, e, now);
    case "deauthorized":
      await db.$transaction(async (tx) => {
        await tx.providerConnection.update({ where: { id: connection.id }, data: { revokedAt: now } });
        await notify(tx, { organisationId, kind: "provider_deauthorized", dedupeKey: `deauthorized/${connection.id}/${event.id}`, provider }, deps.appUrl);
      });
      return { status: "processed", organisationId };
    case "mandate":
      return { status: "processed", organisationId, note: `mandate ${e.mandateId} ${e.action}` };
    default:
      return { status: "ignored", organisationId, note: `no action for ${event.type}` };
  }
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function notifyPaymentChangeTx(tx: Tx, appUrl: string, organisationId: string, provider: string, change: NonNullable<PaymentChange>) {
  const kind =
    change.to === "confirmed" ? "payment_received" : change.to === "failed" ? "payment_failed" : change.to === "charged_back" ? "payment_charged_back" : null;
  if (!kind) return;
  const { payment } = change;
  await notify(
    tx,
    {
      organisationId,
      kind,
      dedupeKey: `${kind}/${payment.id}`,
      invoiceId: payment.invoiceId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      provider,
      customer: kind !== "payment_charged_back",
    },
    appUrl,
  );
}

/**
 * The payer completed the GoCardless flow: the mandate exists, so the payment is created against it.
 * The idempotency key is the checkout attempt: a replayed event returns the same payment, never a second one.
 */
async function collectAfterMandate(
  deps: WebhookDeps,
  connection: { organisationId: string; encryptedToken: string },
  e: Extract<NormalisedEvent, { kind: "mandate_ready" }>,
  now: Date,
): Promise<Outcome> {
  const { db } = deps;
  const organisationId = connection.organisationId;
  const attempt = await db.checkoutAttempt.findFirst({ where: { organisationId, provider: "gocardless", providerRef: e.billingRequestId } });
  if (!attempt) return { status: "ignored", organisationId, note: `no checkout for billing request ${e.billingRequestId}` };
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: attempt.invoiceId } });
  const existing = await db.payment.findFirst({ where: { checkoutAttemptId: attempt.id } });
  if (existing) return { status: "processed", organisationId, note: "payment already created" };
  const amountMinor = Math.min(attempt.amountMinor, invoice.amountDueMinor);
  if (amountMinor <= 0 || invoice.status === "void") {
    await db.checkoutAttempt.update({ where: { id: attempt.id }, data: { status: "expired" } });
    return { status: "processed", organisationId, note: "nothing left to collect" };
  }
  const payment = await deps.providers.gocardless.collectOnMandate({
    accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken),
    mandateId: e.mandateId,
    amountMinor,
    currency: invoice.currency,
    description: invoice.number ?? invoice.id,
    metadata: { invoice_id: invoice.id, attempt_id: attempt.id },
    idempotencyKey: `payment-${attempt.id}`,
  });
  await db.$transaction((tx) =>
    applyPaymentFact(
      tx,
      {
        organisationId,
        provider: "gocardless",
        providerPaymentId: payment.id!,
        status: "processing",
        method: "direct_debit",
        invoiceId: invoice.id,
        amountMinor,
        currency: invoice.currency,
        attemptId: attempt.id,
        mandateId: e.mandateId,
      },
      now,
    ),
  );
  return { status: "processed", organisationId };
}

/**
 * What each kind of provider event does, one handler per kind. Provider-specific work (asking the
 * provider about a payment, charging a mandate) goes through the provider contract.
 */
import { decryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { NormalisedEvent, PaymentProvider, ProviderEvent, ProviderId } from "../../../integrations/types";
import { notify } from "../notifications";
import { applyPaymentFact, applyRefund, flagPayment, type PaymentChange } from "../payments";

export interface WebhookDeps {
  db: Db;
  providers: { get(id: ProviderId): PaymentProvider };
  encryptionKey: string;
  appUrl: string;
  log: Logger;
}

type Outcome = { status: "processed" | "ignored"; organisationId: string | null; note?: string };
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type Connection = { id: string; organisationId: string; accountId: string; encryptedToken: string };

interface EventContext<K extends NormalisedEvent["kind"]> {
  deps: WebhookDeps;
  provider: PaymentProvider;
  connection: Connection;
  event: ProviderEvent;
  e: Extract<NormalisedEvent, { kind: K }>;
  now: Date;
}

type Handlers = { [K in NormalisedEvent["kind"]]: (context: EventContext<K>) => Promise<Outcome> };

const account = (deps: WebhookDeps, connection: Connection) => ({
  accountId: connection.accountId,
  accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken),
});

const handlers: Handlers = {
  async payment({ deps, provider, connection, e, now }) {
    const { db } = deps;
    const organisationId = connection.organisationId;
    let fact = { ...e, organisationId, provider: provider.id, method: provider.methods[0] };
    if (fact.amountMinor === undefined || !fact.invoiceId) {
      const known = await db.payment.findUnique({ where: { provider_providerPaymentId: { provider: provider.id, providerPaymentId: e.providerPaymentId } } });
      if (!known) {
        // The event names only a payment we have not recorded yet (it overtook the others): ask the provider.
        const payment = await provider.fetchPayment(account(deps, connection), e.providerPaymentId);
        fact = { ...fact, ...payment };
      }
    }
    await db.$transaction(async (tx) => {
      const change = await applyPaymentFact(tx, fact, now);
      if (change) await notifyPaymentChange(tx, deps.appUrl, organisationId, provider.id, change);
    });
    return { status: "processed", organisationId };
  },

  async refund({ deps, provider, connection, e }) {
    const organisationId = connection.organisationId;
    await deps.db.$transaction(async (tx) => {
      const refund = await applyRefund(tx, organisationId, provider.id, e.providerPaymentId, e.refundedMinor);
      if (!refund) return;
      const { payment } = refund;
      const facts = { organisationId, invoiceId: payment.invoiceId, currency: payment.currency, provider: provider.id };
      await notify(
        tx,
        { ...facts, kind: "payment_refunded", dedupeKey: `refund/${payment.id}/${payment.refundedMinor}`, amountMinor: refund.newlyRefundedMinor },
        deps.appUrl,
      );
    });
    return { status: "processed", organisationId };
  },

  async dispute({ deps, provider, connection, e }) {
    const organisationId = connection.organisationId;
    await deps.db.$transaction(async (tx) => {
      const payment = await flagPayment(tx, organisationId, provider.id, e.providerPaymentId, "dispute");
      if (!payment) return;
      const facts = { organisationId, invoiceId: payment.invoiceId, amountMinor: payment.amountMinor, currency: payment.currency, provider: provider.id };
      await notify(tx, { ...facts, kind: "payment_disputed", dedupeKey: `dispute/${payment.id}` }, deps.appUrl);
    });
    return { status: "processed", organisationId };
  },

  mandate_ready: collectAfterMandate,

  async deauthorized({ deps, provider, connection, event, now }) {
    const organisationId = connection.organisationId;
    await deps.db.$transaction(async (tx) => {
      await tx.providerConnection.update({ where: { id: connection.id }, data: { revokedAt: now } });
      await notify(
        tx,
        { organisationId, kind: "provider_deauthorized", dedupeKey: `deauthorized/${connection.id}/${event.id}`, provider: provider.id },
        deps.appUrl,
      );
    });
    return { status: "processed", organisationId };
  },

  async mandate({ connection, e }) {
    return { status: "processed", organisationId: connection.organisationId, note: `mandate ${e.mandateId} ${e.action}` };
  },

  async ignored({ connection, event }) {
    return { status: "ignored", organisationId: connection.organisationId, note: `no action for ${event.type}` };
  },
};

/** Applies one stored event: checks it belongs to a connected account, then hands it to its kind's handler. */
export async function handleEvent(deps: WebhookDeps, providerId: ProviderId, event: ProviderEvent, now: Date): Promise<Outcome> {
  const connection = await deps.db.providerConnection.findUnique({ where: { provider_accountId: { provider: providerId, accountId: event.accountId } } });
  // Events for an account we do not know (or no longer hold) are kept in the log and change nothing.
  if (!connection || connection.revokedAt) {
    return { status: "ignored", organisationId: connection?.organisationId ?? null, note: "unknown or disconnected account" };
  }
  if (event.livemode !== null && event.livemode !== (connection.environment === "live")) {
    return { status: "ignored", organisationId: connection.organisationId, note: "live/test mode does not match the connection" };
  }
  const handle = handlers[event.event.kind] as (context: EventContext<NormalisedEvent["kind"]>) => Promise<Outcome>;
  return handle({ deps, provider: deps.providers.get(providerId), connection, event, e: event.event, now });
}

async function notifyPaymentChange(tx: Tx, appUrl: string, organisationId: string, provider: string, change: NonNullable<PaymentChange>) {
  const kind =
    change.to === "confirmed" ? "payment_received" : change.to === "failed" ? "payment_failed" : change.to === "charged_back" ? "payment_charged_back" : null;
  if (!kind) return;
  const { payment } = change;
  const facts = { organisationId, invoiceId: payment.invoiceId, amountMinor: payment.amountMinor, currency: payment.currency, provider };
  await notify(tx, { ...facts, kind, dedupeKey: `${kind}/${payment.id}`, customer: kind !== "payment_charged_back" }, appUrl);
}

/**
 * The payer completed the provider's mandate flow: the payment is created against the new mandate. The
 * idempotency key is the checkout attempt: a replayed event returns the same payment, never a second one.
 */
async function collectAfterMandate({ deps, provider, connection, e, now }: EventContext<"mandate_ready">): Promise<Outcome> {
  const { db } = deps;
  const organisationId = connection.organisationId;
  const attempt = await db.checkoutAttempt.findFirst({ where: { organisationId, provider: provider.id, providerRef: e.billingRequestId } });
  if (!attempt) return { status: "ignored", organisationId, note: `no checkout for billing request ${e.billingRequestId}` };
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: attempt.invoiceId } });
  const existing = await db.payment.findFirst({ where: { checkoutAttemptId: attempt.id } });
  if (existing) return { status: "processed", organisationId, note: "payment already created" };
  const amountMinor = Math.min(attempt.amountMinor, invoice.amountDueMinor);
  if (amountMinor <= 0 || invoice.status === "void") {
    await db.checkoutAttempt.update({ where: { id: attempt.id }, data: { status: "expired" } });
    return { status: "processed", organisationId, note: "nothing left to collect" };
  }
  const payment = await provider.collectOnMandate(account(deps, connection), {
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
        provider: provider.id,
        providerPaymentId: payment.providerPaymentId,
        status: "processing",
        method: provider.methods[0],
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

/**
 * What each kind of provider event does, one handler per kind. Provider-specific work (asking the
 * provider about a payment, charging a mandate) goes through the provider contract.
 */
import { decryptSecret } from "~/lib/crypto.server";
import type { Db, Tx } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { MandateProvider, NormalisedEvent, PaymentProvider, ProviderEvent, ProviderId } from "../../../integrations/types";
import { balancePayer } from "../checkout";
import { applyProviderMandateEvent, recordProviderMandate } from "../mandates/service";
import { moveDebit, syncDebitWithPayment } from "../debits/service";
import { previewSpread, spreadBalance } from "../debits/plans";
import { type NoticeContext, notify } from "../notifications";
import { applyPaymentFact, applyReversal, type PaymentChange, type PaymentFact, type ReversalFact } from "../payments";
import { PermanentError } from "../queue";

export interface WebhookDeps {
  db: Db;
  providers: { get(id: ProviderId): PaymentProvider; gocardless: MandateProvider };
  encryptionKey: string;
  appUrl: string;
  log: Logger;
  /**
   * Runs the event's writes in a transaction: its own by default; inside a group of events (processDueEvents),
   * the group's, behind a savepoint. Only events that `joinsGroup` admits are given the group's.
   */
  transact?: <T>(body: (tx: Tx) => Promise<T>) => Promise<T>;
  /** Shared by the notices of one transaction (see NoticeContext). */
  notices?: NoticeContext;
  /** The connections already read in this group's transaction, by provider and account (payments never change them). */
  connections?: Map<string, ConnectionRow | null>;
}

type ConnectionRow = Connection & { revokedAt: Date | null; environment: string };

export type Outcome = { status: "processed" | "ignored" | "rejected"; organisationId: string | null; note?: string };
/** Saves the event's outcome inside the handler's own transaction (see processDueEvents). */
type RecordOutcome = (tx: Tx, outcome: Outcome) => Promise<void>;
type Connection = { id: string; organisationId: string; accountId: string; encryptedToken: string };

interface EventContext<K extends NormalisedEvent["kind"]> {
  deps: WebhookDeps;
  provider: PaymentProvider;
  connection: Connection;
  event: ProviderEvent;
  e: Extract<NormalisedEvent, { kind: K }>;
  now: Date;
  record: RecordOutcome;
}

type Handlers = { [K in NormalisedEvent["kind"]]: (context: EventContext<K>) => Promise<Outcome> };

/** GoCardless's hosted flows expire after 7 days: a mandate of ours still waiting after that never will be linked. */
const FLOW_LIFETIME_MS = 7 * 86400_000;

const account = (deps: WebhookDeps, connection: Connection) => ({
  accountId: connection.accountId,
  accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken),
});

const handlers: Handlers = {
  async payment({ deps, provider, connection, event, e, record }) {
    const { db } = deps;
    const organisationId = connection.organisationId;
    const { kind: _kind, retrying: _retrying, ...facts } = e;
    let fact: PaymentFact = { ...facts, organisationId, provider: provider.id, method: provider.methods[0], at: new Date(event.createdAt) };
    if (fact.amountMinor === undefined || (!fact.invoiceId && !fact.customerId)) {
      const known = await db.payment.findUnique({
        where: { provider_providerPaymentId: { provider: provider.id, providerPaymentId: e.providerPaymentId } },
        select: { id: true },
      });
      // The event names only a payment we have not recorded yet (it overtook the others): ask the provider.
      if (!known && fact.amountMinor === undefined) {
        const {
          debitRequestId: _request,
          instalmentScheduleId,
          chargeDate,
          ...fetched
        } = await provider.fetchPayment(account(deps, connection), e.providerPaymentId);
        fact = { ...fact, ...fetched };
        // A payment of a GoCardless instalment schedule we created: it pays the customer's balance (decision 0020).
        if (instalmentScheduleId && !fact.invoiceId && !fact.customerId) {
          const instalment = await linkInstalmentPayment(db, organisationId, instalmentScheduleId, e.providerPaymentId, chargeDate);
          if (instalment) fact = { ...fact, customerId: instalment.customerId };
        }
      }
      // The merchant's account takes other payments than our invoices': those are none of our business.
      if (!known && !fact.invoiceId && !fact.customerId) {
        return { status: "ignored", organisationId, note: `payment ${e.providerPaymentId} is not for one of our invoices` };
      }
    }
    const outcome: Outcome = {
      status: "processed",
      organisationId,
      note: e.retrying ? `failed (${e.reason ?? "unknown cause"}); ${provider.id} will retry` : undefined,
    };
    await transact(deps)(async (tx) => {
      if (e.attemptId) await checkAgainstCheckout(tx, organisationId, fact);
      const change = await applyPaymentFact(tx, fact);
      if (change) {
        // An automatic debit's request follows its payment: collected, failed (the invoice is open again), on its way.
        await syncDebitWithPayment(tx, change.payment, change.to, fact.at, fact.reason);
        await notifyPaymentChange(tx, deps, organisationId, change);
        // Refunds or disputes that overtook the payment are told now that it is known.
        for (const reversal of change.reversals) await notifyReversal(tx, deps, reversal, change.payment);
      }
      await record(tx, outcome);
    });
    return outcome;
  },

  async refund({ deps, provider, connection, event, e, record }) {
    const organisationId = connection.organisationId;
    let { providerPaymentId, amountMinor, currency } = e;
    if (!providerPaymentId || amountMinor === undefined || !currency) {
      ({ providerPaymentId, amountMinor, currency } = await provider.fetchRefund(account(deps, connection), e.refundId));
    }
    const fact = { organisationId, provider: provider.id, kind: "refund" as const, providerRef: e.refundId, providerPaymentId, amountMinor, currency };
    return applyReversalEvent(deps, { ...fact, status: e.status, reason: e.reason, at: new Date(event.createdAt) }, record);
  },

  async dispute({ deps, provider, connection, event, e, record }) {
    const { disputeId, kind: _kind, ...facts } = e;
    const organisationId = connection.organisationId;
    const fact = { ...facts, organisationId, provider: provider.id, kind: "dispute" as const, providerRef: disputeId, at: new Date(event.createdAt) };
    return applyReversalEvent(deps, fact, record);
  },

  async checkout_expired({ deps, provider, connection, e }) {
    const organisationId = connection.organisationId;
    const { count } = await deps.db.checkoutAttempt.updateMany({
      where: { organisationId, provider: provider.id, providerRef: e.checkoutRef, status: { in: ["creating", "open"] } },
      data: { status: "expired" },
    });
    return { status: count ? "processed" : "ignored", organisationId, note: count ? undefined : "checkout already closed" };
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

  /** A GoCardless mandate event: the mandate's status and history, once per event (see applyProviderMandateEvent). */
  async mandate({ deps, connection, event, e, record, now }) {
    const organisationId = connection.organisationId;
    let outcome: Outcome = { status: "ignored", organisationId, note: `mandate ${e.mandateId} is not one of ours` };
    await deps.db.$transaction(async (tx) => {
      const applied = await applyProviderMandateEvent(tx, {
        organisationId,
        providerMandateId: e.mandateId,
        action: e.action,
        at: new Date(event.createdAt),
        providerEventId: `${event.id}`,
        newMandateId: e.newMandateId,
        cause: e.cause,
      });
      if (applied) outcome = { status: "processed", organisationId, note: `mandate ${e.mandateId} ${e.action}${applied.applied ? "" : ` (${applied.note})`}` };
      // The merchant hears of a mandate that can no longer be debited (the customer's bank cancelled it, it failed or lapsed).
      if (applied?.mandate && applied.status && ["cancelled", "failed", "expired"].includes(applied.status)) {
        await notify(
          tx,
          {
            organisationId,
            kind: "mandate_ended",
            dedupeKey: `mandate_ended/${applied.mandate.id}/${event.id}`,
            invoiceId: applied.mandate.invoiceId ?? undefined,
            provider: "gocardless",
          },
          deps.appUrl,
        );
      }
      // GoCardless sends a new mandate's first events with the billing request's `fulfilled`, in any order: while
      // one of ours awaits its GoCardless mandate id, an unknown mandate may be it, so its event is retried, not dropped.
      else if (
        await tx.mandate.count({
          where: {
            organisationId,
            creditorKind: "gocardless",
            providerMandateId: null,
            providerRequestId: { not: null },
            status: "pending",
            createdAt: { gt: new Date(now.getTime() - FLOW_LIFETIME_MS) },
          },
        })
      )
        throw new Error(`mandate ${e.mandateId} not linked to one of ours yet`);
      await record(tx, outcome);
    });
    return outcome;
  },

  /**
   * A GoCardless instalment schedule of ours (decision 0020): `creation_failed` fails its requests (nothing
   * will be collected; the balance is due again), `cancelled` cancels those not collected. `created`,
   * `errored`, `resumed`, `completed` change nothing here: each payment's own events move its request.
   */
  async instalment_schedule({ deps, connection, event, e }) {
    const organisationId = connection.organisationId;
    const requests = await deps.db.debitRequest.findMany({ where: { organisationId, providerScheduleId: e.scheduleId } });
    if (!requests.length) return { status: "ignored", organisationId, note: `instalment schedule ${e.scheduleId} is not one of ours` };
    const to = e.action === "creation_failed" ? "failed" : e.action === "cancelled" ? "cancelled" : null;
    if (!to) return { status: "processed", organisationId, note: `instalment schedule ${e.action}` };
    const at = new Date(event.createdAt);
    await deps.db.$transaction(async (tx) => {
      for (const request of requests.filter((r) => r.status === "submitted" || r.status === "notified" || r.status === "scheduled")) {
        await moveDebit(tx, request, to, at, { note: `instalment schedule ${e.action}`, data: to === "failed" ? { failureReason: e.cause ?? e.action } : {} });
      }
    });
    return { status: "processed", organisationId, note: `instalment schedule ${e.action}` };
  },

  async rejected({ e }) {
    throw new PermanentError(e.reason);
  },

  async ignored({ connection, event }) {
    return { status: "ignored", organisationId: connection.organisationId, note: `no action for ${event.type}` };
  },
};

const transact = (deps: WebhookDeps) => deps.transact ?? (<T>(body: (tx: Tx) => Promise<T>) => deps.db.$transaction(body));

/**
 * Whether an event's handling can join a group of events in one transaction: it must need no network call
 * and no read of the database's state before its transaction (the group's earlier events are not committed
 * yet), and write nothing outside it. A payment, refund or dispute whose event carries every fact qualifies.
 */
export function joinsGroup(event: ProviderEvent): boolean {
  const e = event?.event;
  // Anything unexpected is handled alone, where its error is reported as before.
  if (!e) return false;
  if (e.kind === "payment") return e.amountMinor !== undefined && !!(e.invoiceId || e.customerId);
  if (e.kind === "refund") return !!e.providerPaymentId && e.amountMinor !== undefined && !!e.currency;
  return e.kind === "dispute";
}

/** Applies one stored event: checks it belongs to a connected account, then hands it to its kind's handler. */
export async function handleEvent(
  deps: WebhookDeps,
  providerId: ProviderId,
  event: ProviderEvent,
  now: Date,
  record: RecordOutcome = async () => {},
): Promise<Outcome> {
  const key = [providerId, event.accountId].join("/");
  const connection = deps.connections?.get(key) ?? (await readConnection(deps.db, providerId, event.accountId));
  deps.connections?.set(key, connection);
  // Events for an account we do not know (or no longer hold) are kept in the log and change nothing.
  if (!connection || connection.revokedAt) {
    return { status: "ignored", organisationId: connection?.organisationId ?? null, note: "unknown or disconnected account" };
  }
  if (event.livemode !== null && event.livemode !== (connection.environment === "live")) {
    return { status: "ignored", organisationId: connection.organisationId, note: "live/test mode does not match the connection" };
  }
  const handle = handlers[event.event.kind] as (context: EventContext<NormalisedEvent["kind"]>) => Promise<Outcome>;
  try {
    return await handle({ deps, provider: deps.providers.get(providerId), connection, event, e: event.event, now, record });
  } catch (error) {
    // Refused for good: kept in the merchant's log with the reason, never retried.
    if (error instanceof Error && error.name === "PermanentError")
      return { status: "rejected", organisationId: connection.organisationId, note: error.message };
    throw error;
  }
}

function readConnection(db: Db, provider: ProviderId, accountId: string) {
  return db.providerConnection.findUnique({
    where: { provider_accountId: { provider, accountId } },
    select: { id: true, organisationId: true, accountId: true, encryptedToken: true, revokedAt: true, environment: true },
  });
}

/**
 * A Stripe checkout must be the one the app opened for this invoice (or this customer's balance), for
 * the amount and currency it asked: anything else is refused for good (and shown in the webhook log),
 * never recorded.
 */
async function checkAgainstCheckout(tx: Tx, organisationId: string, fact: PaymentFact) {
  const attempt = await tx.checkoutAttempt.findFirst({
    where: { id: fact.attemptId, organisationId },
    select: { invoiceId: true, customerId: true, amountMinor: true, currency: true },
  });
  const sameTarget = attempt && (attempt.invoiceId ? attempt.invoiceId === fact.invoiceId : !fact.invoiceId && attempt.customerId === fact.customerId);
  if (!attempt || !sameTarget) throw new PermanentError(`checkout ${fact.attemptId} was not opened by this account for this invoice`);
  if (attempt.currency !== fact.currency?.toUpperCase() || attempt.amountMinor !== fact.amountMinor) {
    throw new PermanentError(`paid ${fact.amountMinor} ${fact.currency}, but the checkout was opened for ${attempt.amountMinor} ${attempt.currency}`);
  }
}

async function applyReversalEvent(deps: WebhookDeps, fact: ReversalFact, record: RecordOutcome): Promise<Outcome> {
  const outcome: Outcome = { status: "processed", organisationId: fact.organisationId };
  await transact(deps)(async (tx) => {
    const change = await applyReversal(tx, fact);
    if (change?.payment) await notifyReversal(tx, deps, change.reversal, change.payment);
    await record(tx, outcome);
  });
  return outcome;
}

const PAYMENT_NOTICES = { confirmed: "payment_received", failed: "payment_failed", charged_back: "payment_charged_back" } as const;

async function notifyPaymentChange(tx: Tx, deps: Pick<WebhookDeps, "appUrl" | "notices">, organisationId: string, change: NonNullable<PaymentChange>) {
  const { payment, invoice } = change;
  const { appUrl, notices } = deps;
  const facts = {
    organisationId,
    invoiceId: payment.invoiceId ?? undefined,
    customerId: payment.customerId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    provider: payment.provider,
    method: payment.method,
    // A payment recorded just now: the notices about it are keyed by its new id, none can exist yet.
    fresh: change.from === null,
    invoice: invoice ?? undefined,
  };
  // Money back after a cancelled chargeback is news for the merchant, not a new receipt.
  if (change.to === "confirmed" && change.from === "charged_back") {
    await notify(tx, { ...facts, kind: "payment_restored", dedupeKey: `payment_restored/${payment.id}` }, appUrl, notices);
    return;
  }
  const overpaidMinor = invoice ? invoice.amountPaidMinor - (invoice.totalMinor - invoice.amountCreditedMinor) : 0;
  if (change.to === "confirmed" && overpaidMinor > 0) {
    await notify(
      tx,
      { ...facts, kind: "payment_overpaid", dedupeKey: `payment_received/${payment.id}`, excessMinor: overpaidMinor, customer: true },
      appUrl,
      notices,
    );
    return;
  }
  if (change.to === "processing") return;
  const kind = PAYMENT_NOTICES[change.to];
  await notify(tx, { ...facts, kind, dedupeKey: `${kind}/${payment.id}`, customer: kind !== "payment_charged_back" }, appUrl, notices);
}

/** Each state a refund or dispute reaches is told to the merchant once. */
async function notifyReversal(
  tx: Tx,
  deps: Pick<WebhookDeps, "appUrl" | "notices">,
  reversal: { id: string; kind: string; status: string; amountMinor: number; currency: string },
  payment: { organisationId: string; customerId: string; invoiceId: string | null; provider: string },
) {
  const kind = (
    {
      "refund/succeeded": "payment_refunded",
      "refund/failed": "payment_refund_failed",
      "refund/canceled": "payment_refund_failed",
      "dispute/open": "payment_disputed",
      "dispute/won": "payment_dispute_won",
      "dispute/lost": "payment_dispute_lost",
    } as const
  )[`${reversal.kind}/${reversal.status}` as "refund/succeeded"];
  if (!kind) return;
  await notify(
    tx,
    {
      organisationId: payment.organisationId,
      invoiceId: payment.invoiceId ?? undefined,
      customerId: payment.customerId,
      amountMinor: reversal.amountMinor,
      currency: reversal.currency,
      provider: payment.provider,
      kind,
      dedupeKey: `${reversal.kind}/${reversal.id}/${reversal.status}`,
      // The customer hears of money given back to them, not of the merchant's disputes or failures.
      customer: kind === "payment_refunded",
    },
    deps.appUrl,
    deps.notices,
  );
}

/**
 * The payer completed the provider's mandate flow: the payment is created against the new mandate. The
 * idempotency key is the checkout attempt: a replayed event returns the same payment, never a second one.
 */
async function collectAfterMandate({ deps, provider, connection, event, e }: EventContext<"mandate_ready">): Promise<Outcome> {
  const { db } = deps;
  const organisationId = connection.organisationId;
  // A mandate the customer signed with us (issue 15): GoCardless's id and reference are recorded on it.
  const signed = await db.mandate.findFirst({
    where: { organisationId, providerRequestId: e.billingRequestId, providerMandateId: null },
    select: { id: true },
  });
  if (signed) {
    const reference = await deps.providers.gocardless
      .fetchMandate(account(deps, connection), e.mandateId)
      .then((m) => m.reference || undefined)
      .catch(() => undefined);
    await db.$transaction((tx) =>
      recordProviderMandate(tx, {
        organisationId,
        billingRequestId: e.billingRequestId,
        providerMandateId: e.mandateId,
        reference,
        at: new Date(event.createdAt),
      }),
    );
    await cancelReplacedAtGoCardless(deps, connection, signed.id);
  }
  const attempt = await db.checkoutAttempt.findFirst({ where: { organisationId, provider: provider.id, providerRef: e.billingRequestId } });
  if (!attempt) return { status: "ignored", organisationId, note: `no checkout for billing request ${e.billingRequestId}` };
  const existing = await db.payment.findFirst({ where: { checkoutAttemptId: attempt.id } });
  if (existing) return { status: "processed", organisationId, note: "payment already created" };
  // The customer chose to spread the balance over three monthly debits: GoCardless's instalment schedule instead.
  const spread = signed ? await db.mandate.findUnique({ where: { id: signed.id } }) : null;
  if (spread && spread.type === "recurrent" && spread.spreadOver > 0) return spreadAfterMandate(deps, connection, spread, attempt.id, e.mandateId, event);
  // An invoice's debit takes no more than is still due; a balance debit takes what the customer chose.
  const invoice = attempt.invoiceId ? await db.invoice.findUniqueOrThrow({ where: { id: attempt.invoiceId } }) : null;
  const amountMinor = invoice ? Math.min(attempt.amountMinor, invoice.amountDueMinor) : attempt.amountMinor;
  if (amountMinor <= 0 || invoice?.status === "void") {
    await db.checkoutAttempt.update({ where: { id: attempt.id }, data: { status: "expired" } });
    return { status: "processed", organisationId, note: "nothing left to collect" };
  }
  const target = invoice ? { invoice_id: invoice.id } : { customer_id: attempt.customerId };
  const payment = await provider.collectOnMandate(account(deps, connection), {
    mandateId: e.mandateId,
    amountMinor,
    currency: attempt.currency,
    description: invoice?.number ?? balancePayer(await db.customer.findUniqueOrThrow({ where: { id: attempt.customerId } }), attempt.currency).description,
    metadata: { ...target, attempt_id: attempt.id },
    idempotencyKey: `payment-${attempt.id}`,
  });
  await db.$transaction((tx) =>
    applyPaymentFact(tx, {
      at: new Date(event.createdAt),
      organisationId,
      provider: provider.id,
      providerPaymentId: payment.providerPaymentId,
      status: "processing",
      method: provider.methods[0],
      invoiceId: invoice?.id,
      customerId: attempt.customerId,
      amountMinor,
      currency: attempt.currency,
      attemptId: attempt.id,
      mandateId: e.mandateId,
    }),
  );
  return { status: "processed", organisationId };
}

/**
 * A payment GoCardless created for one of our instalment schedules, not linked yet (the schedule was still
 * `pending` when we created it): the request of that schedule with the same charge date (else the first
 * without a payment) gets its id. Returns the request, or null when the schedule is not ours.
 */
async function linkInstalmentPayment(db: Db, organisationId: string, scheduleId: string, providerPaymentId: string, chargeDate?: string) {
  const requests = await db.debitRequest.findMany({
    where: { organisationId, providerScheduleId: scheduleId },
    orderBy: { instalmentNumber: "asc" },
  });
  const linked = requests.find((r) => r.providerPaymentId === providerPaymentId);
  if (linked) return linked;
  const open = requests.filter((r) => !r.providerPaymentId);
  const request = open.find((r) => chargeDate && r.collectionDate.toISOString().slice(0, 10) === chargeDate) ?? open[0] ?? requests[0];
  if (request && !request.providerPaymentId) await db.debitRequest.update({ where: { id: request.id }, data: { providerPaymentId } });
  return request ?? null;
}

/**
 * GoCardless set up a recurrent mandate whose customer chose three monthly debits: the balance due now is
 * spread with GoCardless's instalment schedule (created once: the mandate is its idempotency key), whose
 * payments pay the customer's balance, recorded as on their way; the schedule is sent as the pre-notification.
 */
async function spreadAfterMandate(
  deps: WebhookDeps,
  connection: Connection,
  mandate: NonNullable<Awaited<ReturnType<Db["mandate"]["findUnique"]>>>,
  attemptId: string,
  providerMandateId: string,
  event: ProviderEvent,
): Promise<Outcome> {
  const { db } = deps;
  const organisationId = connection.organisationId;
  const now = new Date(event.createdAt);
  if (await db.debitRequest.count({ where: { organisationId, mandateId: mandate.id, kind: "instalment" } }))
    return { status: "processed", organisationId, note: "instalments already created" };
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { id: true, debitNoticeDays: true } });
  const plan = await previewSpread(db, organisation, mandate.customerId, "gocardless", now);
  if (!plan.collections.length) {
    await db.checkoutAttempt.update({ where: { id: attemptId }, data: { status: "expired" } });
    return { status: "processed", organisationId, note: "nothing left to spread" };
  }
  const customer = await db.customer.findUniqueOrThrow({ where: { id: mandate.customerId }, select: { name: true, company: true } });
  const schedule = await deps.providers.gocardless.createInstalmentSchedule(account(deps, connection), {
    mandateId: providerMandateId,
    name: `${customer.company || customer.name} — ${plan.collections.length}×`,
    currency: plan.currency,
    totalMinor: plan.totalMinor,
    instalments: plan.collections.map((c) => ({ amountMinor: c.amountMinor, chargeDate: c.date.toISOString().slice(0, 10) })),
    metadata: { customer_id: mandate.customerId, mandate_id: mandate.id },
    idempotencyKey: `instalments-${mandate.id}`,
  });
  await db.$transaction(async (tx) => {
    await spreadBalance(tx, { ...mandate, providerMandateId } as never, now, {
      scheduleId: schedule.scheduleId,
      paymentIds: schedule.paymentIds,
      collections: plan.collections,
    });
    for (const [index, paymentId] of schedule.paymentIds.entries()) {
      await applyPaymentFact(tx, {
        organisationId,
        provider: "gocardless",
        providerPaymentId: paymentId,
        status: "processing",
        method: "direct_debit",
        at: now,
        customerId: mandate.customerId,
        amountMinor: plan.collections[index]?.amountMinor ?? 0,
        currency: plan.currency,
        mandateId: providerMandateId,
      });
    }
    await tx.checkoutAttempt.update({ where: { id: attemptId }, data: { status: "completed" } });
  });
  return { status: "processed", organisationId, note: `instalment schedule ${schedule.scheduleId}` };
}

/**
 * New bank details mean a new mandate: the GoCardless mandates it replaced are cancelled at GoCardless too
 * (through the SDK), so nothing more can be collected on them. Best effort: an already cancelled one is no
 * error; a refusal is logged and GoCardless's own events keep ours in step (a replaced mandate stays replaced).
 */
async function cancelReplacedAtGoCardless(deps: WebhookDeps, connection: Connection, mandateId: string) {
  const replaced = await deps.db.mandate.findMany({
    where: { organisationId: connection.organisationId, replacedById: mandateId, creditorKind: "gocardless", providerMandateId: { not: null } },
    select: { id: true, providerMandateId: true },
  });
  for (const old of replaced) {
    try {
      await deps.providers.gocardless.cancelMandate(account(deps, connection), old.providerMandateId!);
      deps.log.info({ mandateId: old.id, replacedBy: mandateId }, "replaced mandate cancelled at GoCardless");
    } catch (error) {
      deps.log.warn({ mandateId: old.id, error: error instanceof Error ? error.message : String(error) }, "replaced mandate not cancelled at GoCardless");
    }
  }
}

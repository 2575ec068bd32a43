/**
 * The nightly automatic-debit job (server/worker.ts, every night at 02:00 Europe/Paris; docs/decisions/0020).
 * Safe to run twice, or in two workers at once: every step is a conditional move of the request's status in
 * the transaction that does its work, and GoCardless payments are created with the request's idempotency key
 * and recorded through the ledger's exactly-once path (applyPaymentFact, unique provider payment id).
 *
 * 1. Pre-notifications due (`notifyOn` ≤ today): the customer is told the amount and the date; a collection
 *    the notice can no longer precede is moved to the earliest date that respects it; a request with nothing
 *    left to collect (paid otherwise) or whose mandate ended is cancelled.
 * 2. GoCardless creditors: a few business days before the collection date, the payment is created on the
 *    mandate (never before GoCardless's next possible charge date) and recorded as processing.
 * 3. Own-ICS creditors: notified requests wait for the bank debit file (the journal issue: debitsForFile);
 *    the books' contact is told of those now ready; those in a file are recorded as collected on their
 *    collection date (../debit-files/collection.ts).
 */
import { decryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { MandateProvider } from "../../../integrations/types";
import { collectDueDebits } from "../debit-files/collection";
import { recheckWaitingDebits } from "../debit-files/from-requests";
import { noticeReadyDebits } from "../debit-files/ready-notice";
import { applyPaymentFact } from "../payments";
import { type CreditorKind, collectionPlan, gocardlessSubmitOn, isoDay, noticeDaysOf } from "./calendar";
import { queueDebitNotice } from "./notices";
import { leftToCollect, moveDebit, parisToday } from "./service";

export interface DebitJobDeps {
  db: Db;
  gocardless: MandateProvider;
  encryptionKey: string;
  log: Logger;
  appUrl: string;
}

export interface DebitJobResult {
  notified: number;
  postponed: number;
  submitted: number;
  cancelled: number;
  failed: number;
  /** Own-ICS debits of a bank file recorded as collected. */
  collected: number;
}

const usable = (mandate: { status: string; creditorKind: string; providerMandateId: string | null }) =>
  mandate.status === "active" || (mandate.creditorKind === "gocardless" && mandate.status === "pending" && Boolean(mandate.providerMandateId));

export async function runAutomaticDebits(deps: DebitJobDeps, now: Date): Promise<DebitJobResult> {
  const result: DebitJobResult = { notified: 0, postponed: 0, submitted: 0, cancelled: 0, failed: 0, collected: 0 };
  await sendDueNotices(deps, now, result);
  await submitGoCardlessPayments(deps, now, result);
  const collection = await collectDueDebits(deps.db, now, deps.log);
  result.collected = collection.collected;
  result.failed += collection.failed;
  // Own-ICS debits waiting for a file that were paid otherwise are lowered or cancelled; the books' contact
  // hears of those now ready (once).
  await recheckWaitingDebits(deps.db, now);
  await noticeReadyDebits(deps.db, deps.appUrl, now);
  if (result.notified || result.submitted || result.cancelled || result.failed || result.collected) deps.log.info({ ...result }, "automatic debits run");
  return result;
}

async function sendDueNotices(deps: DebitJobDeps, now: Date, result: DebitJobResult) {
  const { db } = deps;
  const today = parisToday(now);
  const due = await db.debitRequest.findMany({
    where: { status: "scheduled", notifyOn: { lte: today } },
    include: { mandate: true, invoice: { select: { number: true } }, organisation: { select: { debitNoticeDays: true } } },
    orderBy: { collectionDate: "asc" },
    take: 500,
  });
  for (const request of due) {
    try {
      const left = await leftToCollect(db, request);
      if (!usable(request.mandate) || left <= 0) {
        if (await moveDebit(db, request, "cancelled", now, { note: left <= 0 ? "nothing left to collect" : `mandate ${request.mandate.status}` }))
          result.cancelled++;
        continue;
      }
      const noticeDays = noticeDaysOf(request.organisation);
      // The notice goes out today: the collection cannot be sooner than the notice (and the lead time) allow.
      const plan = collectionPlan({ dueDate: request.collectionDate, today, creditor: request.creditorKind as CreditorKind, noticeDays });
      const postponed = plan.collectionDate.getTime() !== request.collectionDate.getTime();
      await db.$transaction(async (tx) => {
        const moved = await moveDebit(tx, request, "notified", now, {
          from: ["scheduled"],
          note: postponed ? `collection moved from ${isoDay(request.collectionDate)} to ${isoDay(plan.collectionDate)} for the notice` : "",
          data: { notifiedAt: now, amountMinor: left, collectionDate: plan.collectionDate },
        });
        if (!moved) return;
        await queueDebitNotice(
          tx,
          request.mandate,
          [{ ...request, amountMinor: left, collectionDate: plan.collectionDate, invoiceNumber: request.invoice?.number }],
          `debit-notice/${request.id}`,
        );
        result.notified++;
        if (postponed) result.postponed++;
      });
    } catch (error) {
      result.failed++;
      deps.log.error({ debitRequestId: request.id, error: error instanceof Error ? error.message : String(error) }, "debit notice failed");
    }
  }
}

async function submitGoCardlessPayments(deps: DebitJobDeps, now: Date, result: DebitJobResult) {
  const { db } = deps;
  const today = parisToday(now);
  const candidates = await db.debitRequest.findMany({
    where: { creditorKind: "gocardless", kind: "invoice", status: "notified", providerPaymentId: null },
    include: { mandate: true, invoice: { select: { id: true, number: true } } },
    orderBy: { collectionDate: "asc" },
    take: 500,
  });
  for (const request of candidates.filter((r) => gocardlessSubmitOn(r.collectionDate).getTime() <= today.getTime())) {
    try {
      const left = await leftToCollect(db, request);
      if (!usable(request.mandate) || !request.mandate.providerMandateId || left <= 0) {
        if (await moveDebit(db, request, "cancelled", now, { note: left <= 0 ? "nothing left to collect" : `mandate ${request.mandate.status}` }))
          result.cancelled++;
        continue;
      }
      const connection = await db.providerConnection.findFirst({ where: { organisationId: request.organisationId, provider: "gocardless", revokedAt: null } });
      if (!connection) {
        deps.log.warn({ debitRequestId: request.id }, "automatic debit waits: GoCardless is not connected");
        continue;
      }
      const account = { accountId: connection.accountId, accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken) };
      const providerMandateId = request.mandate.providerMandateId;
      // Never before GoCardless's next possible charge date (a payment asking for an earlier one is refused).
      const nextPossible = (await deps.gocardless.fetchMandate(account, providerMandateId)).nextPossibleChargeDate;
      const chargeDate = nextPossible && nextPossible > isoDay(request.collectionDate) ? nextPossible : isoDay(request.collectionDate);
      const payment = await deps.gocardless.collectOnMandate(account, {
        mandateId: providerMandateId,
        amountMinor: left,
        currency: request.currency,
        description: request.invoice?.number ?? "",
        metadata: { invoice_id: request.invoiceId!, debit_request_id: request.id },
        idempotencyKey: `debit-${request.id}`,
        chargeDate,
      });
      await db.$transaction(async (tx) => {
        await applyPaymentFact(tx, {
          organisationId: request.organisationId,
          provider: "gocardless",
          providerPaymentId: payment.providerPaymentId,
          status: "processing",
          method: "direct_debit",
          at: now,
          invoiceId: request.invoiceId ?? undefined,
          customerId: request.customerId,
          amountMinor: left,
          currency: request.currency,
          mandateId: providerMandateId,
        });
        const moved = await moveDebit(tx, request, "submitted", now, {
          from: ["notified"],
          note: `GoCardless payment ${payment.providerPaymentId}`,
          data: { providerPaymentId: payment.providerPaymentId, submittedAt: now, amountMinor: left, collectionDate: new Date(`${chargeDate}T00:00:00.000Z`) },
        });
        if (moved) result.submitted++;
      });
    } catch (error) {
      result.failed++;
      deps.log.error({ debitRequestId: request.id, error: error instanceof Error ? error.message : String(error) }, "automatic debit not created");
    }
  }
}

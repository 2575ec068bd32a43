/**
 * What becomes of an own-ICS debit once it is in a bank file (issue 16, docs/decisions/0022).
 *
 * On its collection date the bank credits it: it is recorded as collected, a receipt (method direct_debit,
 * origin debit_file) keyed by its request — unique, so once whoever records it (the nightly job, "check
 * now", or the bank statement line that names its end-to-end id) — allocated to its invoice first (the
 * invoice number is its reference), else to the oldest due, and the request is paid. A reject or a return
 * (a camt.053 line naming its end-to-end id, or entered by hand from the bank's notice) reverses that
 * receipt with a counter-entry and fails the request: the invoice is due again, and the merchant and the
 * customer are told once. Nothing is edited: the receipt and its reversal both stay in the books.
 */
import type { Db, Tx } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { MessageKey } from "~/i18n";
import { recordReceiptIn, reverseReceiptIn } from "../accounts/receipts";
import { moveDebit, parisToday } from "../debits/service";
import type { Currency } from "../money";
import { notify } from "../notifications";

const FILED = { creditorKind: "own_ics", submittedInFileId: { not: null } } as const;

export type CollectOutcome = "collected" | "already" | "not_collectable";

/**
 * Records one filed debit as collected on `receivedOn`, inside the caller's transaction; `importLineId` when a
 * bank statement line says so. A request already recorded, or no longer submitted (returned before its date,
 * cancelled), is left as it is.
 */
export async function collectDebitIn(
  tx: Tx,
  organisationId: string,
  requestId: string,
  receivedOn: Date,
  now: Date,
  importLineId?: string,
): Promise<CollectOutcome> {
  const request = await tx.debitRequest.findFirst({
    where: { id: requestId, organisationId, ...FILED },
    include: {
      receipt: { select: { id: true } },
      invoice: { select: { number: true } },
      mandate: { select: { reference: true } },
    },
  });
  if (!request) return "not_collectable";
  if (request.receipt) return "already";
  if (request.status !== "submitted") return "not_collectable";
  const file = await tx.debitFile.findFirst({ where: { id: request.submittedInFileId!, organisationId }, select: { messageId: true, createdById: true } });
  if (!file) return "not_collectable";
  if (!(await moveDebit(tx, request, "paid", now, { from: ["submitted"], note: `collected (debit file ${file.messageId})` }))) return "already";
  const recorded = await recordReceiptIn(
    tx,
    organisationId,
    request.customerId,
    // Recorded on behalf of the person who sent the file to the bank.
    file.createdById,
    {
      method: "direct_debit",
      receivedOn,
      currency: request.currency as Currency,
      amountMinor: request.amountMinor,
      // What the debtor read on their statement: the invoice's number (so the allocation finds it) or the mandate's reference.
      reference: request.invoice?.number ?? request.mandate.reference,
      allocations: [],
    },
    { origin: "debit_file", debitRequestId: request.id, ...(importLineId ? { importLineId } : {}) },
  );
  if (!recorded?.ok) throw new Error(`debit ${request.id} could not be recorded: ${recorded?.error ?? "no customer"}`);
  return "collected";
}

/**
 * Every filed debit whose collection date has come is recorded as collected (the nightly job, and "check
 * now"); one organisation's, or all. Answers how many were recorded, and how many failed (logged, tried
 * again next run). Safe to run twice or in two workers.
 */
export async function collectDueDebits(db: Db, now: Date, log: Logger, organisationId?: string): Promise<{ collected: number; failed: number }> {
  const due = await db.debitRequest.findMany({
    where: { ...FILED, ...(organisationId ? { organisationId } : {}), status: "submitted", collectionDate: { lte: parisToday(now) }, receipt: null },
    select: { id: true, organisationId: true, collectionDate: true },
    orderBy: { collectionDate: "asc" },
    take: 2000,
  });
  const counts = { collected: 0, failed: 0 };
  for (const request of due) {
    try {
      const outcome = await db.$transaction((tx) => collectDebitIn(tx, request.organisationId, request.id, request.collectionDate, now));
      if (outcome === "collected") counts.collected++;
    } catch (error) {
      counts.failed++;
      log.error({ debitRequestId: request.id, error: error instanceof Error ? error.message : String(error) }, "debit collection not recorded");
    }
  }
  return counts;
}

export type ReturnResult = { ok: true } | { ok: false; error: MessageKey };

/**
 * The bank rejected or returned a filed debit, inside the caller's transaction: its receipt, if it was
 * recorded, is reversed (a counter-entry dated `on`), the request fails with the reason, and the merchant and
 * the customer are told (once: keyed by the request). `importLineId` when a bank statement line says so.
 */
export async function returnDebitIn(
  tx: Tx,
  organisationId: string,
  requestId: string,
  input: { reason: string; userId: string; on: Date; now: Date; appUrl: string; importLineId?: string },
): Promise<ReturnResult | null> {
  const request = await tx.debitRequest.findFirst({
    where: { id: requestId, organisationId, ...FILED },
    include: { receipt: { select: { id: true } } },
  });
  if (!request) return null;
  if (request.status === "failed") return { ok: false, error: "debitFiles.errors.alreadyReturned" };
  if (request.status !== "submitted" && request.status !== "paid") return { ok: false, error: "debitFiles.errors.notReturnable" };
  const reasonText = `Rejet bancaire ${input.reason} (${request.id})`;
  if (request.receipt) {
    const reversed = await reverseReceiptIn(tx, organisationId, request.receipt.id, input.userId, reasonText, input.on, {
      origin: "debit_file",
      ...(input.importLineId ? { importLineId: input.importLineId } : {}),
    });
    if (!reversed?.ok) return reversed ?? { ok: false, error: "debitFiles.errors.notReturnable" };
  }
  const moved = await moveDebit(tx, request, "failed", input.now, {
    from: ["submitted", "paid"],
    note: reasonText,
    data: { failureReason: input.reason },
  });
  if (!moved) return { ok: false, error: "debitFiles.errors.alreadyReturned" };
  await notify(
    tx,
    {
      organisationId,
      kind: "debit_returned",
      dedupeKey: `debit_returned/${request.id}`,
      invoiceId: request.invoiceId ?? undefined,
      customerId: request.customerId,
      amountMinor: request.amountMinor,
      currency: request.currency,
      reason: input.reason,
      customer: true,
    },
    input.appUrl,
  );
  return { ok: true };
}

/** The filed debits of the organisation, newest collection first, with their file and what became of them (greyed on the page). */
export function filedDebits(db: Db, organisationId: string, take = 300) {
  return db.debitRequest.findMany({
    where: { organisationId, ...FILED },
    orderBy: [{ collectionDate: "desc" }, { createdAt: "desc" }],
    take,
    select: {
      id: true,
      amountMinor: true,
      currency: true,
      collectionDate: true,
      sequenceType: true,
      status: true,
      failureReason: true,
      submittedInFileId: true,
      invoice: { select: { number: true } },
      mandate: { select: { reference: true, holderName: true } },
    },
  });
}

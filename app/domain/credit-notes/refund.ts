/**
 * Giving back the credit of a credit note through the provider that took the invoice's payment. The credit
 * (what of the credit note is not applied to an invoice) is first applied to its own invoice, which makes
 * the invoice overpaid by that much; the existing excess refund (../refunds.ts) then takes it back through
 * the provider, recorded as pending and counted only when the provider says it succeeded. When the provider
 * refuses, a counter-allocation puts the credit back on the account (nothing is edited or deleted).
 */
import { findMembership } from "../organisations";
import type { Db, Tx } from "~/lib/db.server";
import { can } from "../permissions";
import { recomputeInvoice } from "../payments";
import { excessOf, type RefundDeps, type RefundExcessResult, refundExcess, refundsOf } from "../refunds";
import { unallocatedOf } from "./service";

type Reader = Db | Tx;

/** What the provider payments of an invoice can still give back (confirmed, not under dispute, less refunds asked for). */
async function providerRefundable(db: Reader, organisationId: string, invoiceId: string) {
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, organisationId }, include: { payments: true } });
  if (!invoice) return null;
  const refunds = await refundsOf(db as Db, organisationId, invoice.payments);
  const pending = refunds.filter((r) => r.status === "pending").reduce((sum, r) => sum + r.amountMinor, 0);
  const left = invoice.payments
    .filter((p) => p.status === "confirmed" && !p.flag)
    .reduce((sum, p) => sum + p.amountMinor - p.refundedMinor - p.disputedMinor, 0);
  // The invoice's own excess (an overpayment) is refunded first by the same button.
  const excess = excessOf(invoice, refunds).refundableMinor;
  return Math.max(0, left - pending - excess);
}

/** How much of this credit note can be refunded through the provider now (0: the credit stays on the account). */
export async function creditNoteRefundable(
  db: Reader,
  organisationId: string,
  creditNote: { invoiceId: string; totalMinor: number; allocations: { amountMinor: number }[] },
) {
  const credit = unallocatedOf(creditNote);
  if (credit <= 0) return 0;
  return Math.min(credit, (await providerRefundable(db, organisationId, creditNote.invoiceId)) ?? 0);
}

export async function refundCreditNote(
  deps: RefundDeps,
  organisationId: string,
  creditNoteId: string,
  userId: string,
  now = new Date(),
): Promise<RefundExcessResult | null> {
  const { db } = deps;
  const membership = await findMembership(db, userId, organisationId);
  if (!membership) return null;
  const found = await db.creditNote.findFirst({ where: { id: creditNoteId, organisationId }, select: { id: true } });
  if (!found) return null;
  if (!can(membership.role, "managePayments")) return { ok: false, error: "errors.forbidden", forbidden: true };

  // Applied and counted in one transaction (begun IMMEDIATE): a double click applies the credit once.
  const applied = await db.$transaction(async (tx) => {
    const creditNote = await tx.creditNote.findFirstOrThrow({ where: { id: creditNoteId, organisationId }, include: { allocations: true } });
    const amountMinor = await creditNoteRefundable(tx, organisationId, creditNote);
    if (amountMinor > 0) {
      await tx.creditNoteAllocation.create({
        data: { organisationId, creditNoteId, invoiceId: creditNote.invoiceId, amountMinor, currency: creditNote.currency },
      });
      await recomputeInvoice(tx, creditNote.invoiceId);
    }
    return { invoiceId: creditNote.invoiceId, currency: creditNote.currency, amountMinor };
  });
  const result = await refundExcess(deps, organisationId, applied.invoiceId, userId, now);
  if (!result?.ok && applied.amountMinor > 0) {
    // The provider did not take the refund: the credit goes back to the account, by a counter-entry.
    await db.$transaction(async (tx) => {
      await tx.creditNoteAllocation.create({
        data: { organisationId, creditNoteId, invoiceId: applied.invoiceId, amountMinor: -applied.amountMinor, currency: applied.currency },
      });
      await recomputeInvoice(tx, applied.invoiceId);
    });
  }
  return result;
}

/**
 * Credit on a customer's account (issue 14): money received and applied to no invoice — the part of a
 * recorded payment left unallocated, the rest of a balance payment, an invoice's overpayment — and what of
 * a credit note its invoice did not need. It is used
 * by the invoices that are due, oldest due first: when an invoice is finalised, and when the merchant
 * asks. Using it only ever adds shares (receipt allocations, payment shares); the history stays as it was.
 */
import type { Db, Tx } from "~/lib/db.server";
import { recomputeInvoice } from "../payments";
import { openInvoicesOf } from "./open-invoices";
import { unallocatedOf } from "../credit-notes/service";
import { countShares } from "./shares";

type Reader = Db | Tx;

/** Where some credit sits, and how to give a share of it to an invoice. */
interface CreditSource {
  currency: string;
  availableMinor: number;
  /** Oldest credit is used first. */
  since: Date;
  give(tx: Tx, invoiceId: string, amountMinor: number): Promise<void>;
  /** A balance payment's rest: refundable through its provider (unless under a dispute or chargeback). */
  balancePayment?: RefundablePayment;
}

export interface RefundablePayment {
  id: string;
  provider: string;
  providerPaymentId: string;
  currency: string;
  amountMinor: number;
  refundedMinor: number;
  disputedMinor: number;
  flag: string | null;
}

async function creditSources(tx: Reader, organisationId: string, customerId: string): Promise<CreditSource[]> {
  const [receipts, creditNotes, balancePayments, overpaid] = await Promise.all([
    tx.customerReceipt.findMany({
      where: { organisationId, customerId, kind: "receipt", reversal: null },
      select: { id: true, amountMinor: true, currency: true, receivedOn: true, allocations: { select: { amountMinor: true } } },
    }),
    tx.creditNote.findMany({
      where: { organisationId, customerId },
      select: { id: true, totalMinor: true, currency: true, issueDate: true, allocations: { select: { amountMinor: true } } },
    }),
    tx.payment.findMany({
      where: { organisationId, customerId, invoiceId: null, status: "confirmed" },
      select: {
        id: true,
        provider: true,
        providerPaymentId: true,
        flag: true,
        invoiceId: true,
        status: true,
        amountMinor: true,
        refundedMinor: true,
        disputedMinor: true,
        currency: true,
        confirmedAt: true,
        allocations: { select: { id: true, invoiceId: true, amountMinor: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      },
    }),
    tx.invoice.findMany({
      where: { organisationId, customerId, status: { in: ["paid", "credited"] } },
      select: {
        id: true,
        totalMinor: true,
        amountPaidMinor: true,
        amountCreditedMinor: true,
        currency: true,
        payments: {
          where: { status: "confirmed", flag: null },
          orderBy: { createdAt: "desc" },
          select: {
            id: true,
            invoiceId: true,
            status: true,
            amountMinor: true,
            refundedMinor: true,
            disputedMinor: true,
            confirmedAt: true,
            provider: true,
            providerPaymentId: true,
            allocations: { select: { id: true, invoiceId: true, amountMinor: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
          },
        },
      },
    }),
  ]);
  // Credit being refunded is not credit any more.
  const pendingRefunds = await tx.paymentReversal.findMany({
    where: {
      organisationId,
      kind: "refund",
      status: "pending",
      providerPaymentId: { in: [...balancePayments, ...overpaid.flatMap((i) => i.payments)].map((p) => p.providerPaymentId) },
    },
    select: { provider: true, providerPaymentId: true, amountMinor: true },
  });
  const pendingOn = (payments: { provider: string; providerPaymentId: string }[]) =>
    pendingRefunds
      .filter((r) => payments.some((p) => p.provider === r.provider && p.providerPaymentId === r.providerPaymentId))
      .reduce((sum, r) => sum + r.amountMinor, 0);
  const paymentShare = (paymentId: string, currency: string) => async (tx: Tx, invoiceId: string, amountMinor: number) => {
    await tx.paymentAllocation.create({ data: { organisationId, paymentId, invoiceId, amountMinor, currency }, select: { id: true } });
  };
  const sources: CreditSource[] = [];
  for (const receipt of receipts) {
    const availableMinor = receipt.amountMinor - receipt.allocations.reduce((sum, a) => sum + a.amountMinor, 0);
    sources.push({
      currency: receipt.currency,
      availableMinor,
      since: receipt.receivedOn,
      give: async (tx, invoiceId, amountMinor) => {
        await tx.receiptAllocation.create({
          data: { organisationId, receiptId: receipt.id, invoiceId, amountMinor, currency: receipt.currency },
          select: { id: true },
        });
      },
    });
  }
  for (const creditNote of creditNotes) {
    sources.push({
      currency: creditNote.currency,
      availableMinor: unallocatedOf(creditNote),
      since: creditNote.issueDate,
      give: async (tx, invoiceId, amountMinor) => {
        await tx.creditNoteAllocation.create({
          data: { organisationId, creditNoteId: creditNote.id, invoiceId, amountMinor, currency: creditNote.currency },
          select: { id: true },
        });
      },
    });
  }
  for (const payment of balancePayments) {
    sources.push({
      currency: payment.currency,
      availableMinor: countShares(payment, payment.allocations).unappliedMinor - pendingOn([payment]),
      since: payment.confirmedAt ?? new Date(0),
      give: paymentShare(payment.id, payment.currency),
      balancePayment: payment,
    });
  }
  for (const invoice of overpaid) {
    // The excess is moved from the payments that made it, the latest first, never more than each one counts there.
    let excess = invoice.amountPaidMinor - (invoice.totalMinor - invoice.amountCreditedMinor) - pendingOn(invoice.payments);
    for (const payment of invoice.payments) {
      if (excess <= 0) break;
      const movable = Math.min(excess, countShares(payment, payment.allocations).ownMinor);
      excess -= movable;
      sources.push({
        currency: invoice.currency,
        availableMinor: movable,
        since: payment.confirmedAt ?? new Date(0),
        give: paymentShare(payment.id, invoice.currency),
      });
    }
  }
  return sources.filter((s) => s.availableMinor > 0).sort((a, b) => a.since.getTime() - b.since.getTime());
}

/**
 * The credit on the account per currency, and the part of it left by balance payments that can go back
 * through their provider (the latest payment first; not those under a dispute or chargeback).
 */
export async function accountCredit(db: Db, organisationId: string, customerId: string) {
  const sources = await creditSources(db, organisationId, customerId);
  const available: Record<string, number> = {};
  for (const s of sources) available[s.currency] = (available[s.currency] ?? 0) + s.availableMinor;
  const refundable = sources
    .flatMap((s) => (s.balancePayment && !s.balancePayment.flag ? [{ payment: s.balancePayment, amountMinor: s.availableMinor }] : []))
    .reverse();
  return { available, refundable };
}

/** The credit on the account, per currency. */
export async function availableCredit(db: Db, organisationId: string, customerId: string): Promise<Record<string, number>> {
  return (await accountCredit(db, organisationId, customerId)).available;
}

/**
 * Gives the account's credit to its invoices that are due, oldest due first (less what is already on its
 * way for each), inside the caller's transaction. Returns how much was applied.
 */
export async function applyCredit(tx: Tx, organisationId: string, customerId: string): Promise<number> {
  const sources = await creditSources(tx, organisationId, customerId);
  if (!sources.length) return 0;
  const invoices = await openInvoicesOf(tx, organisationId, customerId, true);
  const touched = new Set<string>();
  let applied = 0;
  for (const invoice of invoices) {
    let due = invoice.amountDueMinor;
    for (const source of sources) {
      if (due <= 0) break;
      if (source.currency !== invoice.currency || source.availableMinor <= 0) continue;
      const share = Math.min(due, source.availableMinor);
      await source.give(tx, invoice.id, share);
      source.availableMinor -= share;
      due -= share;
      applied += share;
      touched.add(invoice.id);
    }
  }
  // The overpaid invoices the credit came from come down to their total; the others are paid.
  const sourceInvoices = await tx.invoice.findMany({
    where: { organisationId, customerId, status: { in: ["paid", "credited"] }, amountPaidMinor: { gt: 0 } },
    select: { id: true, amountPaidMinor: true, amountCreditedMinor: true, totalMinor: true },
  });
  for (const invoice of sourceInvoices) if (invoice.amountPaidMinor > invoice.totalMinor - invoice.amountCreditedMinor) touched.add(invoice.id);
  for (const id of touched) await recomputeInvoice(tx, id);
  return applied;
}

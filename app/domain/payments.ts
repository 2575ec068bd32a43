import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";

export type PaymentStatus = "processing" | "confirmed" | "failed" | "charged_back";
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Which moves a payment may make. Events can arrive late, twice or out of order: a "created" after a
 * "confirmed" changes nothing, while a late failure or a chargeback after "confirmed" does reopen.
 */
const NEXT: Record<PaymentStatus, PaymentStatus[]> = {
  processing: ["confirmed", "failed"],
  confirmed: ["failed", "charged_back"],
  failed: [],
  charged_back: [],
};

export function canMove(from: PaymentStatus, to: PaymentStatus) {
  return NEXT[from]?.includes(to) ?? false;
}

export interface PaymentFact {
  organisationId: string;
  provider: string;
  providerPaymentId: string;
  status: PaymentStatus;
  method: string;
  /** Needed only when the payment is new to us. */
  invoiceId?: string;
  amountMinor?: number;
  currency?: string;
  attemptId?: string;
  mandateId?: string;
  reason?: string;
}

export type PaymentChange = {
  payment: { id: string; invoiceId: string; amountMinor: number; currency: string; status: string };
  from: PaymentStatus | null;
  to: PaymentStatus;
} | null;

/**
 * Records what a provider says about one payment, inside the caller's transaction. One row per
 * (provider, provider payment id), enforced by the database; returns the change made, or null.
 */
export async function applyPaymentFact(tx: Tx, fact: PaymentFact, now: Date): Promise<PaymentChange> {
  const key = { provider_providerPaymentId: { provider: fact.provider, providerPaymentId: fact.providerPaymentId } };
  let existing = await tx.payment.findUnique({ where: key });
  if (existing && existing.organisationId !== fact.organisationId) throw new Error("payment belongs to another organisation");
  if (!existing) {
    if (!fact.invoiceId || fact.amountMinor === undefined || !fact.currency)
      throw new Error(`payment ${fact.providerPaymentId} unknown and event lacks its invoice or amount`);
    const invoice = await tx.invoice.findFirst({ where: { id: fact.invoiceId, organisationId: fact.organisationId } });
    if (!invoice) throw new Error(`invoice ${fact.invoiceId} not found in organisation`);
    if (invoice.currency !== fact.currency.toUpperCase()) throw new Error(`currency ${fact.currency} does not match invoice ${invoice.currency}`);
    try {
      existing = await tx.payment.create({
        data: {
          organisationId: fact.organisationId,
          invoiceId: invoice.id,
          provider: fact.provider,
          providerPaymentId: fact.providerPaymentId,
          method: fact.method,
          amountMinor: fact.amountMinor,
          currency: invoice.currency,
          status: fact.status,
          checkoutAttemptId: fact.attemptId ?? null,
          mandateId: fact.mandateId ?? null,
          failureReason: fact.status === "failed" ? (fact.reason ?? null) : null,
          flag: fact.status === "charged_back" ? "chargeback" : null,
          confirmedAt: fact.status === "confirmed" ? now : null,
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new Error("concurrent creation of the same payment; retry");
      throw error;
    }
    if (fact.attemptId) await tx.checkoutAttempt.updateMany({ where: { id: fact.attemptId, invoiceId: invoice.id }, data: { status: "completed" } });
    await recomputeInvoice(tx, invoice.id);
    return { payment: existing, from: null, to: fact.status };
  }
  const from = existing.status as PaymentStatus;
  if (!canMove(from, fact.status)) return null;
  const payment = await tx.payment.update({
    where: { id: existing.id },
    data: {
      status: fact.status,
      confirmedAt: fact.status === "confirmed" ? now : existing.confirmedAt,
      failureReason: fact.status === "failed" ? (fact.reason ?? existing.failureReason) : existing.failureReason,
      flag: fact.status === "charged_back" ? "chargeback" : existing.flag,
    },
  });
  await recomputeInvoice(tx, payment.invoiceId);
  return { payment, from, to: fact.status };
}

/** Refunds are reported as a cumulative amount: setting it (not adding) keeps replays harmless. */
export async function applyRefund(tx: Tx, organisationId: string, provider: string, providerPaymentId: string, refundedMinor: number) {
  const payment = await tx.payment.findUnique({ where: { provider_providerPaymentId: { provider, providerPaymentId } } });
  if (!payment || payment.organisationId !== organisationId) throw new Error(`refund for unknown payment ${providerPaymentId}`);
  if (payment.refundedMinor >= refundedMinor) return null;
  const updated = await tx.payment.update({ where: { id: payment.id }, data: { refundedMinor: Math.min(refundedMinor, payment.amountMinor) } });
  await recomputeInvoice(tx, payment.invoiceId);
  return { payment: updated, newlyRefundedMinor: updated.refundedMinor - payment.refundedMinor };
}

export async function flagPayment(tx: Tx, organisationId: string, provider: string, providerPaymentId: string, flag: string) {
  const payment = await tx.payment.findUnique({ where: { provider_providerPaymentId: { provider, providerPaymentId } } });
  if (!payment || payment.organisationId !== organisationId) throw new Error(`dispute for unknown payment ${providerPaymentId}`);
  if (payment.flag === flag) return null;
  return tx.payment.update({ where: { id: payment.id }, data: { flag } });
}

/**
 * The invoice's paid and due amounts always come from its payment records (confirmed, less refunds),
 * never from adding event amounts: whatever order the events came in, the result is the same.
 */
export async function recomputeInvoice(tx: Tx, invoiceId: string) {
  const invoice = await tx.invoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { payments: true } });
  const paid = invoice.payments.filter((p) => p.status === "confirmed").reduce((sum, p) => sum + p.amountMinor - p.refundedMinor, 0);
  const status =
    invoice.status === "void" || invoice.status === "draft"
      ? invoice.status
      : paid >= invoice.totalMinor && invoice.totalMinor > 0
        ? "paid"
        : paid > 0
          ? "partially_paid"
          : "open";
  await tx.invoice.update({ where: { id: invoiceId }, data: { amountPaidMinor: paid, amountDueMinor: Math.max(0, invoice.totalMinor - paid), status } });
  if (status === "paid") {
    // Nothing is due any more: pending checkouts must not take a second payment.
    await tx.checkoutAttempt.updateMany({ where: { invoiceId, status: { in: ["creating", "open"] } }, data: { status: "expired" } });
  }
  return status;
}

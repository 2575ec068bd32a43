/**
 * The payment ledger: what the providers say about each payment, its refunds and its disputes, and the
 * invoice amounts derived from them. The lifecycle (which fact wins when facts arrive late, twice or out
 * of order) is written down in docs/payment-lifecycle.md; the tables below are that document in code.
 */
import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { PermanentError } from "./queue";

export type PaymentStatus = "processing" | "confirmed" | "failed" | "charged_back";
export type RefundStatus = "pending" | "succeeded" | "failed" | "canceled";
export type DisputeStatus = "open" | "won" | "lost";
export type ReversalKind = "refund" | "dispute";
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * A payment's status is the one set by the provider's latest fact: each fact carries the provider's own
 * time, and an older fact that arrives later changes nothing (a `confirmed` delivered after the
 * `charged_back` that followed it, a first `failed` delivered after the retry that was collected).
 * Facts with the same time are settled by how far along the lifecycle they are.
 */
const PAYMENT_RANK: Record<PaymentStatus, number> = { processing: 0, confirmed: 1, failed: 2, charged_back: 3 };

/**
 * Refunds and disputes only move forward: a refund pending → succeeded → failed (a card refund can fail
 * after it succeeded), a dispute open → won or lost. A later fact of the same rank replaces the earlier.
 */
const REVERSAL_RANK: Record<RefundStatus | DisputeStatus, number> = { pending: 0, open: 0, succeeded: 1, won: 1, lost: 1, failed: 2, canceled: 2 };

/** Money a reversal takes back from the merchant now: a refund once it succeeded, a dispute once it is lost. */
const COUNTED_REVERSAL = { refund: "succeeded", dispute: "lost" } as const;

function paymentSupersedes(current: { status: string; statusAt: Date | null }, fact: { status: PaymentStatus; at: Date }) {
  const since = current.statusAt?.getTime() ?? 0;
  const at = fact.at.getTime();
  return at > since || (at === since && PAYMENT_RANK[fact.status] > PAYMENT_RANK[current.status as PaymentStatus]);
}

function reversalSupersedes(current: { status: string; statusAt: Date }, fact: { status: RefundStatus | DisputeStatus; at: Date }) {
  const rank = REVERSAL_RANK[fact.status];
  const currentRank = REVERSAL_RANK[current.status as RefundStatus];
  return rank > currentRank || (rank === currentRank && fact.status !== current.status && fact.at > current.statusAt);
}

export interface PaymentFact {
  organisationId: string;
  provider: string;
  providerPaymentId: string;
  status: PaymentStatus;
  method: string;
  /** The provider's time of the fact (its event's creation time). */
  at: Date;
  /** Needed only when the payment is new to us. */
  invoiceId?: string;
  amountMinor?: number;
  currency?: string;
  attemptId?: string;
  mandateId?: string;
  reason?: string;
}

type PaymentRow = {
  id: string;
  organisationId: string;
  invoiceId: string;
  amountMinor: number;
  currency: string;
  status: string;
  provider: string;
  providerPaymentId: string;
  method: string;
  flag: string | null;
};
type ReversalRow = { id: string; kind: string; amountMinor: number; currency: string; status: string };
export type PaymentChange = {
  payment: PaymentRow;
  from: PaymentStatus | null;
  to: PaymentStatus;
  invoice: RecomputedInvoice;
  /** Refunds and disputes that overtook a payment just recorded (to tell the merchant now). */
  reversals: ReversalRow[];
} | null;

const PAYMENT_FIELDS = {
  id: true,
  organisationId: true,
  invoiceId: true,
  amountMinor: true,
  currency: true,
  status: true,
  statusAt: true,
  provider: true,
  providerPaymentId: true,
  method: true,
  flag: true,
  failureReason: true,
  confirmedAt: true,
} as const;

/**
 * Records what a provider says about one payment, inside the caller's transaction. One row per
 * (provider, provider payment id), enforced by the database; returns the change made, or null when the
 * fact is already known or older than what we have. A fact that can never apply (another merchant's
 * invoice, a currency that does not match) is a PermanentError: retrying would not change it.
 */
export async function applyPaymentFact(tx: Tx, fact: PaymentFact): Promise<PaymentChange> {
  const key = { provider_providerPaymentId: { provider: fact.provider, providerPaymentId: fact.providerPaymentId } };
  const existing = await tx.payment.findUnique({ where: key, select: PAYMENT_FIELDS });
  if (existing && existing.organisationId !== fact.organisationId) throw new PermanentError("the payment belongs to another account");
  if (!existing) return createPayment(tx, fact);
  const from = existing.status as PaymentStatus;
  if (!paymentSupersedes(existing, fact) || (from === fact.status && (fact.reason ?? null) === existing.failureReason)) {
    return null;
  }
  const payment = await tx.payment.update({
    where: { id: existing.id },
    data: {
      status: fact.status,
      statusAt: fact.at,
      confirmedAt: fact.status === "confirmed" ? (existing.confirmedAt ?? fact.at) : existing.confirmedAt,
      failureReason: fact.reason ?? null,
      flag: fact.status === "charged_back" ? "chargeback" : existing.flag === "chargeback" ? null : existing.flag,
    },
    select: PAYMENT_FIELDS,
  });
  const invoice = await recomputeInvoice(tx, payment.invoiceId);
  return { payment, from, to: fact.status, invoice, reversals: [] };
}

async function createPayment(tx: Tx, fact: PaymentFact): Promise<PaymentChange> {
  if (!fact.invoiceId || fact.amountMinor === undefined || !fact.currency) {
    throw new PermanentError(`payment ${fact.providerPaymentId} names no invoice of ours, or no amount`);
  }
  const invoice = await tx.invoice.findFirst({ where: { id: fact.invoiceId, organisationId: fact.organisationId }, select: INVOICE_AMOUNTS });
  if (!invoice) throw new PermanentError(`invoice ${fact.invoiceId} is not one of this account's invoices`);
  if (invoice.currency !== fact.currency.toUpperCase()) throw new PermanentError(`currency ${fact.currency} does not match the invoice's ${invoice.currency}`);
  if (!Number.isSafeInteger(fact.amountMinor) || fact.amountMinor <= 0) throw new PermanentError(`amount ${fact.amountMinor} is not a positive amount`);
  // Refunds or disputes that overtook the payment count from the start.
  const reversals = await reversalsOf(tx, fact);
  const counted = countReversals(reversals, fact.amountMinor);
  let payment: PaymentRow;
  try {
    payment = await tx.payment.create({
      data: {
        organisationId: fact.organisationId,
        invoiceId: fact.invoiceId,
        provider: fact.provider,
        providerPaymentId: fact.providerPaymentId,
        method: fact.method,
        amountMinor: fact.amountMinor,
        currency: invoice.currency,
        status: fact.status,
        statusAt: fact.at,
        checkoutAttemptId: fact.attemptId ?? null,
        mandateId: fact.mandateId ?? null,
        failureReason: fact.reason ?? null,
        confirmedAt: fact.status === "confirmed" ? fact.at : null,
        ...counted,
        flag: fact.status === "charged_back" ? "chargeback" : counted.flag,
      },
      select: PAYMENT_FIELDS,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Error("concurrent creation of the same payment; retry");
    throw error;
  }
  if (fact.attemptId) await tx.checkoutAttempt.updateMany({ where: { id: fact.attemptId, invoiceId: fact.invoiceId }, data: { status: "completed" } });
  invoice.payments.push({ status: fact.status, amountMinor: fact.amountMinor, refundedMinor: counted.refundedMinor, disputedMinor: counted.disputedMinor });
  const recomputed = await saveAmounts(tx, fact.invoiceId, invoice);
  return { payment, from: null, to: fact.status, invoice: recomputed, reversals };
}

export interface ReversalFact {
  organisationId: string;
  provider: string;
  kind: ReversalKind;
  providerRef: string;
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  status: RefundStatus | DisputeStatus;
  reason?: string;
  at: Date;
}

export type ReversalChange = {
  reversal: { id: string; kind: string; amountMinor: number; currency: string; status: string };
  from: string | null;
  /** The payment it reverses, when we have recorded it (a reversal can overtake its payment). */
  payment: PaymentRow | null;
} | null;

/**
 * Records a refund or dispute as the provider reports it. It is kept even when its payment is not
 * recorded yet (it overtook it): the payment counts it as soon as it is created.
 */
export async function applyReversal(tx: Tx, fact: ReversalFact): Promise<ReversalChange> {
  const key = { provider_providerRef: { provider: fact.provider, providerRef: fact.providerRef } };
  const existing = await tx.paymentReversal.findUnique({ where: key });
  if (existing && existing.organisationId !== fact.organisationId) throw new PermanentError(`${fact.kind} ${fact.providerRef} belongs to another account`);
  if (existing && !reversalSupersedes(existing, fact)) return null;
  const data = { status: fact.status, statusAt: fact.at, amountMinor: fact.amountMinor, reason: fact.reason ?? existing?.reason ?? null };
  const reversal = existing
    ? await tx.paymentReversal.update({ where: { id: existing.id }, data })
    : await tx.paymentReversal.create({
        data: {
          ...data,
          organisationId: fact.organisationId,
          provider: fact.provider,
          providerRef: fact.providerRef,
          providerPaymentId: fact.providerPaymentId,
          kind: fact.kind,
          currency: fact.currency.toUpperCase(),
        },
      });
  const payment = await tx.payment.findUnique({
    where: { provider_providerPaymentId: { provider: fact.provider, providerPaymentId: fact.providerPaymentId } },
    select: PAYMENT_FIELDS,
  });
  if (payment && payment.organisationId !== fact.organisationId) throw new PermanentError(`${fact.kind} ${fact.providerRef} names another account's payment`);
  if (payment) {
    if (payment.currency !== reversal.currency)
      throw new PermanentError(`${fact.kind} currency ${reversal.currency} does not match the payment's ${payment.currency}`);
    const counted = countReversals(await reversalsOf(tx, payment), payment.amountMinor);
    await tx.payment.update({ where: { id: payment.id }, data: { ...counted, flag: payment.flag === "chargeback" ? "chargeback" : counted.flag } });
    await recomputeInvoice(tx, payment.invoiceId);
  }
  return { reversal, from: existing?.status ?? null, payment };
}

function reversalsOf(tx: Tx, payment: { provider: string; providerPaymentId: string }) {
  return tx.paymentReversal.findMany({
    where: { provider: payment.provider, providerPaymentId: payment.providerPaymentId },
    select: { id: true, kind: true, amountMinor: true, currency: true, status: true },
  });
}

/** A payment's refunded and disputed sums (its counted reversals), and its dispute flag (open or lost disputes). */
function countReversals(reversals: ReversalRow[], amountMinor: number) {
  const counted = (kind: ReversalKind) =>
    reversals.filter((r) => r.kind === kind && r.status === COUNTED_REVERSAL[kind]).reduce((sum, r) => sum + r.amountMinor, 0);
  const refundedMinor = Math.min(counted("refund"), amountMinor);
  const disputedMinor = Math.min(counted("dispute"), amountMinor - refundedMinor);
  const flag = reversals.some((r) => r.kind === "dispute" && r.status !== "won") ? "dispute" : null;
  return { refundedMinor, disputedMinor, flag };
}

export type RecomputedInvoice = { status: string; amountPaidMinor: number; amountCreditedMinor: number; amountDueMinor: number; totalMinor: number };

/** What the invoice's amounts are derived from. */
const INVOICE_AMOUNTS = {
  status: true,
  currency: true,
  totalMinor: true,
  payments: { select: { status: true, amountMinor: true, refundedMinor: true, disputedMinor: true } },
  // Recorded payments (transfers, cheques, cash) applied to the invoice; a reversal's are negative.
  allocations: { select: { amountMinor: true } },
  // Credit notes applied to the invoice: its own credit it (less to pay), another's credit is used as payment.
  creditAllocations: { select: { amountMinor: true, creditNote: { select: { invoiceId: true } } } },
  checkouts: { where: { status: { in: ["creating", "open"] } }, select: { id: true } },
} satisfies Prisma.InvoiceSelect;
type InvoiceAmounts = {
  status: string;
  totalMinor: number;
  payments: { status: string; amountMinor: number; refundedMinor: number; disputedMinor: number }[];
  allocations: { amountMinor: number }[];
  creditAllocations: { amountMinor: number; creditNote: { invoiceId: string } }[];
  checkouts: { id: string }[];
};

/**
 * The invoice's paid and due amounts always come from its payment records (confirmed, less refunds and
 * lost disputes) and its recorded-payment allocations (app/domain/accounts), never from adding event amounts: whatever order the events came in, the result is the
 * same. Paid can exceed the total (an overpayment): the excess is shown and can be refunded.
 */
export async function recomputeInvoice(tx: Tx, invoiceId: string): Promise<RecomputedInvoice> {
  return saveAmounts(tx, invoiceId, await tx.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: INVOICE_AMOUNTS }));
}

async function saveAmounts(tx: Tx, invoiceId: string, invoice: InvoiceAmounts): Promise<RecomputedInvoice> {
  const own = (a: InvoiceAmounts["creditAllocations"][number]) => a.creditNote.invoiceId === invoiceId;
  const credited = invoice.creditAllocations.filter(own).reduce((sum, a) => sum + a.amountMinor, 0);
  const paid =
    invoice.payments.filter((p) => p.status === "confirmed").reduce((sum, p) => sum + p.amountMinor - p.refundedMinor - p.disputedMinor, 0) +
    invoice.allocations.reduce((sum, a) => sum + a.amountMinor, 0) +
    invoice.creditAllocations.filter((a) => !own(a)).reduce((sum, a) => sum + a.amountMinor, 0);
  const status =
    invoice.status === "void" || invoice.status === "draft"
      ? invoice.status
      : credited >= invoice.totalMinor && invoice.totalMinor > 0
        ? "credited"
        : paid + credited >= invoice.totalMinor && invoice.totalMinor > 0
          ? "paid"
          : paid > 0
            ? "partially_paid"
            : "open";
  const amounts = { amountPaidMinor: paid, amountCreditedMinor: credited, amountDueMinor: Math.max(0, invoice.totalMinor - credited - paid), status };
  await tx.invoice.update({ where: { id: invoiceId }, data: amounts, select: { id: true } });
  if ((status === "paid" || status === "credited") && invoice.checkouts.length) {
    // Nothing is due any more: pending checkouts must not take a second payment.
    await tx.checkoutAttempt.updateMany({ where: { invoiceId, status: { in: ["creating", "open"] } }, data: { status: "expired" } });
  }
  return { ...amounts, totalMinor: invoice.totalMinor };
}

/** Money on its way (debits submitted, card payments still processing): counted nowhere until confirmed. */
export function inFlight(payments: { status: string; amountMinor: number }[]) {
  return payments.filter((p) => p.status === "processing").reduce((sum, p) => sum + p.amountMinor, 0);
}

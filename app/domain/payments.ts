/**
 * The payment ledger: what the providers say about each payment, its refunds and its disputes, and the
 * invoice amounts derived from them. The lifecycle (which fact wins when facts arrive late, twice or out
 * of order) is written down in docs/payment-lifecycle.md; the tables below are that document in code.
 */
import type { Db, Tx } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { InvoiceGetPayload, InvoiceSelect, PaymentSelect } from "~/generated/zenstack/input";
import { countShares } from "./accounts/shares";
import { openInvoicesOf, proposeAllocation } from "./accounts/open-invoices";
import { PermanentError } from "./queue";

export type PaymentStatus = "processing" | "confirmed" | "failed" | "charged_back";
export type RefundStatus = "pending" | "succeeded" | "failed" | "canceled";
export type DisputeStatus = "open" | "won" | "lost";
export type ReversalKind = "refund" | "dispute";

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
  /** Needed only when the payment is new to us: the invoice it pays, or the customer whose balance it pays. */
  invoiceId?: string;
  customerId?: string;
  amountMinor?: number;
  currency?: string;
  attemptId?: string;
  mandateId?: string;
  reason?: string;
}

type PaymentRow = {
  id: string;
  organisationId: string;
  customerId: string;
  invoiceId: string | null;
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
  /** The payment's invoice as recomputed; null for a balance payment (see `invoices`). */
  invoice: RecomputedInvoice | null;
  /** Every invoice the payment counts on, recomputed. */
  invoices: RecomputedInvoice[];
  /** Refunds and disputes that overtook a payment just recorded (to tell the merchant now). */
  reversals: ReversalRow[];
} | null;

const PAYMENT_FIELDS = {
  id: true,
  organisationId: true,
  customerId: true,
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
  if (fact.status === "confirmed" && !payment.invoiceId) await shareBalancePayment(tx, payment);
  return { payment, from, to: fact.status, ...(await recomputeForPayment(tx, payment)), reversals: [] };
}

async function createPayment(tx: Tx, fact: PaymentFact): Promise<PaymentChange> {
  if ((!fact.invoiceId && !fact.customerId) || fact.amountMinor === undefined || !fact.currency) {
    throw new PermanentError(`payment ${fact.providerPaymentId} names no invoice or customer of ours, or no amount`);
  }
  const target = await payee(tx, fact);
  if (target.currency && target.currency !== fact.currency.toUpperCase()) {
    throw new PermanentError(`currency ${fact.currency} does not match the invoice's ${target.currency}`);
  }
  if (!Number.isSafeInteger(fact.amountMinor) || fact.amountMinor <= 0) throw new PermanentError(`amount ${fact.amountMinor} is not a positive amount`);
  // Refunds or disputes that overtook the payment count from the start.
  const reversals = await reversalsOf(tx, fact);
  const counted = countReversals(reversals, fact.amountMinor);
  let payment: PaymentRow;
  try {
    payment = await tx.payment.create({
      data: {
        organisationId: fact.organisationId,
        customerId: target.customerId,
        invoiceId: fact.invoiceId ?? null,
        provider: fact.provider,
        providerPaymentId: fact.providerPaymentId,
        method: fact.method,
        amountMinor: fact.amountMinor,
        currency: fact.currency.toUpperCase(),
        status: fact.status,
        statusAt: fact.at,
        checkoutAttemptId: fact.attemptId ?? null,
        mandateId: fact.mandateId ?? null,
        failureReason: fact.reason ?? null,
        confirmedAt: fact.status === "confirmed" ? fact.at : null,
        ...counted,
      },
      select: PAYMENT_FIELDS,
    });
  } catch (error) {
    // The same payment recorded concurrently by another delivery: theirs stands.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  // The checkout that asked for it has done its work.
  if (fact.attemptId) await tx.checkoutAttempt.updateMany({ where: { id: fact.attemptId, customerId: target.customerId }, data: { status: "completed" } });
  if (fact.status === "confirmed" && !payment.invoiceId) await shareBalancePayment(tx, payment);
  // An invoice's payment created just now has no shares on other invoices yet (only balance payments get them at once).
  return { payment, from: null, to: fact.status, ...(await recomputeForPayment(tx, payment, payment.invoiceId ? [] : undefined)), reversals };
}

/** The invoice or the customer account a new payment is for, checked to be this organisation's. */
async function payee(tx: Tx, fact: PaymentFact): Promise<{ customerId: string; currency: string | null }> {
  if (fact.invoiceId) {
    const invoice = await tx.invoice.findFirst({
      where: { id: fact.invoiceId, organisationId: fact.organisationId },
      select: { customerId: true, currency: true },
    });
    if (!invoice) throw new PermanentError(`invoice ${fact.invoiceId} is not one of this account's invoices`);
    return invoice;
  }
  const customer = await tx.customer.findFirst({ where: { id: fact.customerId, organisationId: fact.organisationId }, select: { id: true } });
  if (!customer) throw new PermanentError(`customer ${fact.customerId} is not one of this account's customers`);
  return { customerId: customer.id, currency: null };
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
    await recomputeForPayment(tx, payment);
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

export type RecomputedInvoice = {
  id: string;
  status: string;
  amountPaidMinor: number;
  amountCreditedMinor: number;
  amountDueMinor: number;
  totalMinor: number;
  /** What a notice about the invoice names (read with the amounts: the notice needs no read of its own). */
  number: string | null;
  customer: { name: string; company: string; email: string; locale: string };
};

/** What the invoice's amounts are derived from. */
const SHARED_PAYMENT = {
  invoiceId: true,
  status: true,
  amountMinor: true,
  refundedMinor: true,
  disputedMinor: true,
  allocations: { select: { id: true, invoiceId: true, amountMinor: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
} satisfies PaymentSelect;
const INVOICE_AMOUNTS = {
  status: true,
  currency: true,
  totalMinor: true,
  number: true,
  customer: { select: { name: true, company: true, email: true, locale: true } },
  payments: { select: SHARED_PAYMENT },
  // Recorded payments (transfers, cheques, cash) applied to the invoice; a reversal's are negative.
  allocations: { select: { amountMinor: true } },
  // Shares of other payments: a balance payment, or another invoice's overpayment.
  paymentAllocations: { select: { id: true, payment: { select: SHARED_PAYMENT } } },
  // Credit notes applied to the invoice: its own credit it (less to pay), another's credit is used as payment.
  creditAllocations: { select: { amountMinor: true, creditNote: { select: { invoiceId: true } } } },
  checkouts: { where: { status: { in: ["creating", "open"] } }, select: { id: true } },
} satisfies InvoiceSelect;
type InvoiceAmounts = InvoiceGetPayload<{ select: typeof INVOICE_AMOUNTS }>;

/**
 * The invoice's paid and due amounts always come from its payment records (confirmed, less refunds and
 * lost disputes), the shares of other payments that count on it (./accounts/shares.ts) and its
 * recorded-payment allocations (./accounts), never from adding event amounts: whatever order the events
 * came in, the result is the same. Paid can exceed the total (an overpayment): the excess is shown, can
 * be refunded or used by a later invoice.
 */
export async function recomputeInvoice(tx: Tx, invoiceId: string): Promise<RecomputedInvoice> {
  return saveAmounts(tx, invoiceId, await tx.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: INVOICE_AMOUNTS }));
}

/** Every invoice a payment counts on (its own, and those it has shares of), recomputed. */
async function recomputeForPayment(tx: Tx, payment: { id: string; invoiceId: string | null }, knownShares?: { invoiceId: string }[]) {
  const shares = knownShares ?? (await tx.paymentAllocation.findMany({ where: { paymentId: payment.id }, select: { invoiceId: true } }));
  const invoiceIds = new Set([...(payment.invoiceId ? [payment.invoiceId] : []), ...shares.map((s) => s.invoiceId)]);
  const invoices: RecomputedInvoice[] = [];
  for (const id of invoiceIds) invoices.push(await recomputeInvoice(tx, id));
  return { invoice: payment.invoiceId ? invoices[0] : null, invoices };
}

async function saveAmounts(tx: Tx, invoiceId: string, invoice: InvoiceAmounts): Promise<RecomputedInvoice> {
  const own = (a: InvoiceAmounts["creditAllocations"][number]) => a.creditNote.invoiceId === invoiceId;
  const credited = invoice.creditAllocations.filter(own).reduce((sum, a) => sum + a.amountMinor, 0);
  const paid =
    invoice.payments.reduce((sum, p) => sum + countShares(p, p.allocations).ownMinor, 0) +
    invoice.paymentAllocations.reduce((sum, a) => sum + (countShares(a.payment, a.payment.allocations).shares.get(a.id) ?? 0), 0) +
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
  return { id: invoiceId, ...amounts, totalMinor: invoice.totalMinor, number: invoice.number, customer: invoice.customer };
}

/**
 * The other payments that count on this invoice (a balance payment's share, another invoice's
 * overpayment moved here), with what each counts now: for the invoice's page and its public page.
 */
export async function sharesOnInvoice(db: Db, organisationId: string, invoiceId: string) {
  // The query builder: read on every consultation page (docs/decisions/0023).
  const rows = await db.$qb
    .selectFrom("PaymentAllocation as share")
    .innerJoin("Payment as payment", "payment.id", "share.paymentId")
    .select([
      "share.id",
      "share.createdAt",
      "share.paymentId",
      "payment.invoiceId",
      "payment.status",
      "payment.amountMinor",
      "payment.refundedMinor",
      "payment.disputedMinor",
      "payment.method",
    ])
    .where("share.organisationId", "=", organisationId)
    .where("share.invoiceId", "=", invoiceId)
    .orderBy("share.createdAt")
    .execute();
  if (!rows.length) return [];
  // Each payment's shares in the order they were made: what comes first is counted first.
  const sharesOfPayments = await db.$qb
    .selectFrom("PaymentAllocation")
    .select(["id", "paymentId", "invoiceId", "amountMinor"])
    .where("paymentId", "in", [...new Set(rows.map((row) => row.paymentId))])
    .orderBy("createdAt")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    createdAt: new Date(row.createdAt), // as SQLite keeps it: text
    method: row.method,
    status: row.status,
    paymentAmountMinor: row.amountMinor,
    fromInvoiceId: row.invoiceId,
    countedMinor:
      countShares(
        row,
        sharesOfPayments.filter((share) => share.paymentId === row.paymentId),
      ).shares.get(row.id) ?? 0,
  }));
}

/**
 * A balance payment, once confirmed the first time, is spread over the customer's invoices that are
 * due, oldest due first (less what is already on its way for each), the rest left as credit. Done once:
 * if it fails and is confirmed again later, the same shares count again.
 */
async function shareBalancePayment(tx: Tx, payment: PaymentRow) {
  if (await tx.paymentAllocation.findFirst({ where: { paymentId: payment.id }, select: { id: true } })) return;
  const open = await openInvoicesOf(tx, payment.organisationId, payment.customerId, true);
  // One by one: the shares' order is the order they are filled in.
  for (const line of proposeAllocation(open, payment.amountMinor, "", payment.currency)) {
    await tx.paymentAllocation.create({
      data: {
        organisationId: payment.organisationId,
        paymentId: payment.id,
        invoiceId: line.invoiceId,
        amountMinor: line.amountMinor,
        currency: payment.currency,
      },
      select: { id: true },
    });
  }
}

/** Money on its way (debits submitted, card payments still processing): counted nowhere until confirmed. */
export function inFlight(payments: { status: string; amountMinor: number }[]) {
  return payments.filter((p) => p.status === "processing").reduce((sum, p) => sum + p.amountMinor, 0);
}

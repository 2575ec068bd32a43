/**
 * Giving back what a customer paid beyond the invoice (an overpayment: a card payment made while a
 * direct debit was on its way, say). The refund goes through the provider that took the money; it is
 * recorded at once as pending, and counts only when the provider's own events say it succeeded
 * (docs/payment-lifecycle.md).
 */
import type { Db } from "~/lib/db.server";
import { isUniqueViolation, modelRow } from "~/lib/db.server";
import { decryptSecret } from "~/lib/crypto.server";
import type { Logger } from "~/lib/logger.server";
import type { MessageKey } from "~/i18n";
import { isProviderError, type PaymentProvider, type ProviderId } from "../../integrations/types";
import { accountCredit } from "./accounts/credit";
import { findMembership } from "./organisations";
import { applyReversal } from "./payments";
import { can } from "./permissions";

type PaymentLike = { provider: string; providerPaymentId: string };

/** The refunds recorded against these payments (matched by the provider's payment id, as reversals are kept). */
export async function refundsOf(db: Db, organisationId: string, payments: PaymentLike[]) {
  if (!payments.length) return [];
  // The query builder: read on every consultation page with a payment (docs/decisions/0023).
  const rows = await db.$qb
    .selectFrom("PaymentReversal")
    .selectAll()
    .where("organisationId", "=", organisationId)
    .where("kind", "=", "refund")
    .where((eb) => eb.or(payments.map((p) => eb.and([eb("provider", "=", p.provider), eb("providerPaymentId", "=", p.providerPaymentId)]))))
    .orderBy("createdAt")
    .execute();
  return rows.map((row) => modelRow("PaymentReversal", row));
}

export interface Excess {
  /** Paid beyond the invoice's total (confirmed payments, less refunds that succeeded). */
  overpaidMinor: number;
  /** Refunds asked for and not settled yet. */
  pendingMinor: number;
  /** What the one-click refund would give back now. */
  refundableMinor: number;
}

export function excessOf(
  invoice: { amountPaidMinor: number; totalMinor: number; amountCreditedMinor?: number },
  refunds: { status: string; amountMinor: number }[],
): Excess {
  // What its credit notes took off the invoice is no longer owed: paid beyond the rest is excess too.
  const overpaidMinor = Math.max(0, invoice.amountPaidMinor - (invoice.totalMinor - (invoice.amountCreditedMinor ?? 0)));
  const pendingMinor = refunds.filter((r) => r.status === "pending").reduce((sum, r) => sum + r.amountMinor, 0);
  return { overpaidMinor, pendingMinor, refundableMinor: Math.max(0, overpaidMinor - pendingMinor) };
}

type Source = { payment: PaymentRow; amountMinor: number };
type PaymentRow = {
  id: string;
  provider: string;
  providerPaymentId: string;
  amountMinor: number;
  refundedMinor: number;
  disputedMinor: number;
  currency: string;
  status: string;
  flag: string | null;
  createdAt: Date;
};

/**
 * Where the excess is taken back from: the most recently made of the confirmed payments that can cover
 * it alone (the second payment: the card paid while the debit was on its way, usually); else the most
 * recent ones in turn. Payments under a dispute or a
 * chargeback are left alone (the bank is deciding about them).
 */
export function refundSources(
  payments: PaymentRow[],
  refunds: { providerPaymentId: string; provider: string; status: string; amountMinor: number }[],
  excessMinor: number,
): Source[] {
  const pendingOn = (p: PaymentRow) =>
    refunds
      .filter((r) => r.provider === p.provider && r.providerPaymentId === p.providerPaymentId && r.status === "pending")
      .reduce((sum, r) => sum + r.amountMinor, 0);
  const candidates = payments
    .filter((p) => p.status === "confirmed" && !p.flag)
    .map((payment) => ({ payment, leftMinor: payment.amountMinor - payment.refundedMinor - payment.disputedMinor - pendingOn(payment) }))
    .filter((c) => c.leftMinor > 0)
    .sort((a, b) => b.payment.createdAt.getTime() - a.payment.createdAt.getTime());
  const single = candidates.find((c) => c.leftMinor >= excessMinor);
  if (single) return [{ payment: single.payment, amountMinor: excessMinor }];
  const sources: Source[] = [];
  let left = excessMinor;
  for (const c of candidates) {
    if (left <= 0) break;
    const amountMinor = Math.min(left, c.leftMinor);
    sources.push({ payment: c.payment, amountMinor });
    left -= amountMinor;
  }
  return left > 0 ? [] : sources;
}

export type RefundExcessResult = { ok: true; amountMinor: number } | { ok: false; error: MessageKey; forbidden?: true };

export interface RefundDeps {
  db: Db;
  providers: { get(id: ProviderId): PaymentProvider };
  encryptionKey: string;
  log: Logger;
}

/**
 * Refunds the excess of an overpaid invoice through the provider(s) that took it, and records each
 * refund as pending at once. The idempotency key comes from the invoice and the amount paid (and the
 * number of refunds that failed before, so a new try is a new refund): a double click, a retry or a
 * second tab asks the provider for the same refund, never a second one. Null when the invoice is not
 * one of the organisation's, or the user not one of its members.
 */
export async function refundExcess(
  deps: RefundDeps,
  organisationId: string,
  invoiceId: string,
  userId: string,
  now = new Date(),
): Promise<RefundExcessResult | null> {
  const { db } = deps;
  const membership = await findMembership(db, userId, organisationId);
  if (!membership) return null;
  const invoice = await db.invoice.findFirst({ where: { id: invoiceId, organisationId }, include: { payments: true } });
  if (!invoice) return null;
  if (!can(membership.role, "managePayments")) return { ok: false, error: "errors.forbidden", forbidden: true };

  const refunds = await refundsOf(db, organisationId, invoice.payments);
  const excess = excessOf(invoice, refunds);
  if (excess.overpaidMinor <= 0) return { ok: false, error: "refunds.errors.nothingToRefund" };
  if (excess.refundableMinor <= 0) return { ok: false, error: "refunds.errors.alreadyRequested" };
  const sources = refundSources(invoice.payments, refunds, excess.refundableMinor);
  if (!sources.length) return { ok: false, error: "refunds.errors.noPayment" };

  const retries = refunds.filter((r) => r.status === "failed" || r.status === "canceled").length;
  // Split over several payments, a part that fails after others were asked for leaves those standing
  // (they show as pending); the next click asks only for what is still not covered.
  let refundedMinor = 0;
  for (const { payment, amountMinor } of sources) {
    // The credited amount is part of the key: a refund for a later credit note is a new refund, not the earlier one again.
    const credited = invoice.amountCreditedMinor ? `-c${invoice.amountCreditedMinor}` : "";
    const idempotencyKey = `excess-${invoice.id}-${invoice.amountPaidMinor}${credited}-${payment.id}${retries ? `-${retries}` : ""}`;
    const asked = await askRefund(deps, organisationId, payment, amountMinor, idempotencyKey, now, { invoiceId, userId });
    if (!asked.ok) return asked;
    refundedMinor += amountMinor;
  }
  return { ok: true, amountMinor: refundedMinor };
}

/**
 * Asks the payment's provider for a refund under the given key, and records it at once as pending (it counts
 * only when the provider says it succeeded).
 */
async function askRefund(
  deps: RefundDeps,
  organisationId: string,
  payment: { id: string; provider: string; providerPaymentId: string; currency: string },
  amountMinor: number,
  idempotencyKey: string,
  now: Date,
  context: Record<string, string>,
): Promise<{ ok: true } | { ok: false; error: MessageKey }> {
  const { db, log } = deps;
  const connection = await db.providerConnection.findFirst({ where: { organisationId, provider: payment.provider, revokedAt: null } });
  if (!connection) return { ok: false, error: "refunds.errors.providerDisconnected" };
  let refundId: string;
  try {
    ({ refundId } = await deps.providers
      .get(payment.provider as ProviderId)
      .refund(
        { accountId: connection.accountId, accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken) },
        { providerPaymentId: payment.providerPaymentId, amountMinor, currency: payment.currency, idempotencyKey },
      ));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ ...context, provider: payment.provider, paymentId: payment.id, amountMinor, error: message }, "refund refused");
    const down = isProviderError(error) && error.kind === "unavailable";
    return { ok: false, error: down ? "refunds.errors.providerDown" : "refunds.errors.providerRefused" };
  }
  await recordPending(db, {
    organisationId,
    provider: payment.provider,
    kind: "refund",
    providerRef: refundId,
    providerPaymentId: payment.providerPaymentId,
    amountMinor,
    currency: payment.currency,
    status: "pending",
    at: now,
  });
  log.info({ ...context, provider: payment.provider, paymentId: payment.id, refundId, amountMinor }, "refund requested");
  return { ok: true };
}

/** A second click racing the first may record the same refund: the provider gave both the same id, one row is kept. */
async function recordPending(db: Db, fact: Parameters<typeof applyReversal>[1]) {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.$transaction((tx) => applyReversal(tx, fact));
      return;
    } catch (error) {
      if (attempt >= 2 || !isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * Gives back the credit a customer's balance payments left on the account (paid more than was due):
 * through the provider that took each payment, the latest first, recorded as pending at once and counted
 * when the provider says it succeeded — the payment then brings less, so its credit goes down by as much.
 * The key names the payment and what it brings now: a double click asks for the same refund.
 */
export async function refundBalanceCredit(deps: RefundDeps, organisationId: string, customerId: string, userId: string, now = new Date()) {
  const { db } = deps;
  const sources = (await accountCredit(db, organisationId, customerId)).refundable;
  if (!sources.length) return { ok: false as const, error: "refunds.errors.nothingToRefund" as const };
  let refundedMinor = 0;
  // One currency at a time (an account with credit in two currencies is refunded by two clicks).
  const currency = sources[0].payment.currency;
  for (const { payment, amountMinor } of sources.filter((s) => s.payment.currency === currency)) {
    const idempotencyKey = `credit-${payment.id}-${payment.amountMinor - payment.refundedMinor - payment.disputedMinor}-${amountMinor}`;
    const asked = await askRefund(deps, organisationId, payment, amountMinor, idempotencyKey, now, { customerId, userId });
    if (!asked.ok) return asked;
    refundedMinor += amountMinor;
  }
  return { ok: true as const, amountMinor: refundedMinor, currency };
}

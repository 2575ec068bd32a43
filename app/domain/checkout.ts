import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import { decryptSecret } from "~/lib/crypto.server";
import type { Logger } from "~/lib/logger.server";
import { isLocale, translator, type MessageKey } from "~/i18n";
import { isProviderError, type PaymentMethod, type PaymentProvider, type ProviderId } from "../../integrations/types";
import { parseAmountMinor } from "./money";
import { inFlight } from "./payments";
import { UNPAID_STATUSES, type InvoiceStatus } from "./invoices/status";

/** A checkout is reused by a new click only if it stays open at least this long. */
const REUSE_MARGIN_MS = 5 * 60 * 1000;
/** A checkout stuck "creating" this long was interrupted (crash, timeout): it no longer blocks a new one. */
const STALE_CREATING_MS = 2 * 60 * 1000;

export interface PaymentOption {
  provider: ProviderId;
  method: PaymentMethod;
  available: boolean;
  reason?: MessageKey;
}

interface PayableInvoice {
  status: string;
  sentAt: Date | null;
  onlinePayment: boolean;
  amountDueMinor: number;
  currency: string;
  allowPartialPayment: boolean;
  payments: { status: string; amountMinor: number }[];
}

export interface Balance {
  /** Not collected yet (the invoice's amount due). */
  dueMinor: number;
  /** On its way: debits submitted, card payments still processing. */
  inFlightMinor: number;
  /** What is left to pay once the money on its way arrives: what the pay form offers. */
  leftMinor: number;
}

/** The amount due, and what is left of it once the payments in flight are collected. */
export function balanceOf(invoice: { amountDueMinor: number; payments: { status: string; amountMinor: number }[] }): Balance {
  const inFlightMinor = inFlight(invoice.payments);
  return { dueMinor: invoice.amountDueMinor, inFlightMinor, leftMinor: Math.max(0, invoice.amountDueMinor - inFlightMinor) };
}

/**
 * What the payment tab offers: nothing unless something is due, the invoice went out with its link and
 * online payment is on for it; then each connected provider, or why it cannot take this invoice.
 */
export function paymentOptions(
  invoice: PayableInvoice,
  connections: { provider: string; revokedAt: Date | null }[],
  providers: { get(id: ProviderId): PaymentProvider },
): PaymentOption[] {
  if (invoice.amountDueMinor <= 0 || !UNPAID_STATUSES.includes(invoice.status as InvoiceStatus)) return [];
  if (!invoice.sentAt || !invoice.onlinePayment) return [];
  return providerOptions(invoice.currency, connections, providers);
}

/** Each connected provider, or why it cannot take this currency. */
export function providerOptions(
  currency: string,
  connections: { provider: string; revokedAt: Date | null }[],
  providers: { get(id: ProviderId): PaymentProvider },
): PaymentOption[] {
  return connections
    .filter((c) => !c.revokedAt)
    .map((c) => providers.get(c.provider as ProviderId))
    .map((provider) => ({
      provider: provider.id,
      method: provider.methods[0],
      available: provider.supportsCurrency(currency),
      reason: provider.supportsCurrency(currency) ? undefined : ("checkout.errors.currencyUnsupported" as const),
    }));
}

/**
 * What the customer will see on the invoice's page, for the merchant's invoice page: the methods they can
 * pay online with (once the invoice is sent), or why there is none and whether bank details are shown.
 */
export type OnlinePaymentSummary =
  | { online: true; sent: boolean; methods: PaymentMethod[]; unavailable: PaymentMethod[] }
  | { online: false; reason: "off" | "noProvider"; transfer: boolean };

export function onlinePaymentSummary(
  invoice: { onlinePayment: boolean; sentAt: Date | null; currency: string },
  connections: { provider: string; revokedAt: Date | null }[],
  providers: { get(id: ProviderId): PaymentProvider },
  hasIban: boolean,
): OnlinePaymentSummary {
  const connected = connections.filter((c) => !c.revokedAt).map((c) => providers.get(c.provider as ProviderId));
  if (!connected.length) return { online: false, reason: "noProvider", transfer: hasIban };
  if (!invoice.onlinePayment) return { online: false, reason: "off", transfer: hasIban };
  const accepts = (provider: PaymentProvider) => provider.supportsCurrency(invoice.currency);
  return {
    online: true,
    sent: Boolean(invoice.sentAt),
    methods: connected.filter(accepts).flatMap((p) => p.methods),
    unavailable: connected.filter((p) => !accepts(p)).flatMap((p) => p.methods),
  };
}

/**
 * Where the customer's payment stands when they come back from the provider's page (`?return=<provider>`):
 * still waiting for the provider's news (the checkout is open), on its way (a debit submitted), confirmed,
 * or failed. Null when there is nothing to say (no checkout, or one that expired).
 */
export type ReturnState = { state: "awaiting" | "inFlight" | "confirmed" | "failed"; amountMinor: number } | null;

export async function returnState(db: Db, payer: { invoiceId: string } | { customerId: string; invoiceId: null }, provider: ProviderId): Promise<ReturnState> {
  const attempt = await db.checkoutAttempt.findFirst({
    where: { ...payer, provider },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, amountMinor: true },
  });
  if (!attempt) return null;
  if (attempt.status === "creating" || attempt.status === "open") return { state: "awaiting", amountMinor: attempt.amountMinor };
  const payment = await db.payment.findFirst({ where: { checkoutAttemptId: attempt.id }, select: { status: true, amountMinor: true } });
  if (!payment) return null;
  const state = payment.status === "processing" ? "inFlight" : payment.status === "confirmed" ? "confirmed" : "failed";
  return { state, amountMinor: payment.amountMinor };
}

export type AmountResult = { ok: true; amountMinor: number } | { ok: false; error: MessageKey; field: "amount" | "payAnyway" };

/**
 * What the customer pays: by default what is left once the money already on its way is counted; less
 * only where the merchant allows partial payment; never more than is due, zero or negative. Paying
 * beyond what is left (a second payment while a debit is in flight) needs `payAnyway`, the customer's
 * explicit confirmation: with it, an empty amount is the whole amount due.
 */
export function payAmount(input: string | undefined, invoice: PayableInvoice, payAnyway = false): AmountResult {
  const { dueMinor, leftMinor } = balanceOf(invoice);
  let amountMinor = leftMinor > 0 ? leftMinor : dueMinor;
  if (input?.trim()) {
    const parsed = parseAmountMinor(input, invoice.currency);
    if (parsed === null) return { ok: false, error: "errors.amount", field: "amount" };
    amountMinor = parsed;
  }
  if (amountMinor <= 0) return { ok: false, error: "checkout.errors.amountPositive", field: "amount" };
  if (amountMinor > dueMinor) return { ok: false, error: "checkout.errors.amountAboveDue", field: "amount" };
  // Whole amounts only, unless allowed: what is left, or (confirmed) everything that is due.
  if (!invoice.allowPartialPayment && amountMinor !== leftMinor && amountMinor !== dueMinor) {
    return { ok: false, error: "checkout.errors.partialNotAllowed", field: "amount" };
  }
  if (amountMinor > leftMinor && !payAnyway) return { ok: false, error: "checkout.errors.inFlightConfirm", field: "payAnyway" };
  return { ok: true, amountMinor };
}

export type CheckoutResult = { ok: true; url: string; reused: boolean; attemptId: string } | { ok: false; error: MessageKey };

/** Who pays what: one invoice, or (invoiceId null) the customer's balance. */
export interface CheckoutPayer {
  organisationId: string;
  customerId: string;
  invoiceId: string | null;
  currency: string;
  /** What the payer's bank statement or card receipt shows. */
  description: string;
  customer: { email: string; name: string; locale: string };
}

/** The customer paying their balance (issue 14): the payment is spread over their invoices once collected. */
export function balancePayer(
  customer: {
    id: string;
    organisationId: string;
    name: string;
    email: string;
    locale: string;
    reference: string;
  },
  currency: string,
): CheckoutPayer {
  const t = translator(isLocale(customer.locale) ? customer.locale : "fr");
  return {
    organisationId: customer.organisationId,
    customerId: customer.id,
    invoiceId: null,
    currency,
    description: t("balance.paymentDescription", { reference: customer.reference || customer.name }),
    customer,
  };
}

export function invoicePayer(invoice: {
  id: string;
  organisationId: string;
  customerId: string;
  number: string | null;
  currency: string;
  customer: { email: string; name: string; locale: string };
}): CheckoutPayer {
  const { id, number, ...rest } = invoice;
  return { ...rest, invoiceId: id, description: number ?? id };
}

/**
 * Opens (or reuses) the provider's hosted page for this invoice and amount. The local attempt is written
 * before the provider is called and names the idempotency key, so retries, double clicks and second tabs
 * lead to one checkout.
 */
export async function openCheckout(
  deps: { db: Db; providers: { get(id: ProviderId): PaymentProvider }; encryptionKey: string; log: Logger },
  input: {
    payer: CheckoutPayer;
    provider: ProviderId;
    amountMinor: number;
    returnUrl: string;
    cancelUrl: string;
  },
  now: Date,
): Promise<CheckoutResult> {
  const { db, log } = deps;
  const { payer, amountMinor } = input;
  const provider = deps.providers.get(input.provider);
  const connection = await db.providerConnection.findFirst({ where: { organisationId: payer.organisationId, provider: provider.id, revokedAt: null } });
  if (!connection) return { ok: false, error: "checkout.errors.unavailableMethod" };

  const target = { customerId: payer.customerId, invoiceId: payer.invoiceId };
  const live = await db.checkoutAttempt.findFirst({
    where: { ...target, provider: provider.id, amountMinor, status: { in: ["creating", "open"] } },
  });
  if (live?.status === "open" && live.url && live.expiresAt && live.expiresAt.getTime() > now.getTime() + REUSE_MARGIN_MS) {
    return { ok: true, url: live.url, reused: true, attemptId: live.id };
  }
  if (live && (live.status === "open" || now.getTime() - live.createdAt.getTime() > STALE_CREATING_MS)) {
    await db.checkoutAttempt.update({ where: { id: live.id }, data: { status: "expired" } });
  } else if (live) {
    return { ok: false, error: "checkout.errors.inProgress" };
  }

  let attempt: Awaited<ReturnType<typeof db.checkoutAttempt.create>>;
  try {
    attempt = await db.checkoutAttempt.create({
      data: { organisationId: payer.organisationId, ...target, provider: provider.id, method: provider.methods[0], amountMinor, currency: payer.currency },
    });
  } catch (error) {
    // Another tab got there first: its checkout is the one to use.
    if (isUniqueViolation(error)) return { ok: false, error: "checkout.errors.inProgress" };
    throw error;
  }
  try {
    const checkout = await provider.createCheckout({
      accountId: connection.accountId,
      accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken),
      amountMinor,
      currency: payer.currency,
      description: payer.description,
      customer: { email: payer.customer.email, name: payer.customer.name, locale: payer.customer.locale === "en" ? "en" : "fr" },
      returnUrl: input.returnUrl,
      cancelUrl: input.cancelUrl,
      metadata: { ...(payer.invoiceId ? { invoice_id: payer.invoiceId } : { customer_id: payer.customerId }), attempt_id: attempt.id },
      idempotencyKey: `checkout-${attempt.id}`,
    });
    await db.checkoutAttempt.update({
      where: { id: attempt.id },
      data: { status: "open", providerRef: checkout.ref, url: checkout.url, expiresAt: checkout.expiresAt },
    });
    log.info({ ...target, provider: provider.id, attemptId: attempt.id, amountMinor }, "checkout opened");
    return { ok: true, url: checkout.url, reused: false, attemptId: attempt.id };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.checkoutAttempt.update({ where: { id: attempt.id }, data: { status: "failed", lastError: message.slice(0, 500) } });
    log.warn({ ...target, provider: provider.id, attemptId: attempt.id, error: message }, "checkout creation failed");
    return { ok: false, error: isProviderError(error) && error.kind === "unavailable" ? "checkout.errors.providerDown" : "checkout.errors.providerRefused" };
  }
}

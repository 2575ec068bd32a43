export const PROVIDERS = ["gocardless", "stripe"] as const;
export type ProviderId = (typeof PROVIDERS)[number];
export type PaymentMethod = "direct_debit" | "card";

export function isProviderId(value: unknown): value is ProviderId {
  return value === "gocardless" || value === "stripe";
}

export interface ConnectedAccount {
  accountId: string;
  accountName: string;
  environment: "sandbox" | "live";
  accessToken: string;
}

export interface AuthorizeOptions {
  state: string;
  redirectUri: string;
  locale: "fr" | "en";
  /** Create a new provider account rather than log in to an existing one. */
  signup: boolean;
  email?: string;
  organisationName?: string;
}

/** What the app asks the provider to keep on a payment: the invoice it pays, or the customer whose balance it pays. */
export type PaymentMetadata = ({ invoice_id: string } | { customer_id: string }) & { attempt_id: string };

export interface CheckoutRequest {
  accountId: string;
  accessToken: string;
  amountMinor: number;
  currency: string;
  description: string;
  customer: { email: string; name: string; locale: "fr" | "en" };
  /** Where the payer lands after paying (or setting up the mandate), and after giving up. */
  returnUrl: string;
  cancelUrl: string;
  metadata: PaymentMetadata;
  /** Derived from the local attempt: a retried call can never open a second checkout. */
  idempotencyKey: string;
}

export interface Checkout {
  ref: string;
  url: string;
  expiresAt: Date;
}

/** A connected account as the provider knows it. */
export interface ProviderAccount {
  accountId: string;
  accessToken: string;
}

export interface ProviderPayment {
  amountMinor: number;
  currency: string;
  invoiceId?: string;
  customerId?: string;
  attemptId?: string;
  mandateId?: string;
  /** The automatic debit request that created it (metadata), or the instalment schedule it belongs to. */
  debitRequestId?: string;
  instalmentScheduleId?: string;
  chargeDate?: string;
}

export interface ProviderRefund {
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  status: "pending" | "succeeded" | "failed" | "canceled";
}

export interface RefundRequest {
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
}

export interface MandateCharge {
  mandateId: string;
  amountMinor: number;
  currency: string;
  description: string;
  /** What it pays, and what asked for it: a checkout (attempt_id) or an automatic debit request (debit_request_id). */
  metadata: PaymentMetadata | (({ invoice_id: string } | { customer_id: string }) & { debit_request_id: string });
  idempotencyKey: string;
  /** The day to collect (YYYY-MM-DD); GoCardless's earliest possible when omitted. */
  chargeDate?: string;
}

/** A balance spread over collections on a mandate (GoCardless instalment schedule). */
export interface InstalmentScheduleRequest {
  mandateId: string;
  name: string;
  currency: string;
  totalMinor: number;
  instalments: { amountMinor: number; chargeDate: string }[];
  metadata: Record<string, string>;
  idempotencyKey: string;
}

/** A direct-debit mandate as the provider knows it. */
export interface ProviderMandate {
  status: string;
  /** The mandate reference (RUM) the provider gave it. */
  reference: string;
  /** The earliest day a payment created now can be collected (YYYY-MM-DD), when the provider says. */
  nextPossibleChargeDate?: string;
}

/** What the app asks of a provider that holds SEPA mandates for the merchant (GoCardless). */
export interface MandateProvider {
  fetchMandate(account: ProviderAccount, mandateId: string): Promise<ProviderMandate>;
  /** Cancels the mandate at the provider (its pending payments with it); an already cancelled one is no error. */
  cancelMandate(account: ProviderAccount, mandateId: string): Promise<void>;
  /** The provider's own PDF of the mandate: a short-lived URL, to hand over at once and never store. */
  mandatePdf(account: ProviderAccount, mandateId: string, locale: "fr" | "en"): Promise<{ url: string; expiresAt: Date }>;
  /** Creates an instalment schedule on the mandate (the amounts must add up to the total); its payments' ids when already created. */
  createInstalmentSchedule(account: ProviderAccount, input: InstalmentScheduleRequest): Promise<{ scheduleId: string; status: string; paymentIds: string[] }>;
  /** Charges a mandate (an automatic debit); the idempotency key makes a retried call return the same payment. */
  collectOnMandate(account: ProviderAccount, input: MandateCharge): Promise<{ providerPaymentId: string }>;
}

/** The one small interface the app uses for a payment provider. */
export interface PaymentProvider {
  readonly id: ProviderId;
  readonly methods: readonly PaymentMethod[];
  /** True when this provider is the offline sandbox rather than the real service. */
  readonly sandbox: boolean;
  authorizeUrl(options: AuthorizeOptions): string;
  exchangeCode(code: string, redirectUri: string): Promise<ConnectedAccount>;
  /** Currencies this provider can collect, or the reason it cannot. */
  supportsCurrency(currency: string): boolean;
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  /** Verifies the signature on the raw body and normalises the events; never throws. */
  parseWebhook(rawBody: string, headers: Headers): WebhookParseResult;
  /** One of the provider's payments, for an event that names only the payment. */
  fetchPayment(account: ProviderAccount, providerPaymentId: string): Promise<ProviderPayment>;
  /** One of the provider's refunds, for an event that names only the refund. */
  fetchRefund(account: ProviderAccount, refundId: string): Promise<ProviderRefund>;
  /** Refunds part or all of a payment; the idempotency key makes a retried call return the same refund. */
  refund(account: ProviderAccount, input: RefundRequest): Promise<{ refundId: string }>;
  /** Charges a mandate the payer has just set up; the idempotency key makes a retried call return the same payment. */
  collectOnMandate(account: ProviderAccount, input: MandateCharge): Promise<{ providerPaymentId: string }>;
  /**
   * The account's events created after `since`, normalised like webhook events and with the same ids
   * (issue 16: what the webhooks missed is found and applied once). Oldest or newest first: the caller sorts.
   */
  listEventsSince(account: ProviderAccount, since: Date): Promise<ProviderEvent[]>;
  /** Best effort: the caller deletes its token whatever happens here. */
  revoke(account: { accountId: string; accessToken: string }): Promise<void>;
}

export type ProviderErrorKind = "invalid_grant" | "rejected" | "unavailable";

/** A provider failure, classified so the app can tell the merchant what happened in plain words. */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/**
 * Structural check: the server and the app build each bundle their own copy of this module,
 * so `instanceof` cannot be trusted across that boundary.
 */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof Error && error.name === "ProviderError" && typeof (error as ProviderError).kind === "string";
}

/** Gives up waiting after `ms` (the GoCardless SDK has no timeout of its own). */
export async function withTimeout<T>(provider: ProviderId, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderError(provider, "unavailable", `no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a provider event means for us, whatever the provider (docs/payment-lifecycle.md). */
export type NormalisedEvent =
  | {
      kind: "payment";
      providerPaymentId: string;
      status: "processing" | "confirmed" | "failed" | "charged_back";
      amountMinor?: number;
      currency?: string;
      invoiceId?: string;
      customerId?: string;
      attemptId?: string;
      reason?: string;
      /** The provider will try to collect again (a failed debit it retries): the money is still on its way. */
      retrying?: boolean;
    }
  | {
      kind: "refund";
      refundId: string;
      status: "pending" | "succeeded" | "failed" | "canceled";
      /** Missing when the event names only the refund: the provider is asked. */
      providerPaymentId?: string;
      amountMinor?: number;
      currency?: string;
      reason?: string;
    }
  | {
      kind: "dispute";
      disputeId: string;
      providerPaymentId: string;
      status: "open" | "won" | "lost";
      amountMinor: number;
      currency: string;
      reason: string;
    }
  | { kind: "checkout_expired"; checkoutRef: string }
  | { kind: "mandate_ready"; billingRequestId: string; mandateId: string }
  | { kind: "mandate"; mandateId: string; action: string; newMandateId?: string; cause?: string }
  /** A GoCardless instalment schedule's own news (its payments have their own events). */
  | { kind: "instalment_schedule"; scheduleId: string; action: string; cause?: string }
  | { kind: "deauthorized" }
  /** A fact that can never apply (a checkout we did not open, a setup session): kept, with the reason, and not retried. */
  | { kind: "rejected"; reason: string }
  | { kind: "ignored" };

export interface ProviderEvent {
  id: string;
  type: string;
  /** The connected account it belongs to (Stripe `account`, GoCardless `links.organisation`). */
  accountId: string;
  livemode: boolean | null;
  createdAt: string;
  event: NormalisedEvent;
}

export type WebhookParseResult = { ok: true; events: ProviderEvent[] } | { ok: false; status: number; reason: string };

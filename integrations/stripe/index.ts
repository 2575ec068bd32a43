import Stripe from "stripe";
import type { ProviderSettings } from "../settings";
import {
  type ProviderAccount,
  type ProviderEvent,
  type ProviderPayment,
  type ProviderRefund,
  type RefundRequest,
  ProviderError,
  isProviderError,
  type AuthorizeOptions,
  type Checkout,
  type CheckoutRequest,
  type NormalisedEvent,
  type WebhookParseResult,
  type ConnectedAccount,
  type PaymentProvider,
} from "../types";

export const STRIPE_API_VERSION = "2026-10-28.endive" as const;
/** Stripe's default: a signature older (or, checked by us, newer) than this is refused. */
const SIGNATURE_TOLERANCE_S = 300;

export class StripeProvider implements PaymentProvider {
  readonly id = "stripe" as const;
  readonly methods = ["card"] as const;
  readonly sandbox: boolean;
  readonly client: Stripe;

  private readonly settings: ProviderSettings["stripe"];

  constructor(private readonly all: ProviderSettings) {
    this.settings = all.stripe;
    this.sandbox = this.settings.sandbox;
    // Offline, the SDK talks to the sandbox service through its own host/port/protocol options.
    const sandbox = this.sandbox && all.sandboxUrl ? new URL(all.sandboxUrl) : null;
    this.client = new Stripe(this.settings.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      maxNetworkRetries: 2,
      timeout: 10_000,
      telemetry: false,
      ...(sandbox ? { host: sandbox.hostname, port: Number(sandbox.port || 80), protocol: "http" as const } : {}),
    });
  }

  authorizeUrl(options: AuthorizeOptions): string {
    const params = {
      response_type: "code" as const,
      client_id: this.settings.clientId,
      scope: "read_write" as const,
      redirect_uri: options.redirectUri,
      state: options.state,
      stripe_landing: options.signup ? ("register" as const) : ("login" as const),
      ...(options.email ? { "stripe_user[email]": options.email } : {}),
    };
    // The SDK's authorizeUrl always points at connect.stripe.com; the sandbox serves its own consent page.
    if (this.sandbox) return `${this.all.sandboxPagesUrl}/pages/stripe/oauth/authorize?${new URLSearchParams(params)}`;
    return this.client.oauth.authorizeUrl({ ...params, stripe_user: options.email ? { email: options.email } : undefined } as Stripe.OAuthAuthorizeUrlParams);
  }

  async exchangeCode(code: string): Promise<ConnectedAccount> {
    try {
      const token = await this.client.oauth.token({ grant_type: "authorization_code", code });
      if (!token.stripe_user_id || !token.access_token) throw new ProviderError("stripe", "rejected", "token response without an account");
      let accountName = "";
      try {
        const account = await this.client.accounts.retrieve(token.stripe_user_id);
        accountName = account.business_profile?.name || account.settings?.dashboard?.display_name || account.email || "";
      } catch {
        // The name is a courtesy; the connection stands without it.
      }
      return { accountId: token.stripe_user_id, accountName, environment: token.livemode ? "live" : "sandbox", accessToken: token.access_token };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  supportsCurrency(): boolean {
    return true;
  }

  /** A Checkout Session on the merchant's own account (a direct charge: the money never transits through us). */
  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    try {
      const session = await this.client.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: { currency: request.currency.toLowerCase(), unit_amount: request.amountMinor, product_data: { name: request.description } },
            },
          ],
          success_url: `${request.returnUrl}${request.returnUrl.includes("?") ? "&" : "?"}session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: request.cancelUrl,
          client_reference_id: "invoice_id" in request.metadata ? request.metadata.invoice_id : request.metadata.customer_id,
          customer_email: request.customer.email || undefined,
          locale: request.customer.locale,
          expires_at: Math.floor(Date.now() / 1000) + 60 * 60,
          metadata: request.metadata,
          payment_intent_data: { metadata: request.metadata, description: request.description },
        },
        { stripeAccount: request.accountId, idempotencyKey: request.idempotencyKey },
      );
      if (!session.url) throw new ProviderError("stripe", "rejected", "checkout session without a URL");
      return { ref: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async expireCheckout(accountId: string, sessionId: string): Promise<void> {
    await this.client.checkout.sessions.expire(sessionId, {}, { stripeAccount: accountId }).catch(() => {});
  }

  parseWebhook(rawBody: string, headers: Headers): WebhookParseResult {
    const signature = headers.get("stripe-signature");
    if (!signature) return { ok: false, status: 400, reason: "missing Stripe-Signature" };
    let event: Stripe.Event;
    try {
      event = this.client.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret, SIGNATURE_TOLERANCE_S);
    } catch (error) {
      const type = (error as { type?: string }).type;
      return { ok: false, status: 400, reason: type === "StripeSignatureVerificationError" ? "invalid signature" : "malformed event" };
    }
    // The SDK refuses old signatures only; one dated in the future is as suspect (a replay prepared in advance).
    const signedAt = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
    if (signedAt * 1000 > Date.now() + SIGNATURE_TOLERANCE_S * 1000) return { ok: false, status: 400, reason: "signature dated in the future" };
    if (!event.account) return { ok: false, status: 400, reason: "not a Connect event (no account)" };
    return {
      ok: true,
      events: [
        {
          id: event.id,
          type: event.type,
          accountId: event.account,
          livemode: event.livemode,
          createdAt: new Date(event.created * 1000).toISOString(),
          event: normaliseSafely(event),
        },
      ],
    };
  }

  /** The connected account's events since `since` (`GET /v1/events?created[gt]=…`, every page): the same events its webhooks carry. */
  async listEventsSince(account: ProviderAccount, since: Date): Promise<ProviderEvent[]> {
    try {
      const events = await this.client.events
        .list({ created: { gt: Math.floor(since.getTime() / 1000) }, limit: 100 }, { stripeAccount: account.accountId })
        .autoPagingToArray({ limit: 10_000 });
      return events.map((event) => ({
        id: event.id,
        type: event.type,
        accountId: event.account ?? account.accountId,
        livemode: event.livemode,
        createdAt: new Date(event.created * 1000).toISOString(),
        event: normaliseSafely(event),
      }));
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** A payment intent on the merchant's account (Stripe events carry their amount: this serves events that would not). */
  async fetchPayment(account: ProviderAccount, paymentIntentId: string): Promise<ProviderPayment> {
    try {
      const intent = await this.client.paymentIntents.retrieve(paymentIntentId, {}, { stripeAccount: account.accountId });
      return {
        amountMinor: intent.amount,
        currency: intent.currency.toUpperCase(),
        invoiceId: intent.metadata.invoice_id,
        customerId: intent.metadata.customer_id,
        attemptId: intent.metadata.attempt_id,
      };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** A refund and the payment intent it belongs to (a refund object may name only its charge). */
  async fetchRefund(account: ProviderAccount, refundId: string): Promise<ProviderRefund> {
    try {
      const refund = await this.client.refunds.retrieve(refundId, { expand: ["charge"] }, { stripeAccount: account.accountId });
      const charge = refund.charge as Stripe.Charge | string | null;
      const providerPaymentId = idOf(refund.payment_intent as never) || (typeof charge === "object" && charge ? idOf(charge.payment_intent as never) : "");
      if (!providerPaymentId) throw new ProviderError("stripe", "rejected", `refund ${refundId} names no payment intent`);
      return {
        providerPaymentId,
        amountMinor: refund.amount,
        currency: refund.currency.toUpperCase(),
        status: refundStatusOf(refund.status),
      };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async refund(account: ProviderAccount, input: RefundRequest): Promise<{ refundId: string }> {
    try {
      const refund = await this.client.refunds.create(
        { payment_intent: input.providerPaymentId, amount: input.amountMinor },
        { stripeAccount: account.accountId, idempotencyKey: input.idempotencyKey },
      );
      return { refundId: refund.id };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async collectOnMandate(): Promise<{ providerPaymentId: string }> {
    // Our Stripe checkouts are card payments: no mandate flow ends in a charge to create here.
    throw new ProviderError("stripe", "rejected", "Stripe checkouts do not set up mandates in this app");
  }

  async revoke(account: { accountId: string }): Promise<void> {
    try {
      await this.client.oauth.deauthorize({ client_id: this.settings.clientId, stripe_user_id: account.accountId });
    } catch (error) {
      throw toProviderError(error);
    }
  }
}

export function toProviderError(error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  if (error instanceof Stripe.errors.StripeInvalidGrantError) return new ProviderError("stripe", "invalid_grant", error.message);
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError
  ) {
    return new ProviderError("stripe", "unavailable", error.message);
  }
  return new ProviderError("stripe", "rejected", error instanceof Error ? error.message : String(error));
}

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? ""));

const REFUND_STATUS = { pending: "pending", requires_action: "pending", succeeded: "succeeded", failed: "failed", canceled: "canceled" } as const;
const refundStatusOf = (status: string | null) => REFUND_STATUS[status as keyof typeof REFUND_STATUS] ?? "pending";

/** Inquiries (warning_*) and open disputes take nothing yet; `warning_closed` and `prevented` end without a loss. */
const DISPUTE_STATUS: Record<string, "open" | "won" | "lost"> = { won: "won", lost: "lost", warning_closed: "won", prevented: "won" };

/** A signed event whose object is not shaped as documented is kept and refused with a reason, never a 500. */
function normaliseSafely(event: Stripe.Event): NormalisedEvent {
  try {
    return normaliseStripeEvent(event);
  } catch {
    return { kind: "rejected", reason: `${event.type} object is not shaped as Stripe documents it` };
  }
}

/** The lifecycle these map onto is in docs/payment-lifecycle.md. */
export function normaliseStripeEvent(event: Stripe.Event): NormalisedEvent {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.async_payment_failed": {
      const session = event.data.object as Stripe.Checkout.Session;
      // Only the payment-mode sessions the app opens carry a payment to record.
      if (session.mode !== "payment") return { kind: "rejected", reason: `a ${session.mode}-mode checkout session carries no payment` };
      if (session.status !== "complete") return { kind: "rejected", reason: `checkout session is ${session.status}, not complete` };
      if (session.amount_total === null || !session.currency) return { kind: "rejected", reason: "checkout session without an amount" };
      if (session.payment_status === "no_payment_required") return { kind: "rejected", reason: "checkout session required no payment" };
      const status =
        event.type === "checkout.session.async_payment_failed"
          ? "failed"
          : event.type === "checkout.session.async_payment_succeeded" || session.payment_status === "paid"
            ? "confirmed"
            : "processing";
      return {
        kind: "payment",
        providerPaymentId: idOf(session.payment_intent as never) || session.id,
        status,
        amountMinor: session.amount_total,
        currency: session.currency.toUpperCase(),
        invoiceId: session.metadata?.invoice_id ?? (session.metadata?.customer_id ? undefined : (session.client_reference_id ?? undefined)),
        customerId: session.metadata?.customer_id,
        attemptId: session.metadata?.attempt_id,
        reason: status === "failed" ? "async_payment_failed" : undefined,
      };
    }
    case "checkout.session.expired":
      return { kind: "checkout_expired", checkoutRef: (event.data.object as Stripe.Checkout.Session).id };
    case "refund.created":
    case "refund.updated":
    case "refund.failed":
    case "charge.refund.updated": {
      const refund = event.data.object as Stripe.Refund;
      return {
        kind: "refund",
        refundId: refund.id,
        status: refundStatusOf(refund.status),
        providerPaymentId: idOf(refund.payment_intent as never) || undefined,
        amountMinor: refund.amount,
        currency: refund.currency.toUpperCase(),
        reason: refund.failure_reason ?? refund.reason ?? undefined,
      };
    }
    case "charge.dispute.created":
    case "charge.dispute.updated":
    case "charge.dispute.closed":
    case "charge.dispute.funds_withdrawn":
    case "charge.dispute.funds_reinstated": {
      const dispute = event.data.object as Stripe.Dispute;
      return {
        kind: "dispute",
        disputeId: dispute.id,
        providerPaymentId: idOf(dispute.payment_intent as never) || idOf(dispute.charge as never),
        status: DISPUTE_STATUS[dispute.status] ?? "open",
        amountMinor: dispute.amount,
        currency: dispute.currency.toUpperCase(),
        reason: dispute.reason,
      };
    }
    case "account.application.deauthorized":
      return { kind: "deauthorized" };
    default:
      // charge.refunded is left to the refund.* events, which carry each refund's own status.
      return { kind: "ignored" };
  }
}

import { createHmac, randomUUID } from "node:crypto";
import Stripe from "stripe";
import type { TestApp } from "../helpers/app";
import stripeFixtures from "../fixtures/providers/stripe-fixtures3.json";

type StripeResource = "checkout.session" | "refund" | "dispute" | "charge" | "payment_intent";

/** One of Stripe's published object fixtures (stripe/openapi fixtures3.json), with our ids and amounts laid over it. */
export function stripeObject(resource: StripeResource, overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone((stripeFixtures.resources as Record<string, object>)[resource]), ...overrides };
}

/** A Stripe Connect event as Stripe sends it (API version of the endpoint, `account` at the top). */
export function stripeEvent(type: string, object: Record<string, unknown>, account: string, id = `evt_${randomUUID().replace(/-/g, "").slice(0, 24)}`) {
  return {
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    account,
    data: { object },
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  };
}

/** A completed payment-mode Checkout Session, from Stripe's fixture, for one of our invoices. */
export function checkoutSession(input: { invoiceId: string; amount: number; paymentIntent: string; paid?: boolean; attemptId?: string; currency?: string }) {
  return stripeObject("checkout.session", {
    id: `cs_test_${input.paymentIntent}`,
    mode: "payment",
    amount_total: input.amount,
    amount_subtotal: input.amount,
    currency: input.currency ?? "eur",
    payment_status: input.paid === false ? "unpaid" : "paid",
    status: "complete",
    payment_intent: input.paymentIntent,
    client_reference_id: input.invoiceId,
    metadata: { invoice_id: input.invoiceId, ...(input.attemptId ? { attempt_id: input.attemptId } : {}) },
  });
}

export function signStripe(payload: string, secret: string, timestamp?: number) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** A GoCardless delivery: a batch of events, signed with hex HMAC-SHA256 of the raw body. */
export function gocardlessBody(events: Record<string, unknown>[]) {
  return JSON.stringify({ events, meta: { webhook_id: `WB${randomUUID().slice(0, 10)}` } });
}

/**
 * A GoCardless event in the documented shape (see test/fixtures/providers/gocardless-examples.json).
 * `at` is the provider's creation time: a lifecycle told out of order keeps each event's real time.
 */
export function gcEvent(
  resourceType: string,
  action: string,
  links: Record<string, string>,
  options: { id?: string; at?: Date; details?: Record<string, unknown> } = {},
) {
  return {
    id: options.id ?? `EV${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`,
    created_at: (options.at ?? new Date()).toISOString(),
    resource_type: resourceType,
    action,
    links,
    details: options.details ?? { origin: "gocardless", cause: action, description: `${resourceType} ${action}` },
    metadata: {},
  };
}

export function signGoCardless(body: string, secret: string) {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export async function postWebhook(app: TestApp, provider: "stripe" | "gocardless", body: string, headers: Record<string, string> = {}) {
  const signature: Record<string, string> =
    provider === "stripe"
      ? { "stripe-signature": signStripe(body, app.providers.settings.stripe.webhookSecret) }
      : { "webhook-signature": signGoCardless(body, app.providers.settings.gocardless.webhookSecret) };
  const res = await fetch(`${app.baseUrl}/webhooks/${provider}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...signature, ...headers },
  });
  return { status: res.status, text: await res.text() };
}

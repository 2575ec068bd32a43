import { http, HttpResponse } from "msw";
import qs from "qs";
import { recordCall, sandboxId, sandboxState } from "./state";
import { connectedAccountOf, platformKeyValid, stripeError } from "./stripe";
import { type SandboxCheckoutSession, stripeSessions } from "./stripe-checkout";
import { scheduleSandboxRefund } from "./webhooks";

/** A Stripe refund object (the fields of Stripe's published refund fixture). */
export interface SandboxStripeRefund {
  id: string;
  object: "refund";
  amount: number;
  balance_transaction: string | null;
  charge: string;
  created: number;
  currency: string;
  destination_details: { type: "card"; card: { type: "refund"; reference_status: "pending" | "available" } };
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string | null;
  receipt_number: string | null;
  source_transfer_reversal: null;
  status: "pending" | "succeeded" | "failed" | "canceled";
  failure_reason?: string;
  transfer_reversal: null;
}

/** Refunds with the connected account they were made on (Stripe's object does not name it). */
export const stripeRefunds = () => sandboxState().store.collection<{ account: string; refund: SandboxStripeRefund }>("stripeRefunds");
const idempotent = () => sandboxState().store.collection<{ body: string; refundId: string }>("stripeRefundIdempotency");

const API = "https://api.stripe.com/v1";

/** The sandbox's card payments have one charge each, named after their payment intent. */
const chargeIdOf = (paymentIntent: string) => paymentIntent.replace(/^pi_/, "ch_");

function paidSession(account: string, reference: { payment_intent?: string; charge?: string }) {
  return stripeSessions()
    .values()
    .find(
      (s) =>
        s.account === account &&
        s.payment_intent !== null &&
        s.payment_status === "paid" &&
        (s.payment_intent === reference.payment_intent || chargeIdOf(s.payment_intent) === reference.charge),
    );
}

/** What has been refunded (or is being refunded) on the session's payment: failed and canceled refunds gave it back. */
function refundedOn(paymentIntent: string) {
  return stripeRefunds()
    .values()
    .filter(({ refund }) => refund.payment_intent === paymentIntent && refund.status !== "failed" && refund.status !== "canceled")
    .reduce((sum, { refund }) => sum + refund.amount, 0);
}

function chargeOf(session: SandboxCheckoutSession) {
  const paymentIntent = session.payment_intent!;
  const refunded = stripeRefunds()
    .values()
    .filter(({ refund }) => refund.payment_intent === paymentIntent && refund.status === "succeeded")
    .reduce((sum, { refund }) => sum + refund.amount, 0);
  return {
    id: chargeIdOf(paymentIntent),
    object: "charge",
    amount: session.amount_total,
    amount_captured: session.amount_total,
    amount_refunded: refunded,
    captured: true,
    created: session.created,
    currency: session.currency,
    livemode: false,
    metadata: session.metadata,
    paid: true,
    payment_intent: paymentIntent,
    refunded: refunded >= session.amount_total,
    status: "succeeded",
  };
}

const money = (minor: number, currency: string) => `${currency === "eur" ? "€" : `${currency.toUpperCase()} `}${(minor / 100).toFixed(2)}`;

export const stripeRefundHandlers = [
  /**
   * Refunds a card payment on the connected account, like Stripe: by payment intent or charge, the
   * remaining amount unless one is given, never more than is left, and an idempotency key replays the
   * first answer (or is refused when used with other parameters).
   */
  http.post(`${API}/refunds`, async ({ request }) => {
    const text = await request.text();
    const key = request.headers.get("idempotency-key") ?? "";
    recordCall({
      method: "POST",
      url: request.url,
      body: text,
      headers: { "stripe-account": request.headers.get("stripe-account") ?? "", "idempotency-key": key },
    });
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const account = connectedAccountOf(request);
    if (!account)
      return stripeError(403, "invalid_request_error", "The provided key does not have access to account or that account does not exist.", {
        code: "account_invalid",
      });
    const previous = key ? idempotent().get(key) : undefined;
    if (previous) {
      if (previous.body !== text)
        return stripeError(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
      const replayed = stripeRefunds().get(previous.refundId);
      if (replayed) return HttpResponse.json(replayed.refund, { headers: { "idempotent-replayed": "true" } });
    }
    const body = qs.parse(text) as { payment_intent?: string; charge?: string; amount?: string; reason?: string; metadata?: Record<string, string> };
    if (!body.payment_intent && !body.charge)
      return stripeError(400, "invalid_request_error", "One of the following params should be provided for this request: payment_intent or charge.");
    const session = paidSession(account.accountId, body);
    if (!session) {
      const param = body.payment_intent ? "payment_intent" : "charge";
      return stripeError(400, "invalid_request_error", `No such ${param}: '${body[param] ?? ""}'`, { code: "resource_missing", param });
    }
    const paymentIntent = session.payment_intent!;
    const left = session.amount_total - refundedOn(paymentIntent);
    if (left <= 0)
      return stripeError(400, "invalid_request_error", `Charge ${chargeIdOf(paymentIntent)} has already been refunded.`, { code: "charge_already_refunded" });
    const amount = body.amount === undefined ? left : Number(body.amount);
    if (!Number.isInteger(amount) || amount <= 0) return stripeError(400, "invalid_request_error", "Invalid positive integer", { param: "amount" });
    if (amount > left)
      return stripeError(
        400,
        "invalid_request_error",
        `Refund amount (${money(amount, session.currency)}) is greater than unrefunded amount on charge (${money(left, session.currency)})`,
        { code: "amount_too_large", param: "amount" },
      );
    const refund: SandboxStripeRefund = {
      id: `re_${sandboxId("", 24)}`,
      object: "refund",
      amount,
      balance_transaction: `txn_${sandboxId("", 24)}`,
      charge: chargeIdOf(paymentIntent),
      created: Math.floor(Date.now() / 1000),
      currency: session.currency,
      destination_details: { type: "card", card: { type: "refund", reference_status: "pending" } },
      metadata: body.metadata ?? {},
      payment_intent: paymentIntent,
      reason: body.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "pending",
      transfer_reversal: null,
    };
    stripeRefunds().set(refund.id, { account: account.accountId, refund });
    if (key) idempotent().set(key, { body: text, refundId: refund.id });
    scheduleSandboxRefund("stripe", refund.id);
    return HttpResponse.json(refund);
  }),

  /** One refund; `expand[]=charge` gives its charge (which names the payment intent) in place of the id. */
  http.get(`${API}/refunds/:id`, ({ request, params }) => {
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const stored = stripeRefunds().get(String(params.id));
    if (!stored || stored.account !== request.headers.get("stripe-account"))
      return stripeError(404, "invalid_request_error", `No such refund: '${params.id}'`, { code: "resource_missing", param: "id" });
    const expand = ([] as unknown[]).concat((qs.parse(new URL(request.url).search.slice(1)) as { expand?: unknown }).expand ?? []);
    if (!expand.includes("charge")) return HttpResponse.json(stored.refund);
    const session = paidSession(stored.account, { payment_intent: stored.refund.payment_intent });
    return HttpResponse.json({ ...stored.refund, charge: session ? chargeOf(session) : stored.refund.charge });
  }),
];

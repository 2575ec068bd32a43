import { createHmac, randomUUID } from "node:crypto";
import Stripe from "stripe";
import { gcMandates, gcPayments, gcRefunds } from "./gocardless-payments";
import { stripeRefunds } from "./stripe-refunds";
import { logSandboxEvent } from "./events";
import { sandboxId, sandboxState } from "./state";

/** Delivers like the providers do: retried a few times until the app answers 2xx. */
async function deliver(path: string, body: string, headers: Record<string, string>) {
  const to = sandboxState().settings.webhookTarget;
  if (!to) return false;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await fetch(`${to.appUrl}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
      if (res.ok) return true;
    } catch {
      // The app may be restarting: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  return false;
}

export function sendStripeEvent(type: string, object: Record<string, unknown>, account: string) {
  const event = {
    id: `evt_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
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
  // Kept, like Stripe keeps its events: listed by GET /v1/events whether the webhook arrived or not.
  logSandboxEvent("stripe", account, event.id, event.created, event);
  const to = sandboxState().settings.webhookTarget;
  if (!to) return Promise.resolve(false);
  const payload = JSON.stringify(event);
  return deliver("/webhooks/stripe", payload, {
    "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: to.stripeSecret }),
    "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
  });
}

export function sendGoCardlessEvents(events: { resource_type: string; action: string; links: Record<string, string>; cause?: string }[]) {
  const made = events.map((e) => ({
    id: sandboxId("EV", 12),
    created_at: new Date().toISOString(),
    resource_type: e.resource_type,
    action: e.action,
    links: e.links,
    details: { origin: "gocardless", cause: e.cause ?? e.action, description: `${e.resource_type} ${e.action}` },
    metadata: {},
  }));
  // Kept, like GoCardless keeps its events: listed by GET /events whether the webhook arrived or not.
  for (const event of made) logSandboxEvent("gocardless", event.links.organisation ?? "", event.id, Date.parse(event.created_at) / 1000, event);
  const to = sandboxState().settings.webhookTarget;
  if (!to) return Promise.resolve(false);
  const body = JSON.stringify({ events: made, meta: { webhook_id: sandboxId("WB", 12) } });
  const signature = createHmac("sha256", to.gocardlessSecret).update(body).digest("hex");
  return deliver("/webhooks/gocardless", body, { "webhook-signature": signature, "user-agent": "gocardless-webhook-service/1.1" });
}

type PaymentStep = "created" | "submitted" | "confirmed";

/**
 * In the running sandbox a direct debit moves on by itself, like in GoCardless's sandbox: created, then
 * submitted, then confirmed (collected) after `debitCollectMs` (a few seconds unless configured). The steps
 * are stored, so a restart keeps them.
 */
export function advanceSandboxPayment(paymentId: string) {
  const { settings, store } = sandboxState();
  if (!settings.autoAdvance) return;
  const collect = settings.debitCollectMs;
  const delaysMs = { created: Math.min(200, collect / 3), submitted: Math.min(1500, (collect * 2) / 3), confirmed: collect };
  for (const action of ["created", "submitted", "confirmed"] as const) {
    store.schedule(new Date(Date.now() + delaysMs[action]), { kind: "gocardless-payment", paymentId, action });
  }
}

/**
 * A refund's events, as the providers send them once the API answered: Stripe's `refund.created` then
 * `refund.updated` when it succeeded, GoCardless's `refunds` `created` then `paid`. Always scheduled
 * (a real provider always tells); the service runs them on its timer, tests with runDueSandboxTasks.
 */
export function scheduleSandboxRefund(provider: "stripe" | "gocardless", refundId: string) {
  const { store } = sandboxState();
  store.schedule(new Date(Date.now() + 100), { kind: `${provider}-refund`, refundId, action: "created" });
  store.schedule(new Date(Date.now() + 1500), { kind: `${provider}-refund`, refundId, action: "settled" });
}

async function runPaymentStep(task: Record<string, unknown>) {
  const payment = gcPayments().get(String(task.paymentId));
  if (!payment) return;
  const action = task.action as PaymentStep;
  payment.status = action === "created" ? "pending_submission" : action;
  gcPayments().set(payment.id, payment);
  // A SEPA mandate goes to the banks with its first payment, and is active once that payment is collected.
  const mandate = gcMandates().get(payment.links.mandate);
  const mandateAction = action === "submitted" ? "submitted" : action === "confirmed" ? "active" : null;
  const mandateMoves = mandate && mandateAction && mandate.status !== mandateAction && !["cancelled", "failed", "expired"].includes(mandate.status);
  if (mandate && mandateMoves) gcMandates().set(mandate.id, { ...mandate, status: mandateAction! });
  await sendGoCardlessEvents([
    ...(mandateMoves
      ? [
          {
            resource_type: "mandates",
            action: mandateAction!,
            links: { mandate: mandate!.id, organisation: payment.organisation },
            cause: `mandate_${mandateAction}`,
          },
        ]
      : []),
    { resource_type: "payments", action, links: { payment: payment.id, mandate: payment.links.mandate, organisation: payment.organisation } },
  ]);
}

async function runStripeRefundStep(task: Record<string, unknown>) {
  const stored = stripeRefunds().get(String(task.refundId));
  if (!stored) return;
  if (task.action === "created") return void (await sendStripeEvent("refund.created", { ...stored.refund }, stored.account));
  stored.refund.status = "succeeded";
  stripeRefunds().set(stored.refund.id, stored);
  await sendStripeEvent("refund.updated", { ...stored.refund }, stored.account);
}

async function runGoCardlessRefundStep(task: Record<string, unknown>) {
  const refund = gcRefunds().get(String(task.refundId));
  if (!refund) return;
  const settled = task.action === "settled";
  if (settled) {
    refund.status = "paid";
    gcRefunds().set(refund.id, refund);
  }
  await sendGoCardlessEvents([
    {
      resource_type: "refunds",
      action: settled ? "paid" : "created",
      links: { refund: refund.id, organisation: refund.organisation },
      cause: settled ? "refund_paid" : "payment_refunded",
    },
  ]);
}

const STEPS: Record<string, (task: Record<string, unknown>) => Promise<void>> = {
  "gocardless-payment": runPaymentStep,
  "stripe-refund": runStripeRefundStep,
  "gocardless-refund": runGoCardlessRefundStep,
};

/** Runs the sandbox's due steps (the service calls it on a timer). */
export async function runDueSandboxTasks(now = new Date()) {
  for (const task of sandboxState().store.takeDue(now)) await STEPS[String(task.kind)]?.(task);
}

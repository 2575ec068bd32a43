/**
 * Each row and each out-of-order pair of docs/payment-lifecycle.md, told with the providers' published
 * shapes (test/fixtures/providers: Stripe's object fixtures, GoCardless's documented webhook examples).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import gocardlessExamples from "../fixtures/providers/gocardless-examples.json";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, gcEvent, gocardlessBody, postWebhook, signStripe, stripeEvent, stripeObject } from "../mocks/webhooks";
import { gcPayments } from "../../integrations/sandbox/gocardless-payments";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const day = (n: number, hour = 9) => new Date(Date.UTC(2026, 10, n, hour));
const invoiceOf = (id: string) => app.db.invoice.findUniqueOrThrow({ where: { id }, include: { payments: true } });
const emails = (invoiceId: string, kind: string) => app.db.outboxEmail.count({ where: { invoiceId, kind } });
const notices = (organisationId: string, kind: string) => app.db.notification.count({ where: { organisationId, kind } });

async function merchantWithInvoice(invoice: Record<string, string> = {}) {
  const merchant = await sentInvoice(app, { invoice });
  const connections = await app.db.providerConnection.findMany({ where: { organisationId: merchant.organisationId } });
  const account = (provider: string) => connections.find((c) => c.provider === provider)!.accountId;
  return { ...merchant, stripeAccount: account("stripe"), gcAccount: account("gocardless") };
}
type Merchant = Awaited<ReturnType<typeof merchantWithInvoice>>;

/** A debit of the whole invoice (360,00 €) at GoCardless, which the app learns of from its events. */
function debitAtGoCardless(m: Merchant, id: string) {
  gcPayments().set(id, {
    id,
    organisation: m.gcAccount,
    amount: 36000,
    currency: "EUR",
    status: "pending_submission",
    charge_date: "2026-11-05",
    description: "",
    metadata: { invoice_id: m.invoiceId },
    links: { mandate: "MD1", creditor: "CR1" },
    created_at: day(1).toISOString(),
  });
  return { payment: id, organisation: m.gcAccount };
}

/** GoCardless's documented `failed` example (partner docs), for our payment and account. */
function documentedFailure(links: Record<string, string>, at: Date, willAttemptRetry: boolean) {
  const [example] = structuredClone(gocardlessExamples.partner_doc_example.events);
  return {
    ...example,
    id: `EV${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    created_at: at.toISOString(),
    links,
    details: { ...example.details, will_attempt_retry: willAttemptRetry },
  };
}

const deliver = async (_m: Merchant, events: Record<string, unknown>[]) => {
  expect((await postWebhook(app, "gocardless", gocardlessBody(events))).status).toBe(204);
  await app.processWebhooks();
};

describe("GoCardless debits, in whatever order their events arrive", () => {
  it("a chargeback delivered before the confirmation leaves the invoice unpaid and flagged", async () => {
    const m = await merchantWithInvoice();
    const links = debitAtGoCardless(m, "PMCBFIRST");
    await deliver(m, [gcEvent("payments", "created", links, { at: day(1) })]);
    await deliver(m, [gcEvent("payments", "charged_back", links, { at: day(20) })]);
    await deliver(m, [gcEvent("payments", "confirmed", links, { at: day(5) })]);
    const invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "open", amountPaidMinor: 0, amountDueMinor: 36000 });
    expect(invoice.payments).toMatchObject([{ status: "charged_back", flag: "chargeback" }]);
    expect(await emails(m.invoiceId, "payment_received_customer")).toBe(0);
    expect(await notices(m.organisationId, "payment_charged_back")).toBe(1);
  });

  it("a failure GoCardless will retry stays in flight, sends no failure email, and is paid when collected", async () => {
    const m = await merchantWithInvoice();
    const links = debitAtGoCardless(m, "PMRETRIED");
    await deliver(m, [gcEvent("payments", "submitted", links, { at: day(2) }), documentedFailure(links, day(5), true)]);
    let invoice = await invoiceOf(m.invoiceId);
    expect(invoice.payments).toMatchObject([{ status: "processing", failureReason: "insufficient_funds" }]);
    expect(await emails(m.invoiceId, "payment_failed_customer")).toBe(0);
    const log = await app.db.webhookEvent.findFirstOrThrow({ where: { type: "payments.failed", organisationId: m.organisationId } });
    expect(log.lastError).toContain("will retry");

    await deliver(m, [gcEvent("payments", "confirmed", links, { at: day(12) }), gcEvent("payments", "resubmission_requested", links, { at: day(6) })]);
    invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "paid", amountDueMinor: 0 });
    expect(await emails(m.invoiceId, "payment_failed_customer")).toBe(0);
    expect(await emails(m.invoiceId, "payment_received_customer")).toBe(1);
  });

  it("a failure it will not retry reopens the invoice and tells the customer once; a later manual retry that is collected pays it", async () => {
    const m = await merchantWithInvoice();
    const links = debitAtGoCardless(m, "PMFAILED");
    const failure = documentedFailure(links, day(5), false);
    await deliver(m, [gcEvent("payments", "submitted", links, { at: day(2) }), failure, failure]);
    expect((await invoiceOf(m.invoiceId)).payments).toMatchObject([{ status: "failed" }]);
    expect(await emails(m.invoiceId, "payment_failed_customer")).toBe(1);

    await deliver(m, [gcEvent("payments", "resubmission_requested", links, { at: day(8) }), gcEvent("payments", "confirmed", links, { at: day(12) })]);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid" });
    expect(await emails(m.invoiceId, "payment_received_customer")).toBe(1);
  });

  it("a cancelled chargeback gives the money back: the invoice is paid again", async () => {
    const m = await merchantWithInvoice();
    const links = debitAtGoCardless(m, "PMCBCANCEL");
    await deliver(m, [gcEvent("payments", "confirmed", links, { at: day(5) })]);
    await deliver(m, [gcEvent("payments", "charged_back", links, { at: day(20) })]);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open" });
    const cancelled = gcEvent("payments", "chargeback_cancelled", links, { at: day(25), details: { origin: "bank", cause: "payment_confirmed" } });
    await deliver(m, [cancelled, gcEvent("payments", "chargeback_settled", links, { at: day(21) })]);
    const invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "paid", amountDueMinor: 0 });
    expect(invoice.payments).toMatchObject([{ status: "confirmed", flag: null }]);
    expect(await notices(m.organisationId, "payment_restored")).toBe(1);
  });

  it("a late failure after confirmation reopens; the surcharge notice changes nothing", async () => {
    const m = await merchantWithInvoice();
    const links = debitAtGoCardless(m, "PMLATE");
    await deliver(m, [gcEvent("payments", "confirmed", links, { at: day(5) }), gcEvent("payments", "surcharge_fee_debited", links, { at: day(6) })]);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid" });
    await deliver(m, [gcEvent("payments", "late_failure_settled", links, { at: day(9) }), gcEvent("payments", "paid_out", links, { at: day(7) })]);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open", amountDueMinor: 36000 });
  });
});

describe("Stripe refunds and disputes", () => {
  async function paidByCard(m: Merchant, paymentIntent: string) {
    const session = checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, m.stripeAccount)));
  }
  const refundEvent = (m: Merchant, type: string, fields: Record<string, unknown>) =>
    postWebhook(app, "stripe", JSON.stringify(stripeEvent(type, stripeObject("refund", { currency: "eur", ...fields }), m.stripeAccount)));
  const disputeEvent = (m: Merchant, type: string, fields: Record<string, unknown>) =>
    postWebhook(app, "stripe", JSON.stringify(stripeEvent(type, stripeObject("dispute", { currency: "eur", amount: 36000, ...fields }), m.stripeAccount)));

  it("a refund counts only once it succeeded, and a failed refund restores the amount; each change is told once", async () => {
    const m = await merchantWithInvoice();
    await paidByCard(m, "pi_refunds");
    await app.processWebhooks();
    await refundEvent(m, "refund.created", { id: "re_1", payment_intent: "pi_refunds", amount: 10000, status: "pending" });
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000 });

    await refundEvent(m, "refund.updated", { id: "re_1", payment_intent: "pi_refunds", amount: 10000, status: "succeeded" });
    await refundEvent(m, "refund.updated", { id: "re_1", payment_intent: "pi_refunds", amount: 10000, status: "succeeded" });
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "partially_paid", amountPaidMinor: 26000, amountDueMinor: 10000 });

    await refundEvent(m, "refund.failed", {
      id: "re_1",
      payment_intent: "pi_refunds",
      amount: 10000,
      status: "failed",
      failure_reason: "expired_or_canceled_card",
    });
    await refundEvent(m, "refund.updated", { id: "re_1", payment_intent: "pi_refunds", amount: 10000, status: "pending" });
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000 });
    expect(await notices(m.organisationId, "payment_refunded")).toBe(1);
    expect(await notices(m.organisationId, "payment_refund_failed")).toBe(1);
  });

  it("a refund that arrives before its payment is kept and counts when the payment does, with no retry", async () => {
    const m = await merchantWithInvoice();
    await refundEvent(m, "refund.created", { id: "re_early", payment_intent: "pi_late", amount: 6000, status: "succeeded" });
    await app.processWebhooks();
    const stored = await app.db.webhookEvent.findFirstOrThrow({ where: { type: "refund.created", organisationId: m.organisationId } });
    expect(stored).toMatchObject({ status: "processed", attempts: 1 });
    await paidByCard(m, "pi_late");
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "partially_paid", amountPaidMinor: 30000, amountDueMinor: 6000 });
    expect(await notices(m.organisationId, "payment_refunded")).toBe(1);
  });

  it("a lost dispute takes the amount back; a won one leaves the payment standing", async () => {
    const lost = await merchantWithInvoice();
    await disputeEvent(lost, "charge.dispute.created", { id: "dp_lost", payment_intent: "pi_lost", status: "needs_response" });
    await paidByCard(lost, "pi_lost");
    await app.processWebhooks();
    expect(await invoiceOf(lost.invoiceId)).toMatchObject({ status: "paid", payments: [{ flag: "dispute" }] });
    await disputeEvent(lost, "charge.dispute.closed", { id: "dp_lost", payment_intent: "pi_lost", status: "lost" });
    await disputeEvent(lost, "charge.dispute.updated", { id: "dp_lost", payment_intent: "pi_lost", status: "under_review" });
    await app.processWebhooks();
    expect(await invoiceOf(lost.invoiceId)).toMatchObject({ status: "open", amountDueMinor: 36000 });
    expect(await notices(lost.organisationId, "payment_dispute_lost")).toBe(1);

    const won = await merchantWithInvoice();
    await paidByCard(won, "pi_won");
    await disputeEvent(won, "charge.dispute.funds_withdrawn", { id: "dp_won", payment_intent: "pi_won", status: "needs_response" });
    await disputeEvent(won, "charge.dispute.closed", { id: "dp_won", payment_intent: "pi_won", status: "won" });
    await app.processWebhooks();
    expect(await invoiceOf(won.invoiceId)).toMatchObject({ status: "paid", payments: [{ flag: null }] });
    expect(await notices(won.organisationId, "payment_dispute_won")).toBe(1);
  });
});

describe("facts that can never apply are rejected at once, with their reason", () => {
  async function checkoutAttempt(m: Merchant) {
    const start = await app.browser().post(m.link, { provider: "stripe", amount: "" });
    expect(start.status).toBe(303);
    return app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId: m.invoiceId, provider: "stripe" } });
  }
  const rejected = async (eventId: string) => app.db.webhookEvent.findFirstOrThrow({ where: { eventId } });

  it("refuses a paid amount or currency that is not the checkout the app opened, and a setup-mode session", async () => {
    const m = await merchantWithInvoice();
    const attempt = await checkoutAttempt(m);
    const wrongAmount = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 100, paymentIntent: "pi_small", attemptId: attempt.id }),
      m.stripeAccount,
    );
    const wrongCurrency = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_usd", attemptId: attempt.id, currency: "usd" }),
      m.stripeAccount,
    );
    const setup = stripeEvent(
      "checkout.session.completed",
      { ...checkoutSession({ invoiceId: m.invoiceId, amount: 0, paymentIntent: "pi_setup" }), mode: "setup", amount_total: null, payment_intent: null },
      m.stripeAccount,
    );
    for (const event of [wrongAmount, wrongCurrency, setup]) await postWebhook(app, "stripe", JSON.stringify(event));
    await app.processWebhooks();
    expect(await rejected(wrongAmount.id)).toMatchObject({ status: "rejected", attempts: 1, lastError: expect.stringContaining("opened for 36000 EUR") });
    expect(await rejected(wrongCurrency.id)).toMatchObject({ status: "rejected", attempts: 1 });
    expect(await rejected(setup.id)).toMatchObject({ status: "rejected", lastError: expect.stringContaining("setup-mode") });
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open", payments: [] });
    const log = textOf((await m.browser.get("/settings/webhooks")).html);
    expect(log).toContain("refusé");
  });

  it("refuses an event naming another merchant's invoice", async () => {
    const victim = await merchantWithInvoice();
    const attacker = await merchantWithInvoice();
    const event = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: victim.invoiceId, amount: 36000, paymentIntent: "pi_cross" }),
      attacker.stripeAccount,
    );
    await postWebhook(app, "stripe", JSON.stringify(event));
    await app.processWebhooks();
    expect(await rejected(event.id)).toMatchObject({ status: "rejected", attempts: 1, organisationId: attacker.organisationId });
    expect(await invoiceOf(victim.invoiceId)).toMatchObject({ status: "open", payments: [] });
  });

  it("leaves alone the merchant's other Stripe sales (a checkout that names none of our invoices)", async () => {
    const m = await merchantWithInvoice();
    const shopSale = stripeEvent(
      "checkout.session.completed",
      { ...checkoutSession({ invoiceId: m.invoiceId, amount: 4200, paymentIntent: "pi_shop" }), metadata: {}, client_reference_id: null },
      m.stripeAccount,
    );
    await postWebhook(app, "stripe", JSON.stringify(shopSale));
    await app.processWebhooks();
    expect(await rejected(shopSale.id)).toMatchObject({ status: "ignored", attempts: 1, lastError: expect.stringContaining("not for one of our invoices") });
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open", payments: [] });
  });

  it("keeps an event id that comes back with a different body as a conflict, and processes only the first", async () => {
    const m = await merchantWithInvoice();
    const first = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 10000, paymentIntent: "pi_c1" }),
      m.stripeAccount,
    );
    const altered = { ...first, data: { object: checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_c2" }) } };
    await postWebhook(app, "stripe", JSON.stringify(first));
    await postWebhook(app, "stripe", JSON.stringify(first));
    await postWebhook(app, "stripe", JSON.stringify(altered));
    await postWebhook(app, "stripe", JSON.stringify(altered));
    await app.processWebhooks();
    const rows = await app.db.webhookEvent.findMany({ where: { eventId: { startsWith: first.id } }, orderBy: { receivedAt: "asc" } });
    expect(rows.map((r) => r.status).sort()).toEqual(["conflict", "processed"]);
    expect(rows.find((r) => r.status === "conflict")).toMatchObject({ organisationId: m.organisationId });
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ amountPaidMinor: 10000 });
    expect(textOf((await m.browser.get("/settings/webhooks")).html)).toContain("conflit");
  });

  it("refuses a Stripe signature dated in the future", async () => {
    const m = await merchantWithInvoice();
    const body = JSON.stringify(
      stripeEvent("checkout.session.completed", checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_future" }), m.stripeAccount),
    );
    const signature = signStripe(body, app.providers.settings.stripe.webhookSecret, Math.floor(Date.now() / 1000) + 3600);
    const res = await postWebhook(app, "stripe", body, { "stripe-signature": signature });
    expect(res.status).toBe(400);
    expect(await app.db.webhookEvent.count({ where: { payload: { contains: "pi_future" } } })).toBe(0);
  });
});

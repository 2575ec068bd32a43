import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, gcEvent, gocardlessBody, postWebhook, signGoCardless, signStripe, stripeEvent, stripeObject } from "../mocks/webhooks";
import { fulfilBillingRequest, gcPayments } from "../../integrations/sandbox/gocardless-payments";

const mocks = useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function merchantWithInvoice(invoice: Record<string, string> = {}) {
  const merchant = await sentInvoice(app, { invoice });
  const connections = await app.db.providerConnection.findMany({ where: { organisationId: merchant.organisationId } });
  const account = (provider: string) => connections.find((c) => c.provider === provider)!.accountId;
  return { ...merchant, stripeAccount: account("stripe"), gcAccount: account("gocardless") };
}

/** A debit GoCardless already collected for the invoice, which our app has not heard of yet. */
function collectedInSandbox(id: string, m: { gcAccount: string; invoiceId: string }) {
  gcPayments().set(id, {
    id,
    organisation: m.gcAccount,
    amount: 36000,
    currency: "EUR",
    status: "confirmed",
    charge_date: "2026-11-25",
    description: "",
    metadata: { invoice_id: m.invoiceId },
    links: { mandate: "MD1", creditor: "CR1" },
    created_at: new Date().toISOString(),
  });
}

const invoiceOf = (id: string) => app.db.invoice.findUniqueOrThrow({ where: { id }, include: { payments: true } });

describe("webhook signatures", () => {
  it("refuses forged, stale or malformed deliveries with a 4xx and stores nothing", async () => {
    const body = JSON.stringify(stripeEvent("checkout.session.completed", {}, "acct_x"));
    const url = `${app.baseUrl}/webhooks/stripe`;
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(url, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } }).then((r) => r.status);
    expect(await post({})).toBe(400);
    expect(await post({ "stripe-signature": signStripe(body, "whsec_wrong") })).toBe(400);
    expect(await post({ "stripe-signature": signStripe(body, app.providers.settings.stripe.webhookSecret, Math.floor(Date.now() / 1000) - 600) })).toBe(400);
    expect(await post({ "stripe-signature": signStripe("{not json", app.providers.settings.stripe.webhookSecret) }, "{not json")).toBe(400);
    expect(await post({ "content-type": "text/plain", "stripe-signature": signStripe(body, app.providers.settings.stripe.webhookSecret) })).toBe(415);

    const gcBody = gocardlessBody([gcEvent("payments", "confirmed", { payment: "PM1", organisation: "OR1" })]);
    const gcUrl = `${app.baseUrl}/webhooks/gocardless`;
    const gcPost = (headers: Record<string, string>, payload = gcBody) =>
      fetch(gcUrl, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } }).then((r) => r.status);
    expect(await gcPost({})).toBe(498);
    expect(await gcPost({ "webhook-signature": signGoCardless(gcBody, "wrong-secret") })).toBe(498);
    expect(await gcPost({ "webhook-signature": "zz" })).toBe(498);
    expect(await gcPost({ "webhook-signature": signGoCardless("[]", app.providers.settings.gocardless.webhookSecret) }, "[]")).toBe(400);
    expect((await fetch(gcUrl)).status).toBe(405);
    expect(await post({ "stripe-signature": signStripe(body, app.providers.settings.stripe.webhookSecret) }, `${body}${" ".repeat(1024 * 1024)}`)).toBe(413);
    expect((await fetch(`${app.baseUrl}/webhooks/paypal`, { method: "POST", body, headers: { "content-type": "application/json" } })).status).toBe(404);
    expect(await app.db.webhookEvent.count()).toBe(0);
  });
});

describe("Stripe card payments", () => {
  it("marks the invoice paid exactly once, however many times and however concurrently the event arrives", async () => {
    const m = await merchantWithInvoice();
    const event = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_once" }),
      m.stripeAccount,
    );
    const body = JSON.stringify(event);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postWebhook(app, "stripe", body)));
    expect(answers.map((a) => a.status)).toEqual([204, 204, 204, 204, 204]);
    expect(await app.db.webhookEvent.count({ where: { eventId: event.id } })).toBe(1);
    await Promise.all([app.processWebhooks(), app.processWebhooks(), app.processWebhooks()]);
    await postWebhook(app, "stripe", body);
    await app.processWebhooks();

    const invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "paid", amountPaidMinor: 36000, amountDueMinor: 0 });
    expect(invoice.payments).toHaveLength(1);
    expect(invoice.payments[0]).toMatchObject({ provider: "stripe", providerPaymentId: "pi_once", method: "card", amountMinor: 36000, status: "confirmed" });

    // The merchant is told in the app and by email, the customer gets a receipt: once each.
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "payment_received" } })).toBe(1);
    const emails = await app.db.outboxEmail.findMany({ where: { invoiceId: m.invoiceId, kind: { startsWith: "payment_received" } } });
    expect(emails.map((e) => [e.kind, e.toAddress, e.subject.replace(/\s/g, " ")]).sort()).toEqual([
      ["payment_received", m.email, `Paiement reçu : 360,00 € — facture ${invoice.number}`],
      ["payment_received_customer", "lucie@example.fr", `Confirmation de votre paiement — facture ${invoice.number}`],
    ]);

    const publicPage = textOf((await app.browser().get(m.link)).html);
    expect(publicPage).toContain("Cette facture est réglée. Merci !");
    expect(publicPage).not.toContain("Payer par carte");
    expect(textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html)).toContain("Payée");
  });

  it("processes events of one pass together, and an event refused among them leaves the others recorded (decision 0012)", async () => {
    const [a, b, c] = [await merchantWithInvoice(), await merchantWithInvoice(), await merchantWithInvoice()];
    const pay = (m: typeof a, pi: string, currency = "eur") =>
      postWebhook(
        app,
        "stripe",
        JSON.stringify(
          stripeEvent("checkout.session.completed", checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: pi, currency }), m.stripeAccount),
        ),
      );
    await pay(a, "pi_group_a");
    // Refused inside its transaction, after the payment's reads: only its own writes are undone.
    await pay(b, "pi_group_b", "usd");
    await pay(c, "pi_group_c");
    expect(await app.processWebhooks()).toBe(3);
    expect(await invoiceOf(a.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000 });
    expect(await invoiceOf(b.invoiceId)).toMatchObject({ status: "open", amountPaidMinor: 0, payments: [] });
    expect(await invoiceOf(c.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000 });
    const rejected = await app.db.webhookEvent.findMany({ where: { organisationId: b.organisationId } });
    expect(rejected.map((e) => [e.status, e.lastError])).toEqual([["rejected", "currency USD does not match the invoice's EUR"]]);
    for (const m of [a, c]) {
      // Their outcomes and notices were written together at the end of the group, the refused one's dropped.
      expect((await app.db.webhookEvent.findMany({ where: { organisationId: m.organisationId } })).map((e) => e.status)).toEqual(["processed"]);
      expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "payment_received" } })).toBe(1);
      expect(await app.db.outboxEmail.count({ where: { organisationId: m.organisationId, kind: "payment_received" } })).toBe(1);
    }
    expect(await app.db.notification.count({ where: { organisationId: b.organisationId } })).toBe(0);
  });

  it("adds partial payments up to paid, and a refund reopens the balance", async () => {
    const m = await merchantWithInvoice({ allowPartialPayment: "on" });
    const pay = (pi: string, amount: number) =>
      postWebhook(
        app,
        "stripe",
        JSON.stringify(stripeEvent("checkout.session.completed", checkoutSession({ invoiceId: m.invoiceId, amount, paymentIntent: pi }), m.stripeAccount)),
      );
    await pay("pi_part1", 10000);
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "partially_paid", amountPaidMinor: 10000, amountDueMinor: 26000 });
    await pay("pi_part2", 26000);
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000, amountDueMinor: 0 });

    const refund = JSON.stringify(
      stripeEvent("refund.updated", stripeObject("refund", { id: "re_part2", payment_intent: "pi_part2", amount: 6000, currency: "eur" }), m.stripeAccount),
    );
    await postWebhook(app, "stripe", refund);
    await postWebhook(app, "stripe", JSON.stringify({ ...JSON.parse(refund), id: "evt_refund_replayed_with_other_id" }));
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "partially_paid", amountPaidMinor: 30000, amountDueMinor: 6000 });
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "payment_refunded" } })).toBe(1);
  });

  it("waits for async payments: unpaid completion is processing, success pays, failure leaves it open", async () => {
    const m = await merchantWithInvoice();
    const session = checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_async", paid: false });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, m.stripeAccount)));
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open", amountPaidMinor: 0 });
    expect(textOf((await app.browser().get(m.link)).html)).toContain("Paiement de 360,00 € en cours (carte bancaire, lancé le");
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.async_payment_failed", session, m.stripeAccount)));
    await app.processWebhooks();
    const invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "open", amountDueMinor: 36000 });
    expect(invoice.payments[0].status).toBe("failed");
    expect(await app.db.outboxEmail.count({ where: { invoiceId: m.invoiceId, kind: "payment_failed_customer" } })).toBe(1);
  });

  it("flags a dispute and marks a deauthorised connection as revoked", async () => {
    const m = await merchantWithInvoice();
    await postWebhook(
      app,
      "stripe",
      JSON.stringify(
        stripeEvent("checkout.session.completed", checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_disp" }), m.stripeAccount),
      ),
    );
    await postWebhook(
      app,
      "stripe",
      JSON.stringify(
        stripeEvent(
          "charge.dispute.created",
          stripeObject("dispute", { id: "dp_1", payment_intent: "pi_disp", reason: "fraudulent", amount: 36000, currency: "eur", status: "needs_response" }),
          m.stripeAccount,
        ),
      ),
    );
    await app.processWebhooks();
    expect((await invoiceOf(m.invoiceId)).payments[0].flag).toBe("dispute");

    await postWebhook(
      app,
      "stripe",
      JSON.stringify(stripeEvent("account.application.deauthorized", { id: "ca_sandbox", object: "application" }, m.stripeAccount)),
    );
    await app.processWebhooks();
    expect((await app.db.providerConnection.findFirstOrThrow({ where: { accountId: m.stripeAccount } })).revokedAt).not.toBeNull();
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "provider_deauthorized" } })).toBe(1);
  });

  it("records events for an unknown account without any effect", async () => {
    const m = await merchantWithInvoice();
    const event = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_stranger" }),
      "acct_unknown",
    );
    expect((await postWebhook(app, "stripe", JSON.stringify(event))).status).toBe(204);
    await app.processWebhooks();
    expect(await app.db.webhookEvent.findFirstOrThrow({ where: { eventId: event.id } })).toMatchObject({ status: "ignored", organisationId: null });
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open", payments: [] });
  });
});

describe("GoCardless direct debits", () => {
  async function completeFlow(m: Awaited<ReturnType<typeof merchantWithInvoice>>) {
    const start = await app.browser().post(m.link, { provider: "gocardless", amount: "" });
    const flowId = start.location!.split("/").pop()!;
    const { billingRequest, mandateId } = fulfilBillingRequest(flowId)!;
    return { billingRequestId: billingRequest.id, mandateId };
  }

  it("creates the payment on the new mandate, shows it in progress, then paid on confirmation", async () => {
    const m = await merchantWithInvoice();
    const { billingRequestId, mandateId } = await completeFlow(m);
    const fulfilled = gcEvent("billing_requests", "fulfilled", {
      billing_request: billingRequestId,
      mandate_request_mandate: mandateId,
      organisation: m.gcAccount,
    });
    await postWebhook(app, "gocardless", gocardlessBody([fulfilled, gcEvent("mandates", "created", { mandate: mandateId, organisation: m.gcAccount })]));
    await postWebhook(app, "gocardless", gocardlessBody([fulfilled]));
    await app.processWebhooks();

    const created = mocks.calls().filter((c) => c.url === "https://api-sandbox.gocardless.com/payments" && c.body.includes(mandateId));
    expect(created).toHaveLength(1);
    expect(created[0].headers["idempotency-key"]).toMatch(/^payment-/);
    let invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "open", amountPaidMinor: 0 });
    expect(invoice.payments).toMatchObject([{ provider: "gocardless", method: "direct_debit", status: "processing", amountMinor: 36000, mandateId }]);
    expect(textOf((await app.browser().get(m.link)).html)).toContain("Paiement de 360,00 € en cours (prélèvement, lancé le");

    const pm = invoice.payments[0].providerPaymentId;
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([
        gcEvent("payments", "submitted", { payment: pm, organisation: m.gcAccount }),
        gcEvent("payments", "confirmed", { payment: pm, organisation: m.gcAccount }),
      ]),
    );
    await app.processWebhooks();
    invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "paid", amountDueMinor: 0 });
    expect(invoice.payments).toHaveLength(1);
  });

  it("handles confirmed delivered before created (asking GoCardless for the payment)", async () => {
    const m = await merchantWithInvoice();
    collectedInSandbox("PMEARLYBIRD", m);
    const link = { payment: "PMEARLYBIRD", organisation: m.gcAccount };
    const day = (n: number) => new Date(Date.UTC(2026, 10, n));
    await postWebhook(app, "gocardless", gocardlessBody([gcEvent("payments", "confirmed", link, { at: day(5) })]));
    await app.processWebhooks();
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([gcEvent("payments", "created", link, { at: day(1) }), gcEvent("payments", "submitted", link, { at: day(2) })]),
    );
    await app.processWebhooks();
    const invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "paid" });
    expect(invoice.payments).toMatchObject([{ providerPaymentId: "PMEARLYBIRD", status: "confirmed" }]);
  });

  it("reopens on a late failure and flags a chargeback, telling merchant and customer", async () => {
    const m = await merchantWithInvoice();
    collectedInSandbox("PMLATEFAIL", m);
    const link = { payment: "PMLATEFAIL", organisation: m.gcAccount };
    await postWebhook(app, "gocardless", gocardlessBody([gcEvent("payments", "confirmed", link)]));
    await app.processWebhooks();
    expect((await invoiceOf(m.invoiceId)).status).toBe("paid");
    await postWebhook(app, "gocardless", gocardlessBody([gcEvent("payments", "charged_back", link)]));
    await app.processWebhooks();
    const invoice = await invoiceOf(m.invoiceId);
    expect(invoice).toMatchObject({ status: "open", amountDueMinor: 36000 });
    expect(invoice.payments[0]).toMatchObject({ status: "charged_back", flag: "chargeback" });
    const text = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(text).toContain("Rejet de prélèvement");
  });

  it("keeps an event whose processing failed, and processes it later", async () => {
    const m = await merchantWithInvoice();
    collectedInSandbox("PMRETRY", m);
    mocks.server.use(
      http.get("https://api-sandbox.gocardless.com/payments/:id", () =>
        HttpResponse.json({ error: { message: "down", type: "gocardless", code: 503, errors: [] } }, { status: 503 }),
      ),
    );
    const event = gcEvent("payments", "confirmed", { payment: "PMRETRY", organisation: m.gcAccount });
    await postWebhook(app, "gocardless", gocardlessBody([event]));
    const now = new Date();
    await app.processWebhooks(now);
    const stored = await app.db.webhookEvent.findFirstOrThrow({ where: { eventId: event.id } });
    expect(stored).toMatchObject({ status: "pending", attempts: 1 });
    expect(stored.lastError).toBeTruthy();
    mocks.server.resetHandlers();
    await app.processWebhooks(new Date(now.getTime() + 20_000));
    expect(await app.db.webhookEvent.findFirstOrThrow({ where: { eventId: event.id } })).toMatchObject({ status: "processed", attempts: 2 });
    expect((await invoiceOf(m.invoiceId)).status).toBe("paid");
  }, 30_000);

  it("takes up an event whose worker died mid-processing, once its claim has run out, and processes it once", async () => {
    const m = await merchantWithInvoice();
    const event = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_crash" }),
      m.stripeAccount,
    );
    await postWebhook(app, "stripe", JSON.stringify(event));
    const crashedAt = new Date();
    // The claim is a 15 s lease, renewed while the worker lives.
    const leaseEnd = new Date(crashedAt.getTime() + 15_000);
    await app.db.webhookEvent.updateMany({ where: { eventId: event.id }, data: { status: "processing", attempts: 1, nextAttemptAt: leaseEnd } });
    await app.processWebhooks(new Date(crashedAt.getTime() + 5_000));
    expect((await invoiceOf(m.invoiceId)).status).toBe("open");
    await app.processWebhooks(new Date(crashedAt.getTime() + 16_000));
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", payments: [{ providerPaymentId: "pi_crash" }] });
  });
});

describe("the merchant's view of it", () => {
  it("shows notifications with an unread count, marks them read, and lists events in the webhook log", async () => {
    const m = await merchantWithInvoice();
    const event = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_seen" }),
      m.stripeAccount,
    );
    await postWebhook(app, "stripe", JSON.stringify(event));
    await app.processWebhooks();
    let page = textOf((await m.browser.get("/notifications")).html);
    expect(page).toContain("1 non lue(s)");
    expect(page).toContain("Paiement reçu : 360,00 €");
    await m.browser.post("/notifications", { intent: "readAll" });
    expect(textOf((await m.browser.get("/notifications")).html)).toContain("0 non lue(s)");

    page = textOf((await m.browser.get("/settings/webhooks")).html);
    expect(page).toContain("checkout.session.completed");
    expect(page).toContain("traité");
    const stored = await app.db.webhookEvent.findFirstOrThrow({ where: { eventId: event.id } });
    const other = await sentInvoice(app);
    expect((await other.browser.post("/settings/webhooks", { intent: "reprocess", eventId: stored.id })).status).toBe(404);
    await m.browser.post("/settings/webhooks", { intent: "reprocess", eventId: stored.id });
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", payments: [{ providerPaymentId: "pi_seen" }] });
  });
});

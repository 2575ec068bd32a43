/**
 * Issue 11, "every euro right": money on its way is shown and counted, a second payment needs the
 * customer's explicit confirmation, an overpayment is shown to both sides, and its excess goes back in
 * one click through the provider that took it, recorded at once and counted when the provider says so.
 */
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate } from "~/lib/format";
import { startTestApp, type TestApp, type TestBrowser, textOf } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, gcEvent, gocardlessBody, postWebhook, stripeEvent } from "../mocks/webhooks";
import { configureSandbox } from "../../integrations/sandbox";
import { gcPayments, gcRefunds } from "../../integrations/sandbox/gocardless-payments";
import { stripeRefunds } from "../../integrations/sandbox/stripe-refunds";
import { runDueSandboxTasks } from "../../integrations/sandbox/webhooks";

const mocks = useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // Debits move on by themselves, as in the running sandbox; each test says when they are collected.
  configureSandbox({ autoAdvance: true });
});
afterAll(() => {
  configureSandbox({ autoAdvance: false });
  return app.close();
});

type Merchant = Awaited<ReturnType<typeof sentInvoice>>;
const local = (url: string) => url.replace(app.baseUrl, "");
const invoiceOf = (id: string) => app.db.invoice.findUniqueOrThrow({ where: { id }, include: { payments: true } });
const calls = (url: string) => mocks.calls().filter((c) => c.url === url && c.method === "POST");
const STRIPE_REFUNDS = "https://api.stripe.com/v1/refunds";
const GC_REFUNDS = "https://api-sandbox.gocardless.com/refunds";

/** The customer signs a SEPA mandate on the sandbox's flow page; the debit is created and in flight. */
async function startDebit(m: Merchant, customer: TestBrowser, amount = "") {
  const start = await customer.post(m.link, { provider: "gocardless", amount });
  expect(start.status, textOf(start.html).slice(0, 300)).toBe(303);
  const signed = await customer.post(start.location!, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189", consent: "on" });
  expect(signed.status).toBe(302);
  await app.processWebhooks();
  const payment = (await invoiceOf(m.invoiceId)).payments.find((p) => p.provider === "gocardless")!;
  expect(payment.status).toBe("processing");
  return payment;
}

/** The customer pays by card on the sandbox's checkout page (the form's fields as given). */
async function payByCard(m: Merchant, customer: TestBrowser, fields: Record<string, string>) {
  const start = await customer.post(m.link, { provider: "stripe", ...fields });
  expect(start.status, textOf(start.html).slice(0, 500)).toBe(303);
  const paid = await customer.post(start.location!, { intent: "pay", card: "4242 4242 4242 4242" });
  expect(paid.status).toBe(302);
  await app.processWebhooks();
}

/** The sandbox's scheduled work (debits collected, refunds settled), as if `ms` had passed. */
async function later(ms: number) {
  await runDueSandboxTasks(new Date(Date.now() + ms));
  await app.processWebhooks();
}

/** A 360,00 € invoice paid twice: a debit started, then a card payment confirmed anyway, then the debit collected. */
async function paidTwice() {
  const m = await sentInvoice(app);
  const customer = app.browser();
  await startDebit(m, customer);
  await payByCard(m, customer, { amount: "", payAnyway: "on" });
  // Paid by card, the debit still on its way: both sides are told what it will mean.
  expect(textOf((await customer.get(m.link)).html)).toContain(
    "La facture est déjà réglée : si ce paiement est aussi encaissé, Atelier Rivière pourra vous rembourser l'excédent.",
  );
  expect(textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html)).toContain(
    "La facture est déjà réglée : un paiement encore en cours créera un trop-perçu s'il est encaissé.",
  );
  await later(3500);
  return { m, customer };
}

describe("money in flight", () => {
  it("is shown on both pages with its amount, method and start date, and nothing is offered ready to pay", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const debit = await startDebit(m, customer);
    const started = formatDate(debit.createdAt, "fr");

    const page = await customer.get(m.link);
    const text = textOf(page.html);
    expect(text).toContain(`Paiement de 360,00 € en cours (prélèvement, lancé le ${started}).`);
    expect(text).toContain("Le paiement en cours couvre le reste à payer : vous n'avez rien d'autre à faire.");
    expect(text).toContain("Reste à payer après le paiement en cours 0,00 €");
    expect(text).not.toContain("Nous attendons sa confirmation");
    // The pay form sits behind "Pay anyway", its amount empty, with the warning and the confirmation box.
    expect(page.html).toMatch(/<details[^>]*><summary[^>]*>Payer quand même<\/summary>/);
    expect(page.html).toMatch(/<input[^>]*id="pay-form-amount"[^>]*value=""/);
    expect(text).toContain("Je sais qu'un paiement de 360,00 € est déjà en cours et je veux payer quand même.");

    const merchant = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(merchant).toContain(`Paiement de 360,00 € en cours (prélèvement, lancé le ${started})`);
    expect(merchant).toMatch(/Paiement en cours\s*360,00 €/);

    // An English reader gets it in English, amounts and dates their way.
    await customer.post("/locale", { locale: "en", redirectTo: m.link });
    expect(textOf((await customer.get(m.link)).html)).toContain(
      `Payment of €360.00 in progress (direct debit, started on ${formatDate(debit.createdAt, "en")}).`,
    );
  });

  it("reduces the amount offered by what is already on its way", async () => {
    const m = await sentInvoice(app, { invoice: { allowPartialPayment: "on" } });
    const customer = app.browser();
    await startDebit(m, customer, "100,00");
    const page = await customer.get(m.link);
    expect(page.html).toMatch(/<input[^>]*id="pay-form-amount"[^>]*value="260,00"/);
    const text = textOf(page.html);
    expect(text).toContain("Reste à payer après le paiement en cours 260,00 €");
    expect(text).toContain("Le montant proposé ci-dessous tient déjà compte du paiement en cours.");
    expect(page.html).not.toContain("<details");

    // What is left goes through without confirmation, and the checkout is opened for that amount.
    const start = await customer.post(m.link, { provider: "stripe", amount: "" });
    expect(start.status).toBe(303);
    expect(await app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId: m.invoiceId, provider: "stripe" } })).toMatchObject({ amountMinor: 26000 });
    // More than is left needs it.
    const more = await customer.post(m.link, { provider: "stripe", amount: "300" });
    expect(textOf(more.html)).toContain("Un paiement est déjà en cours pour cette facture : cochez la case pour confirmer que vous voulez payer quand même.");
  });
});

describe("paying while a payment is in flight", () => {
  it("is refused without the customer's confirmation, with the reason, and accepted with it", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    await startDebit(m, customer);
    const before = calls("https://api.stripe.com/v1/checkout/sessions").length;
    for (const amount of ["", "360,00"]) {
      const refused = await customer.post(m.link, { provider: "stripe", amount });
      expect(refused.status).toBe(200);
      const text = textOf(refused.html);
      expect(text).toContain("Un paiement est déjà en cours pour cette facture : cochez la case pour confirmer que vous voulez payer quand même.");
      // The refused form comes back open, so the message and the box are in view without JavaScript.
      expect(refused.html).toMatch(/<details[^>]*open=""/);
    }
    expect(calls("https://api.stripe.com/v1/checkout/sessions")).toHaveLength(before);

    const accepted = await customer.post(m.link, { provider: "stripe", amount: "", payAnyway: "on" });
    expect(accepted.status).toBe(303);
    expect(await app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId: m.invoiceId, provider: "stripe" } })).toMatchObject({ amountMinor: 36000 });
    // Confirmed or not, never more than is due.
    const above = await customer.post(m.link, { provider: "stripe", amount: "400", payAnyway: "on" });
    expect(textOf(above.html)).toContain("Le montant dépasse le solde dû de cette facture.");
  });
});

describe("an overpayment", () => {
  it("leaves the invoice paid, shows the excess on both pages, and tells the merchant and the customer", async () => {
    const { m, customer } = await paidTwice();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 72000, amountDueMinor: 0 });

    const merchant = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(merchant).toMatch(/Trop-perçu\s*360,00 €/);
    expect(merchant).toContain("Le client a payé 360,00 € de plus que le total de la facture.");
    expect(merchant).toContain("Rembourser l'excédent (360,00 €)");

    const publicText = textOf((await customer.get(m.link)).html);
    expect(publicText).toContain("Cette facture est réglée. Merci !");
    expect(publicText).toContain(
      "Vous avez payé 360,00 € de plus que le montant de cette facture. Atelier Rivière en est informé et peut vous rembourser l'excédent.",
    );

    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "payment_overpaid" } })).toBe(1);
    await app.deliverEmails(); // notices are rendered at delivery
    const receipt = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId: m.invoiceId, kind: "payment_overpaid_customer" } });
    expect(receipt.subject).toMatch(/^Confirmation de votre paiement — facture F\d{4}-\d{4}$/);
    // The invoice's email history names each notice in words.
    const history = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(history).toContain("Reçu de paiement (trop-perçu) → lucie@example.fr");
    expect(history).toContain("Avis de trop-perçu → ");
    expect(history).not.toContain("sending.kind.");
    expect(receipt.text.replace(/\s+/g, " ")).toContain(
      "Un autre paiement avait aussi été fait pour cette facture : vous avez payé 360,00 € de plus que son montant. Atelier Rivière en est informé et peut vous rembourser cet excédent ; vous n'avez rien à faire.",
    );
  });
});

describe("refunding the excess", () => {
  it("asks the provider that took the later payment once, even on a double submit, and shows the refund as requested", async () => {
    const { m, customer } = await paidTwice();
    const before = calls(STRIPE_REFUNDS).length;
    const first = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(first.html)).toContain("Remboursement de 360,00 € demandé. Il sera compté dès que le prestataire de paiement l'aura effectué.");
    expect(textOf(first.html)).toContain("Remboursement de 360,00 € demandé : il sera compté");
    const second = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(second.html)).toContain("Le remboursement de l'excédent est déjà demandé.");

    const sent = calls(STRIPE_REFUNDS).slice(before);
    expect(sent).toHaveLength(1);
    const card = (await invoiceOf(m.invoiceId)).payments.find((p) => p.provider === "stripe")!;
    expect(new URLSearchParams(sent[0].body).get("payment_intent")).toBe(card.providerPaymentId);
    expect(new URLSearchParams(sent[0].body).get("amount")).toBe("36000");
    expect(sent[0].headers["idempotency-key"]).toBe(`excess-${m.invoiceId}-72000-${card.id}`);

    const reversal = await app.db.paymentReversal.findFirstOrThrow({ where: { organisationId: m.organisationId } });
    expect(reversal).toMatchObject({ kind: "refund", status: "pending", amountMinor: 36000, providerPaymentId: card.providerPaymentId });
    const pending = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(pending).toContain("Remboursement de 360,00 € demandé : il sera compté dès que le prestataire l'aura effectué.");
    expect(pending).toContain(`Remboursement de 360,00 € demandé le ${formatDate(reversal.createdAt, "fr")}`);
    expect(pending).not.toContain("Rembourser l'excédent");
    expect(textOf((await customer.get(m.link)).html)).toContain("Remboursement de 360,00 € demandé le");

    // Stripe's refund.created, then refund.updated (succeeded): the refund counts, the excess is gone.
    await later(2000);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000, amountDueMinor: 0 });
    expect(await app.db.paymentReversal.findUniqueOrThrow({ where: { id: reversal.id } })).toMatchObject({ status: "succeeded" });
    const after = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(after).not.toContain("Trop-perçu");
    expect(after).toContain("Remboursement de 360,00 € effectué");
    const publicText = textOf((await customer.get(m.link)).html);
    expect(publicText).toContain("Cette facture est réglée. Merci !");
    expect(publicText).not.toContain("de plus que le montant de cette facture");
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "payment_refunded" } })).toBe(1);
  });

  it("gives two simultaneous clicks the same refund: one at the provider, one recorded", async () => {
    const { m } = await paidTwice();
    const pages = await Promise.all([1, 2].map(() => m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" })));
    for (const page of pages) expect(page.status).toBe(200);
    const card = (await invoiceOf(m.invoiceId)).payments.find((p) => p.provider === "stripe")!;
    expect(
      stripeRefunds()
        .values()
        .filter(({ refund }) => refund.payment_intent === card.providerPaymentId),
    ).toHaveLength(1);
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId } })).toBe(1);
  });

  it("goes back through GoCardless when the debit is the later payment", async () => {
    const m = await sentInvoice(app);
    const connections = await app.db.providerConnection.findMany({ where: { organisationId: m.organisationId } });
    const account = (provider: string) => connections.find((c) => c.provider === provider)!.accountId;
    const session = checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: `pi_first_${m.invoiceId}` });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, account("stripe"))));
    await app.processWebhooks();
    const debitId = `PMLATER${m.invoiceId.slice(-6).toUpperCase()}`;
    gcPayments().set(debitId, {
      id: debitId,
      organisation: account("gocardless"),
      amount: 36000,
      currency: "EUR",
      status: "confirmed",
      charge_date: "2026-11-05",
      description: "",
      metadata: { invoice_id: m.invoiceId },
      links: { mandate: "MD1", creditor: "CR1" },
      created_at: new Date().toISOString(),
      amount_refunded: 0,
    });
    const confirmed = gcEvent("payments", "confirmed", { payment: debitId, organisation: account("gocardless") });
    expect((await postWebhook(app, "gocardless", gocardlessBody([confirmed]))).status).toBe(204);
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ amountPaidMinor: 72000 });

    const page = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(page.html)).toContain("Remboursement de 360,00 € demandé.");
    const [sent] = calls(GC_REFUNDS).filter((c) => c.body.includes(debitId));
    expect(JSON.parse(sent.body)).toMatchObject({ amount: 36000, total_amount_confirmation: 36000, links: { payment: debitId } });
    const [refund] = gcRefunds()
      .values()
      .filter((r) => r.links.payment === debitId);
    expect(await app.db.paymentReversal.findFirstOrThrow({ where: { organisationId: m.organisationId } })).toMatchObject({
      provider: "gocardless",
      providerRef: refund.id,
      status: "pending",
    });

    // GoCardless's refunds created, then paid: the events name only the refund, which the app fetches.
    await later(2000);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000 });
    expect(textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html)).not.toContain("Trop-perçu");
  });

  it("explains a provider that is down or refuses, and records nothing", async () => {
    const { m } = await paidTwice();
    mocks.server.use(http.post(STRIPE_REFUNDS, () => HttpResponse.json({ error: { type: "api_error", message: "boom" } }, { status: 500 })));
    let page = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(page.html)).toContain("Le service de paiement ne répond pas pour le moment. Réessayez dans quelques instants : rien n'a été remboursé.");
    mocks.server.use(
      http.post(STRIPE_REFUNDS, () =>
        HttpResponse.json({ error: { type: "invalid_request_error", code: "insufficient_funds", message: "Insufficient funds" } }, { status: 400 }),
      ),
    );
    page = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(page.html)).toContain("Le service de paiement a refusé le remboursement.");
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId } })).toBe(0);
    mocks.server.resetHandlers();
    page = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(page.html)).toContain("Remboursement de 360,00 € demandé.");
  }, 20_000);

  it("is not offered on an invoice without an excess", async () => {
    const m = await sentInvoice(app);
    expect(textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html)).not.toContain("Rembourser l'excédent");
    const page = await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(page.html)).toContain("Cette facture n'a pas de trop-perçu à rembourser.");
  });

  it("answers 404 to another organisation's user, and 403 to a member who may not manage payments", async () => {
    const { m } = await paidTwice();
    const other = await sentInvoice(app);
    const before = calls(STRIPE_REFUNDS).length;
    const foreign = await other.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" });
    expect(foreign.status).toBe(404);

    const membership = { userId_organisationId: { userId: m.userId, organisationId: m.organisationId } };
    await app.db.membership.update({ where: membership, data: { role: "member" } });
    try {
      expect(textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html)).not.toContain("Rembourser l'excédent");
      expect((await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "refundExcess", confirmed: "yes" })).status).toBe(403);
    } finally {
      await app.db.membership.update({ where: membership, data: { role: "owner" } });
    }
    expect(calls(STRIPE_REFUNDS)).toHaveLength(before);
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId } })).toBe(0);
  });
});

describe("the sandbox's refund endpoints, through the providers' SDKs", () => {
  it("Stripe: an idempotent create, a fetch with the charge expanded, and no refund beyond what was paid", async () => {
    const { m } = await paidTwice();
    const card = (await invoiceOf(m.invoiceId)).payments.find((p) => p.provider === "stripe")!;
    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } });
    const account = { accountId: connection.accountId, accessToken: "" };
    const request = { providerPaymentId: card.providerPaymentId, amountMinor: 10000, currency: "EUR", idempotencyKey: `sdk-${m.invoiceId}` };
    const first = await app.providers.stripe.refund(account, request);
    expect(await app.providers.stripe.refund(account, request)).toEqual(first);
    await expect(app.providers.stripe.refund(account, { ...request, amountMinor: 5000 })).rejects.toMatchObject({ kind: "rejected" });
    expect(await app.providers.stripe.fetchRefund(account, first.refundId)).toEqual({
      providerPaymentId: card.providerPaymentId,
      amountMinor: 10000,
      currency: "EUR",
      status: "pending",
    });
    await expect(app.providers.stripe.refund(account, { ...request, amountMinor: 30000, idempotencyKey: `sdk2-${m.invoiceId}` })).rejects.toMatchObject({
      kind: "rejected",
      message: expect.stringContaining("greater than unrefunded amount"),
    });
  });

  it("GoCardless: total_amount_confirmation from the payment's amount refunded, and a retried key gives the same refund", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const debit = await startDebit(m, customer);
    await later(3500);
    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "gocardless" } });
    const { decryptSecret } = await import("~/lib/crypto.server");
    const account = { accountId: connection.accountId, accessToken: decryptSecret(app.config.ENCRYPTION_KEY, connection.encryptedToken) };
    const request = { providerPaymentId: debit.providerPaymentId, amountMinor: 6000, currency: "EUR", idempotencyKey: `sdk-${m.invoiceId}` };
    const first = await app.providers.gocardless.refund(account, request);
    expect(await app.providers.gocardless.refund(account, request)).toEqual(first);
    const second = await app.providers.gocardless.refund(account, { ...request, idempotencyKey: `sdk2-${m.invoiceId}` });
    expect(second.refundId).not.toBe(first.refundId);
    const bodies = calls(GC_REFUNDS)
      .filter((c) => c.body.includes(debit.providerPaymentId))
      .map((c) => JSON.parse(c.body).total_amount_confirmation);
    // The retry with the first key is answered with a conflict naming the first refund, which is fetched.
    expect(bodies).toEqual([6000, 12000]);
    expect(await app.providers.gocardless.fetchRefund(account, second.refundId)).toEqual({
      providerPaymentId: debit.providerPaymentId,
      amountMinor: 6000,
      currency: "EUR",
      status: "pending",
    });
    await expect(app.providers.gocardless.refund(account, { ...request, amountMinor: 40000, idempotencyKey: `sdk3-${m.invoiceId}` })).rejects.toMatchObject({
      kind: "rejected",
    });
  });
});

describe("the customer who comes back", () => {
  it("sees the page say the payment is on its way before the provider's news arrives", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "gocardless", amount: "" });
    const signed = await customer.post(start.location!, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189", consent: "on" });
    // Not processed yet: no payment recorded, the return itself says it is on its way.
    expect(textOf((await customer.get(local(signed.location!))).html)).toContain("Votre paiement a été transmis à GoCardless. Nous attendons sa confirmation");
  });
});

import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, postWebhook, stripeEvent } from "../mocks/webhooks";
import { gcBillingRequests } from "../../integrations/sandbox/gocardless-payments";
import { SANDBOX_PAGES_ORIGIN } from "../../integrations/sandbox";
import { stripeSessions } from "../../integrations/sandbox/stripe-checkout";

const mocks = useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const checkoutCalls = () => mocks.calls().filter((c) => c.url === "https://api.stripe.com/v1/checkout/sessions");

describe("sending an invoice by email", () => {
  it("emails the customer in French with the amount, due date, merchant and consultation link", async () => {
    const { sentEmail: email, link, invoiceId } = await sentInvoice(app);
    const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(email.subject).toBe(`Facture ${invoice.number} d'Atelier Rivière`);
    expect(email.toAddress).toBe("lucie@example.fr");
    const text = email.text.replace(/\s+/g, " ");
    expect(text).toContain("Bonjour Lucie Moreau,");
    expect(text).toContain("Montant à régler : 360,00 €");
    expect(text).toContain("Échéance : 1 décembre 2026");
    expect(text).toContain(`${app.baseUrl}${link}`);
    expect(link).toMatch(/^\/i\/[\w-]{43}$/); // 256 random bits, base64url
    expect(email.html).toContain(`href="${app.baseUrl}${link}"`);
    expect(invoice.sentAt).not.toBeNull();
  });

  it("writes to an English-speaking customer in English", async () => {
    const { sentEmail: email } = await sentInvoice(app, { customer: { locale: "en", name: "John Smith", email: "john@example.co.uk" } });
    const text = email.text.replace(/\s+/g, " ");
    expect(email.subject).toMatch(/^Invoice .* from Atelier Rivière$/);
    expect(text).toContain("Amount due: €360.00");
    expect(text).toContain("Due date: 1 December 2026");
  });

  it("queues one email for a double-submitted form, and the re-send carries the same link", async () => {
    const { browser, invoiceId, link } = await sentInvoice(app);
    await browser.post(`/invoices/${invoiceId}`, { intent: "send", sendKey: `key-${invoiceId}` });
    expect(await app.db.outboxEmail.count({ where: { invoiceId } })).toBe(1);
    await browser.post(`/invoices/${invoiceId}`, { intent: "remind", sendKey: "another-click" });
    const reminder = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId, kind: "invoice_reminder" } });
    expect(reminder.subject).toMatch(/^Rappel : facture/);
    expect(reminder.text).not.toContain(link); // sealed until sent
    expect((await app.deliveredEmail(reminder.id)).text).toContain(link);
    const page = await browser.get(`/invoices/${invoiceId}`);
    expect(textOf(page.html)).toMatch(/Facture envoyée → lucie@example.fr : envoyé/);
    expect(textOf(page.html)).toMatch(/Relance → lucie@example.fr : envoyé/);
  });

  it("explains why a customer without an email cannot be sent the invoice", async () => {
    const merchant = await sentInvoice(app);
    await app.db.customer.update({ where: { id: merchant.customerId }, data: { email: "" } });
    const page = await merchant.browser.post(`/invoices/${merchant.invoiceId}`, { intent: "send", sendKey: "k2" });
    expect(textOf(page.html)).toContain("Ce client n'a pas d'adresse e-mail.");
  });
});

describe("the consultation page", () => {
  it("shows the invoice without JavaScript, its PDF and the bank transfer details", async () => {
    const { link, invoiceId, browser } = await sentInvoice(app);
    await browser.post("/settings/organisation", {
      legalName: "Atelier Rivière",
      country: "FR",
      defaultCurrency: "EUR",
      locale: "fr",
      paymentTermsDays: "30",
      iban: "FR7630006000011234567890189",
      bic: "AGRIFRPP",
      invoiceNumberFormat: "F{YYYY}-{SEQ:4}",
    });
    const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const customer = app.browser();
    const page = await customer.get(link);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(`Facture ${invoice.number}`);
    expect(text).toContain("Reste à payer 360,00 €");
    expect(text).toContain("Prestation de conseil");
    expect(text).toContain("Payer par prélèvement (GoCardless)");
    expect(text).toContain("Payer par carte (Stripe)");
    // Bank details are the ones printed at finalisation (none then), so no transfer block yet.
    const pdf = await customer.get(`${link}/pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode(pdf.body.slice(0, 5))).toBe("%PDF-");
  });

  it("answers 404 to a guessed token and a regenerated (revoked) link; a credit note keeps the live link working", async () => {
    const { link, invoiceId, browser } = await sentInvoice(app);
    expect((await app.browser().get("/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
    expect((await app.browser().get("/i/short")).status).toBe(404);
    await browser.post(`/invoices/${invoiceId}`, { intent: "regenerateLink" });
    expect((await app.browser().get(link)).status).toBe(404);
    expect((await app.browser().get(`${link}/pdf`)).status).toBe(404);
    const newLink = /\/i\/[\w-]+/.exec(textOf((await browser.get(`/invoices/${invoiceId}`)).html))![0];
    expect((await app.browser().get(newLink)).status).toBe(200);
    await browser.post(`/invoices/${invoiceId}`, { intent: "void", confirmed: "yes", reason: "Erreur" });
    // Cancelled by a credit note: the live link says so (and gives the credit note); the one revoked earlier stays unknown.
    const credited = await app.browser().get(newLink);
    expect(credited.status).toBe(200);
    expect(textOf(credited.html)).toContain("Cette facture est annulée par avoir : rien n'est à payer.");
    expect((await app.browser().get(link)).status).toBe(404);
  });

  it("is kept between changes: each visitor gets their own form token, a signed-in merchant their own page, and a payment or a void shows at once", async () => {
    const m = await sentInvoice(app);
    const formToken = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];
    const alice = app.browser();
    const bob = app.browser();
    const aliceFirst = await alice.get(m.link);
    const aliceAgain = await alice.get(m.link);
    const bobFirst = await bob.get(m.link);
    // The same page, but each answer has its own CSP nonce.
    const nonces = (html: string) => [...new Set([...html.matchAll(/nonce="([^"]+)"/g)].map(([, nonce]) => nonce))];
    expect(nonces(aliceAgain.html)).toHaveLength(1);
    expect(nonces(aliceAgain.html)).not.toEqual(nonces(aliceFirst.html));
    const withoutNonce = (html: string) => html.replace(/nonce="[^"]+"/g, 'nonce=""');
    expect(withoutNonce(aliceAgain.html)).toBe(withoutNonce(aliceFirst.html));
    expect(formToken(bobFirst.html)).not.toBe(formToken(aliceFirst.html));
    expect(aliceAgain.headers.get("x-request-id")).toMatch(/^[\w-]{36}$/);
    expect(aliceAgain.headers.get("referrer-policy")).toBe("same-origin");

    // Bob's token, served from the kept page, is accepted by the pay form.
    const pay = await bob.post(m.link, { provider: "stripe", amount: "" });
    expect(pay.status).toBe(303);

    // The merchant signed in sees a page rendered for them, which is never handed to a customer.
    expect((await m.browser.get(m.link)).html).toContain(m.email);
    expect((await alice.get(m.link)).html).not.toContain(m.email);

    // The reader's language is part of what is kept.
    await alice.post("/locale", { locale: "en", redirectTo: m.link });
    expect(textOf((await alice.get(m.link)).html)).toContain("Amount due");
    expect(textOf((await bob.get(m.link)).html)).toContain("Reste à payer");

    // Paid by card: the next visit shows it, without waiting for anything to expire.
    const stripeAccount = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } })).accountId;
    await postWebhook(
      app,
      "stripe",
      JSON.stringify(
        stripeEvent("checkout.session.completed", checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_kept" }), stripeAccount),
      ),
    );
    await app.processWebhooks();
    expect(textOf((await bob.get(m.link)).html)).toContain("Cette facture est réglée. Merci !");
  });

  it("shows each fact the page displays on the next load after it changes, whatever wrote it", async () => {
    const m = await sentInvoice(app);
    const visitor = app.browser();
    const page = async () => textOf((await visitor.get(m.link)).html);
    await page();
    await page(); // kept from here on
    const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId }, include: { lines: true } });
    const changes: [string, () => Promise<unknown>][] = [
      ["Amount due", () => app.db.customer.update({ where: { id: invoice.customerId }, data: { locale: "en" } })],
      ["Conseil renommé", () => app.db.invoiceLine.update({ where: { id: invoice.lines[0].id }, data: { description: "Conseil renommé" } })],
      ["Payment on receipt", () => app.db.invoice.update({ where: { id: m.invoiceId }, data: { paymentTerms: "Payment on receipt" } })],
    ];
    for (const [shown, change] of changes) {
      expect(await page()).not.toContain(shown);
      await change();
      expect(await page()).toContain(shown);
    }
    // A payment method disconnected: the button goes.
    expect(await page()).toContain("Pay by card (Stripe)");
    await app.db.providerConnection.updateMany({ where: { organisationId: m.organisationId, provider: "stripe" }, data: { revokedAt: new Date() } });
    expect(await page()).not.toContain("Pay by card (Stripe)");
  });

  it("stops serving a kept page the moment its invoice is cancelled by a credit note", async () => {
    const { link, invoiceId, browser } = await sentInvoice(app);
    expect((await app.browser().get(link)).status).toBe(200);
    expect((await app.browser().get(link)).status).toBe(200);
    await browser.post(`/invoices/${invoiceId}`, { intent: "void", confirmed: "yes", reason: "Erreur" });
    const credited = await app.browser().get(link);
    expect(credited.status).toBe(200);
    expect(textOf(credited.html)).toContain("Cette facture est annulée par avoir : rien n'est à payer.");
    expect(textOf(credited.html)).not.toContain("Payer par");
  });

  it("offers online payment only when sent with the link, switched on, and the provider connected", async () => {
    const off = await sentInvoice(app, { invoice: { onlinePayment: "" } });
    expect(textOf((await app.browser().get(off.link)).html)).toContain("Le paiement en ligne n'est pas proposé pour cette facture.");

    const stripeOnly = await sentInvoice(app, { providers: ["stripe"] });
    const text = textOf((await app.browser().get(stripeOnly.link)).html);
    expect(text).toContain("Payer par carte (Stripe)");
    expect(text).not.toContain("Payer par prélèvement");

    const yen = await sentInvoice(app, { invoice: { currency: "JPY", "lines[0].unitPrice": "15000" } });
    expect(textOf((await app.browser().get(yen.link)).html)).toContain("Ce moyen de paiement n'accepte pas la devise de cette facture.");
  });
});

describe("paying from the consultation page", () => {
  it("opens a Stripe Checkout on the merchant's account for the amount due, and reuses it on a second click", async () => {
    const { link, invoiceId } = await sentInvoice(app);
    const customer = app.browser();
    await customer.get(link);
    const first = await customer.post(link, { provider: "stripe", amount: "" });
    expect(first.status).toBe(303);
    expect(first.location).toMatch(new RegExp(`^${SANDBOX_PAGES_ORIGIN}/pages/stripe/checkout/cs_test_`));
    const session = stripeSessions().get(first.location!.split("/").pop()!)!;
    const connection = await app.db.providerConnection.findFirstOrThrow({
      where: { organisation: { invoices: { some: { id: invoiceId } } }, provider: "stripe" },
    });
    expect(session).toMatchObject({
      amount_total: 36000,
      currency: "eur",
      account: connection.accountId,
      client_reference_id: invoiceId,
      customer_email: "lucie@example.fr",
    });
    expect(session.success_url).toBe(`${app.baseUrl}${link}?return=stripe&session_id={CHECKOUT_SESSION_ID}`);
    const call = checkoutCalls().at(-1)!;
    expect(call.headers["idempotency-key"]).toMatch(/^checkout-/);

    const second = await app.browser().post(link, { provider: "stripe", amount: "360,00" });
    expect(second.location).toBe(first.location);
    expect(await app.db.checkoutAttempt.count({ where: { invoiceId } })).toBe(1);
  });

  it("opens a GoCardless hosted flow for a SEPA mandate", async () => {
    const { link, invoiceId } = await sentInvoice(app);
    const page = await app.browser().post(link, { provider: "gocardless", amount: "" });
    expect(page.status).toBe(303);
    expect(page.location).toMatch(new RegExp(`^${SANDBOX_PAGES_ORIGIN}/pages/gocardless/flow/BRF`));
    const attempt = await app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId, provider: "gocardless" } });
    expect(attempt).toMatchObject({ status: "open", amountMinor: 36000, method: "direct_debit" });
    expect(gcBillingRequests().get(attempt.providerRef!)).toMatchObject({
      mandate_request: { currency: "EUR", scheme: "sepa_core" },
      metadata: { invoice_id: invoiceId, attempt_id: attempt.id },
    });
  });

  it("refuses an amount above the balance, zero, negative, or partial when not allowed", async () => {
    const { link } = await sentInvoice(app);
    const customer = app.browser();
    for (const [amount, message] of [
      ["400", "Le montant dépasse le solde dû de cette facture."],
      ["0", "Le montant doit être supérieur à zéro."],
      ["-5", "Le montant doit être supérieur à zéro."],
      ["abc", "Montant invalide"],
      ["100", "Cette facture doit être réglée en totalité."],
    ]) {
      const page = await customer.post(link, { provider: "stripe", amount });
      expect(page.status, amount).toBe(200);
      expect(textOf(page.html)).toContain(message);
    }
    expect(checkoutCalls().filter((c) => c.body.includes("unit_amount%5D=40000"))).toHaveLength(0);
  });

  it("accepts a partial amount where the merchant allows it", async () => {
    const { link, invoiceId } = await sentInvoice(app, { invoice: { allowPartialPayment: "on" } });
    const page = await app.browser().post(link, { provider: "stripe", amount: "100,50" });
    expect(page.status).toBe(303);
    expect((await app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId } })).amountMinor).toBe(10050);
  });

  it("tells the customer when Stripe is down, and a retry works once it is back", async () => {
    const { link, invoiceId } = await sentInvoice(app);
    mocks.server.use(
      http.post("https://api.stripe.com/v1/checkout/sessions", () => HttpResponse.json({ error: { type: "api_error", message: "boom" } }, { status: 500 })),
    );
    const customer = app.browser();
    let page = await customer.post(link, { provider: "stripe", amount: "" });
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Le service de paiement ne répond pas pour le moment.");
    expect((await app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId } })).status).toBe("failed");
    mocks.server.resetHandlers();
    page = await customer.post(link, { provider: "stripe", amount: "" });
    expect(page.status).toBe(303);
  });

  it("refuses a provider that is not offered", async () => {
    const { link } = await sentInvoice(app, { providers: ["stripe"] });
    const page = await app.browser().post(link, { provider: "gocardless", amount: "" });
    expect(textOf(page.html)).toContain("Ce moyen de paiement n'est pas disponible pour cette facture.");
  });
});

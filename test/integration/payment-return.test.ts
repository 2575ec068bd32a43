/**
 * Issue 13, item 3: back from the provider's page (`?return=`), the consultation page says where the
 * payment stands: waiting for the provider (and, without JavaScript, to reload), then how it ended. The
 * live updates themselves are in test/e2e/issue13.e2e.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, postWebhook, stripeEvent } from "../mocks/webhooks";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const local = (url: string) => url.replace(app.baseUrl, "");

describe("the customer back from the provider's page", () => {
  it("card: waiting for Stripe (reload, without JavaScript), then the plain page once paid", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "stripe", amount: "" });
    const paid = await customer.post(start.location!, { intent: "pay", card: "4242 4242 4242 4242" });
    const back = local(paid.location!);
    const waiting = await customer.get(back);
    const text = textOf(waiting.html);
    expect(text).toContain("Votre paiement a été transmis à Stripe. Nous attendons sa confirmation : cela prend en général quelques secondes.");
    // Rendered for a browser without JavaScript: no promise that the page updates by itself, a reload link instead.
    expect(text).toContain("Rechargez la page dans quelques instants pour voir la confirmation. Recharger la page");
    expect(text).not.toContain("se met à jour d'elle-même");
    expect(waiting.html).toContain(`href="${back.replace(/&/g, "&amp;")}"`);

    await app.processWebhooks();
    const settled = textOf((await customer.get(back)).html);
    expect(settled).not.toContain("Nous attendons sa confirmation");
    expect(settled).toContain("Cette facture est réglée. Merci !");
    // Paid in full: the page's own message says it, not a second thank-you.
    expect(settled).not.toContain("Votre paiement de 360,00 € est confirmé");
  });

  it("a part payment: says it is confirmed and shows what is left", async () => {
    const m = await sentInvoice(app, { invoice: { allowPartialPayment: "on" } });
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "stripe", amount: "100" });
    const paid = await customer.post(start.location!, { intent: "pay", card: "4242 4242 4242 4242" });
    await app.processWebhooks();
    const text = textOf((await customer.get(local(paid.location!))).html);
    expect(text).toContain("Votre paiement de 100,00 € est confirmé. Merci !");
    expect(text).toMatch(/Reste à payer\s*260,00 €/);
  });

  it("direct debit: recorded and on its way, with a receipt to come", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "gocardless", amount: "" });
    const signed = await customer.post(start.location!, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189", consent: "on" });
    expect(textOf((await customer.get(local(signed.location!))).html)).toContain("Votre paiement a été transmis à GoCardless.");
    await app.processWebhooks();
    const text = textOf((await customer.get(local(signed.location!))).html);
    expect(text).not.toContain("Nous attendons sa confirmation");
    expect(text).toContain(
      "Votre paiement de 360,00 € est enregistré par GoCardless et en cours d'encaissement (quelques jours ouvrés pour un prélèvement). Vous recevrez un reçu par e-mail dès qu'il sera encaissé.",
    );
    expect(text).not.toContain("se mettra à jour");
  });

  it("a card payment that failed after the return says so, and the pay form is there again", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "stripe", amount: "" });
    const attempt = await app.db.checkoutAttempt.findFirstOrThrow({ where: { invoiceId: m.invoiceId } });
    const account = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } })).accountId;
    const session = checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_late_fail", paid: false, attemptId: attempt.id });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, account)));
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.async_payment_failed", session, account)));
    await app.processWebhooks();
    expect(start.status).toBe(303);
    const text = textOf((await customer.get(`${m.link}?return=stripe`)).html);
    expect(text).toContain("Votre paiement de 360,00 € n'a pas abouti : rien n'a été encaissé. Vous pouvez réessayer ci-dessous.");
    expect(text).toContain("Payer par carte (Stripe)");
  });

  it("an address kept with ?return= of another provider or of nothing opened says nothing more", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    for (const query of ["?return=stripe", "?return=gocardless", "?return=paypal"]) {
      const text = textOf((await customer.get(`${m.link}${query}`)).html);
      expect(text).not.toContain("Nous attendons sa confirmation");
      expect(text).not.toContain("Votre paiement de");
    }
  });
});

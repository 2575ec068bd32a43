/**
 * Issue 13, item 5: the customer's receipt greets them, says how they paid and what is left to pay;
 * French subjects and texts elide « de » before the merchant's name.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, gcEvent, gocardlessBody, postWebhook, stripeEvent } from "../mocks/webhooks";
import { gcPayments } from "../../integrations/sandbox/gocardless-payments";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function merchantWithInvoice(options: Parameters<typeof sentInvoice>[1] = {}) {
  const m = await sentInvoice(app, options);
  const connections = await app.db.providerConnection.findMany({ where: { organisationId: m.organisationId } });
  const account = (provider: string) => connections.find((c) => c.provider === provider)!.accountId;
  const { number } = await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } });
  return { ...m, number: number!, stripeAccount: account("stripe"), gcAccount: account("gocardless") };
}
type Merchant = Awaited<ReturnType<typeof merchantWithInvoice>>;

async function payByCard(m: Merchant, amount: number) {
  const session = checkoutSession({ invoiceId: m.invoiceId, amount, paymentIntent: `pi_${randomUUID().slice(0, 8)}` });
  await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, m.stripeAccount)));
  await app.processWebhooks();
}

/** A debit GoCardless reports as collected (the sandbox holds the payment the app will fetch). */
async function debit(m: Merchant, amount: number, action: "confirmed" | "failed") {
  const id = `PM${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;
  gcPayments().set(id, {
    id,
    organisation: m.gcAccount,
    amount,
    currency: "EUR",
    status: action,
    charge_date: "2026-11-25",
    description: "",
    metadata: { invoice_id: m.invoiceId },
    links: { mandate: "MD1", creditor: "CR1" },
    created_at: new Date().toISOString(),
  });
  await postWebhook(app, "gocardless", gocardlessBody([gcEvent("payments", action, { payment: id, organisation: m.gcAccount })]));
  await app.processWebhooks();
}

const flat = (text: string) => text.replace(/[\s\u202f\u00a0]+/g, " ");

describe("the customer's receipt", () => {
  it("greets the customer, names the payment method and says what is left after a part payment, then that it is paid in full", async () => {
    const m = await merchantWithInvoice({ invoice: { allowPartialPayment: "on" } });
    await payByCard(m, 10000);
    const first = await app.lastEmailTo("lucie@example.fr", /Confirmation de votre paiement/);
    expect(first.subject).toBe(`Confirmation de votre paiement — facture ${m.number}`);
    const text = flat(first.text);
    expect(text).toMatch(/^Bonjour Lucie Moreau,/);
    expect(text).toContain(`Nous confirmons la bonne réception de votre paiement de 100,00 € pour la facture ${m.number} d'Atelier Rivière.`);
    expect(text).toContain("Moyen de paiement : carte bancaire (Stripe).");
    expect(text).toContain("Reste à payer sur cette facture : 260,00 €.");
    expect(text).toContain("Merci !");
    expect(text.indexOf("Bonjour")).toBeLessThan(text.indexOf("Nous confirmons"));

    await debit(m, 26000, "confirmed");
    const second = flat((await app.lastEmailTo("lucie@example.fr", /Confirmation de votre paiement/)).text);
    expect(second).toContain("paiement de 260,00 €");
    expect(second).toContain("Moyen de paiement : prélèvement SEPA (GoCardless).");
    expect(second).toContain("La facture est entièrement réglée.");
    expect(second).not.toContain("Reste à payer");
  });

  it("in English for an English-speaking customer", async () => {
    const m = await merchantWithInvoice({ customer: { locale: "en" }, invoice: { allowPartialPayment: "on" } });
    await payByCard(m, 6000);
    const receipt = await app.lastEmailTo("lucie@example.fr", /Your payment is confirmed/);
    const text = flat(receipt.text);
    expect(text).toMatch(/^Hello Lucie Moreau,/);
    expect(text).toContain(`We confirm we received your payment of €60.00 for invoice ${m.number} from Atelier Rivière.`);
    expect(text).toContain("Payment method: card (Stripe).");
    expect(text).toContain("Left to pay on this invoice: €300.00.");
    expect(text).toContain("Thank you!");
  });

  it("a failed debit greets the customer and names the method; the merchant's notices have no greeting", async () => {
    const m = await merchantWithInvoice();
    await debit(m, 36000, "failed");
    const notice = flat((await app.lastEmailTo("lucie@example.fr", /n'a pas abouti/)).text);
    expect(notice).toMatch(/^Bonjour Lucie Moreau,/);
    expect(notice).toContain(`Votre paiement de 360,00 € pour la facture ${m.number} d'Atelier Rivière n'a pas abouti.`);
    expect(notice).toContain("Moyen de paiement : prélèvement SEPA (GoCardless).");
    const merchant = flat((await app.lastEmailTo(m.email, /Paiement échoué/)).text);
    expect(merchant).not.toContain("Bonjour");
    expect(merchant).toContain("Le paiement de 360,00 € de Lucie Moreau sur la facture");
  });

  it("the invoice email's subject elides « de » before a merchant name starting with a vowel, not before a consonant", async () => {
    const m = await merchantWithInvoice();
    expect(m.sentEmail.subject).toBe(`Facture ${m.number} d'Atelier Rivière`);
    expect(flat(m.sentEmail.text)).not.toContain("de Atelier");
  });
});

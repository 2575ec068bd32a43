/**
 * Issue 13, item 4: a voided invoice's link names the merchant and says the invoice was cancelled (not a
 * bare 404); a provider page whose session is closed (paid in another tab, expired) links back to the invoice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { gcFlows } from "../../integrations/sandbox/gocardless-payments";
import { stripeSessions } from "../../integrations/sandbox/stripe-checkout";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/**
 * An invoice voided before credit notes (issue 14: « Annuler » now issues a credit note and the invoice is
 * never changed): such invoices are kept as they were, their links revoked, and their page says so.
 */
const voidIt = async (m: Awaited<ReturnType<typeof sentInvoice>>) => {
  const now = new Date();
  await app.db.invoice.update({ where: { id: m.invoiceId }, data: { status: "void", voidReason: "Erreur de client", voidedAt: now, amountDueMinor: 0 } });
  await app.db.invoiceLink.updateMany({ where: { invoiceId: m.invoiceId, revokedAt: null }, data: { revokedAt: now } });
};

describe("a link of an invoice cancelled by a credit note", () => {
  it("keeps working: says nothing is due, offers no payment, and gives the credit note's PDF", async () => {
    const m = await sentInvoice(app);
    await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "void", reason: "Erreur de client", confirmed: "yes" });
    const note = await app.db.creditNote.findFirstOrThrow({ where: { invoiceId: m.invoiceId } });
    const page = await app.browser().get(m.link);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Cette facture est annulée par avoir : rien n'est à payer.");
    expect(text).toContain(`Avoir ${note.number}`);
    expect(text).not.toContain("Payer par");
    expect(text).not.toContain("Erreur de client"); // the merchant's reason is on the credit note's PDF, not the page
    expect((await app.browser().get(`${m.link}/credit-notes/${note.id}/pdf`)).status).toBe(200);
    // Paying through it is refused: nothing is due.
    const pay = await app.browser().post(m.link, { provider: "stripe", amount: "" });
    expect(pay.status).not.toBe(303);
    expect(await app.db.checkoutAttempt.count({ where: { invoiceId: m.invoiceId } })).toBe(0);
  });
});

describe("a voided invoice's link (voided before credit notes)", () => {
  it("says who cancelled it and that nothing is to be paid (410), in the customer's language, with nothing to pay or download", async () => {
    const m = await sentInvoice(app);
    const { number } = await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } });
    await voidIt(m);
    const page = await app.browser().get(m.link);
    expect(page.status).toBe(410);
    const text = textOf(page.html);
    expect(text).toContain("De la part d'Atelier Rivière");
    expect(text).toContain(`Facture ${number}`);
    expect(text).toContain("Atelier Rivière a annulé cette facture : rien n'est à payer.");
    expect(text).toContain("Si vous avez déjà payé ou si vous avez une question, contactez directement Atelier Rivière.");
    expect(text).not.toContain("Payer");
    expect(text).not.toContain("Erreur de client"); // the merchant's reason is theirs
    expect(page.html).not.toContain("/pdf");
    expect((await app.browser().get(`${m.link}/pdf`)).status).toBe(404);
    // Paying through it is refused like an unknown link.
    expect((await app.browser().post(m.link, { provider: "stripe", amount: "" })).status).toBe(404);
  });

  it("in English for an English-speaking customer", async () => {
    const m = await sentInvoice(app, { customer: { locale: "en" } });
    await voidIt(m);
    const text = textOf((await app.browser().get(m.link)).html);
    expect(text).toContain("From Atelier Rivière");
    expect(text).toContain("Atelier Rivière has cancelled this invoice: there is nothing to pay.");
  });

  it("a link the merchant had regenerated before voiding stays unknown (404)", async () => {
    const m = await sentInvoice(app);
    await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "regenerateLink" });
    const revoked = await app.db.invoiceLink.findMany({ where: { invoiceId: m.invoiceId, revokedAt: { not: null } } });
    await voidIt(m);
    // The link regenerated earlier was revoked before the voiding: it stays unknown.
    await app.db.invoiceLink.updateMany({ where: { id: { in: revoked.map((l) => l.id) } }, data: { revokedAt: new Date(0) } });
    expect((await app.browser().get(m.link)).status).toBe(404);
  });
});

describe("a provider page whose session is closed", () => {
  it("Stripe checkout paid in another tab: says it is paid and links back to the invoice (its success URL)", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const checkout = (await customer.post(m.link, { provider: "stripe", amount: "" })).location!;
    const paid = await customer.post(checkout, { intent: "pay", card: "4242 4242 4242 4242" });
    // The second tab, reloaded or submitted.
    for (const page of [await customer.get(checkout), await customer.post(checkout, { intent: "pay", card: "4242 4242 4242 4242" })]) {
      expect(textOf(page.html)).toContain("Ce paiement est déjà effectué : cette page de paiement est fermée.");
      const back = /<a href="([^"]+)">Revenir à la facture<\/a>/.exec(page.html)![1].replace(/&amp;/g, "&");
      expect(back).toBe(paid.location);
    }
  });

  it("Stripe checkout expired: says so and links back to the invoice (its cancel URL)", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const checkout = (await customer.post(m.link, { provider: "stripe", amount: "" })).location!;
    const id = checkout.split("/").pop()!;
    const session = stripeSessions().get(id)!;
    stripeSessions().set(id, { ...session, expires_at: Math.floor(Date.now() / 1000) - 60 });
    const page = await customer.get(checkout);
    expect(textOf(page.html)).toContain("Cette page de paiement a expiré : rien n'a été débité.");
    expect(page.html).toContain(`<a href="${app.baseUrl}${m.link}">Revenir à la facture</a>`);
  });

  it("GoCardless mandate signed in another tab: says so and links back to the invoice", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const flow = (await customer.post(m.link, { provider: "gocardless", amount: "" })).location!;
    const signed = await customer.post(flow, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189", consent: "on" });
    const page = await customer.get(flow);
    expect(textOf(page.html)).toContain("Ce mandat est déjà signé : cette page est fermée.");
    expect(page.html).toContain(`<a href="${signed.location}">Revenir à la facture</a>`);
  });

  it("GoCardless mandate page expired: says so and links back to the invoice (its exit URL)", async () => {
    const m = await sentInvoice(app);
    const flow = (await app.browser().post(m.link, { provider: "gocardless", amount: "" })).location!;
    const id = flow.split("/").pop()!;
    gcFlows().set(id, { ...gcFlows().get(id)!, expires_at: new Date(Date.now() - 60_000).toISOString() });
    const page = await app.browser().get(flow);
    expect(textOf(page.html)).toContain("Cette page de mandat a expiré : rien n'a été débité.");
    expect(page.html).toContain(`<a href="${app.baseUrl}${m.link}">Revenir à la facture</a>`);
  });
});

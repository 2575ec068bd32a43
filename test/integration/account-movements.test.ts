/**
 * Issue 14: the customer's account lists online payments beside recorded ones, and the balance is the
 * same whichever way the money came.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp, textOf } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("a customer's account", () => {
  it("shows a card payment and a recorded transfer, with the balance derived from both", async () => {
    const m = await sentInvoice(app, { providers: ["stripe"], invoice: { allowPartialPayment: "on" } });
    const customer = app.browser();
    // The customer pays 100,00 € of the 360,00 € by card.
    const start = await customer.post(m.link, { provider: "stripe", amount: "100,00" });
    expect(start.status, textOf(start.html).slice(0, 300)).toBe(303);
    expect((await customer.post(start.location!, { intent: "pay", card: "4242 4242 4242 4242" })).status).toBe(302);
    await app.processWebhooks();
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).toMatchObject({ status: "partially_paid", amountDueMinor: 26000 });

    // The merchant records the rest by transfer; left blank, the proposal (this invoice) is applied.
    const form = await m.browser.get(`/customers/${m.customerId}/receipts/new?invoiceId=${m.invoiceId}`);
    expect(form.html).toContain('value="260,00"');
    const recorded = await m.browser.post(`/customers/${m.customerId}/receipts/new`, {
      intent: "record",
      method: "transfer",
      receivedOn: "2026-11-21",
      currency: "EUR",
      amount: "260,00",
      reference: "",
      "allocations[0].invoiceId": m.invoiceId,
      "allocations[0].amount": "",
    });
    expect(recorded.status, textOf(recorded.html).slice(0, 300)).toBe(302);
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).toMatchObject({ status: "paid", amountPaidMinor: 36000, amountDueMinor: 0 });

    const page = textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(page).toContain("Paiement en ligne (Carte bancaire)");
    expect(page).toContain("Règlement enregistré (Virement)");
    expect(page).toContain("Soldé");
    // In English too.
    await m.browser.post("/locale", { locale: "en", redirectTo: `/customers/${m.customerId}` });
    const english = textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(english).toContain("Online payment (Card");
    expect(english).toContain("Payment recorded (Bank transfer)");
    expect(english).toContain("Settled");
  });
});

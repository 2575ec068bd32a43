import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { configureSandbox } from "../../integrations/sandbox";
import { runDueSandboxTasks } from "../../integrations/sandbox/webhooks";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => {
  configureSandbox({ autoAdvance: false });
  return app.close();
});

const local = (url: string) => url.replace(app.baseUrl, "");

describe("the offline sandbox's hosted pages", () => {
  it("takes a card payment on the sandbox checkout page, which posts a signed webhook that pays the invoice", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "stripe", amount: "" });
    const checkout = start.location!;
    expect(textOf((await customer.get(checkout)).html)).toContain("Payer 360,00 €");

    const declined = await customer.post(checkout, { intent: "pay", card: "4000 0000 0000 0002" });
    expect(textOf(declined.html)).toContain("Carte refusée");

    const paid = await customer.post(checkout, { intent: "pay", card: "4242 4242 4242 4242" });
    expect(paid.location).toMatch(new RegExp(`${m.link}\\?return=stripe&session_id=cs_test_`));
    expect(textOf((await customer.get(local(paid.location!))).html)).toContain("Votre paiement a été transmis à Stripe. Nous attendons sa confirmation");
    expect(await app.db.webhookEvent.count({ where: { provider: "stripe", type: "checkout.session.completed" } })).toBe(1);

    await app.processWebhooks();
    expect(textOf((await customer.get(m.link)).html)).toContain("Cette facture est réglée. Merci !");
    expect((await customer.post(checkout, { intent: "pay", card: "4242424242424242" })).status).toBe(200);
    expect(await app.db.payment.count({ where: { invoiceId: m.invoiceId } })).toBe(1);
  });

  it("sets up a SEPA mandate on the sandbox flow page; the debit is created, submitted and confirmed", async () => {
    configureSandbox({ autoAdvance: true });
    const m = await sentInvoice(app);
    const customer = app.browser();
    const start = await customer.post(m.link, { provider: "gocardless", amount: "" });
    const flow = start.location!;
    expect(textOf((await customer.get(flow)).html)).toContain("Mandat de prélèvement SEPA");

    let page = await customer.post(flow, { intent: "confirm", holder: "Lucie Moreau", iban: "FR76 0000 0000 0000", consent: "on" });
    expect(textOf(page.html)).toContain("Format de l'IBAN incorrect.");
    page = await customer.post(flow, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189" });
    expect(textOf(page.html)).toContain("Cochez la case d'autorisation");
    page = await customer.post(flow, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189", consent: "on" });
    expect(page.location).toBe(`${app.baseUrl}${m.link}?return=gocardless`);

    await app.processWebhooks();
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId }, include: { payments: true } })).payments).toMatchObject([
      { status: "processing" },
    ]);
    await runDueSandboxTasks(new Date(Date.now() + 3500)); // the sandbox moves the debit on by itself
    await app.processWebhooks();
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).toMatchObject({ status: "paid", amountDueMinor: 0 });
  }, 20_000);
});

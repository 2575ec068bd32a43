/**
 * Issue 13, item 2: after the first provider is connected the merchant is asked whether to offer online
 * payment on all invoices by default (yes preselected), and optionally on the open invoices already sent;
 * the invoice page says what the customer will actually see.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { consent, createCustomer, createDraftInvoice, followCallback, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function sentInvoice(browser: TestBrowser, customerId: string, fields: Record<string, string> = {}) {
  const invoiceId = await createDraftInvoice(browser, customerId, fields);
  await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
  expect((await browser.post(`/invoices/${invoiceId}`, { intent: "send", sendKey: `k-${invoiceId}` })).status).toBe(200);
  return invoiceId;
}

const onlineSummary = async (browser: TestBrowser, invoiceId: string) => {
  const html = (await browser.get(`/invoices/${invoiceId}`)).html;
  return textOf(/data-testid="online-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "").trim();
};

describe("online payment by default, asked after the first connection", () => {
  it("asks once the first provider is connected, yes preselected; yes turns the default on and, if asked, online payment on the invoices already sent", async () => {
    const m = await signUpMerchant(app);
    const customerId = await createCustomer(m.browser, { name: "Lucie Moreau", email: "lucie@example.fr" });
    // Sent before any provider was connected: no online payment on them.
    const before = await sentInvoice(m.browser, customerId);
    const alsoBefore = await sentInvoice(m.browser, customerId);
    const draft = await createDraftInvoice(m.browser, customerId);

    const first = await followCallback(m.browser, await consent(app, m.browser, "gocardless", "approve"));
    expect(first.location).toContain("connected=gocardless");
    expect(first.location).toContain("ask=onlineDefault");
    const question = first.page.html;
    expect(textOf(question)).toContain("Proposer le paiement en ligne sur toutes vos factures ?");
    expect(question).toMatch(/<input type="radio"[^>]*name="byDefault" checked="" value="yes"/);
    expect(question).not.toMatch(/checked="" value="no"/);
    expect(textOf(question)).toContain("L'activer aussi sur les factures déjà envoyées et non réglées (2)");
    expect(question).not.toMatch(/name="alsoSent"[^>]*checked/);

    const answered = await m.browser.post("/settings/payments", { intent: "answerOnlineDefault", byDefault: "yes", alsoSent: "on" });
    expect(answered.location).toBe("/settings/payments?saved=1&enabled=2");
    const settings = textOf((await m.browser.get(answered.location!)).html);
    expect(settings).toContain("Paiement en ligne activé sur les factures déjà envoyées et non réglées (2).");
    expect(settings).not.toContain("Proposer le paiement en ligne sur toutes vos factures ?");
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).onlinePaymentDefault).toBe(true);
    const invoices = await app.db.invoice.findMany({ where: { organisationId: m.organisationId }, orderBy: { createdAt: "asc" } });
    expect(invoices.map((i) => [i.id, i.onlinePayment])).toEqual([
      [before, true],
      [alsoBefore, true],
      [draft, false], // not sent: it takes the default the merchant sees when editing it
    ]);
    // A new invoice starts with online payment ticked.
    expect((await m.browser.get("/invoices/new")).html).toMatch(/name="onlinePayment"[^>]*checked/);

    // The second provider: no question.
    const second = await followCallback(m.browser, await consent(app, m.browser, "stripe", "approve"));
    expect(second.location).toContain("connected=stripe");
    expect(second.location).not.toContain("ask=");
  });

  it("no keeps online payment off by default and leaves the sent invoices alone", async () => {
    const m = await signUpMerchant(app);
    const customerId = await createCustomer(m.browser);
    const sent = await sentInvoice(m.browser, customerId);
    await followCallback(m.browser, await consent(app, m.browser, "stripe", "approve"));
    const answered = await m.browser.post("/settings/payments", { intent: "answerOnlineDefault", byDefault: "no" });
    expect(answered.location).toBe("/settings/payments?saved=1");
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).onlinePaymentDefault).toBe(false);
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: sent } })).onlinePayment).toBe(false);
  });

  it("an answer that is neither yes nor no changes nothing", async () => {
    const m = await signUpMerchant(app);
    await followCallback(m.browser, await consent(app, m.browser, "stripe", "approve"));
    const refused = await m.browser.post("/settings/payments", { intent: "answerOnlineDefault", byDefault: "maybe" });
    expect(textOf(refused.html)).toContain("Ce champ est obligatoire.");
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).onlinePaymentDefault).toBe(false);
  });
});

describe("the invoice page says what the customer will see", () => {
  it("off, on before and after sending, a method that does not take the currency, no provider, with and without an IBAN", async () => {
    const m = await signUpMerchant(app);
    const customerId = await createCustomer(m.browser);
    const invoiceId = await createDraftInvoice(m.browser, customerId);
    await m.browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });

    expect(await onlineSummary(m.browser, invoiceId)).toBe(
      "Aucun compte de paiement connecté et aucun IBAN dans le profil de l'organisation : le client ne voit aucun moyen de payer. Connecter GoCardless ou Stripe",
    );
    await app.db.organisation.update({ where: { id: m.organisationId }, data: { iban: "FR7630006000011234567890189" } });
    expect(await onlineSummary(m.browser, invoiceId)).toBe(
      "Aucun compte de paiement connecté : le client ne voit que les coordonnées de virement. Connecter GoCardless ou Stripe",
    );

    await followCallback(m.browser, await consent(app, m.browser, "gocardless", "approve"));
    await followCallback(m.browser, await consent(app, m.browser, "stripe", "approve"));
    // Connected, but online payment unticked on this invoice: no list of methods the customer will not see.
    const off = await onlineSummary(m.browser, invoiceId);
    expect(off).toBe("Paiement en ligne désactivé pour cette facture : le client ne voit que les coordonnées de virement.");
    expect(off).not.toContain("Prélèvement");
    await app.db.organisation.update({ where: { id: m.organisationId }, data: { iban: "" } });
    expect(await onlineSummary(m.browser, invoiceId)).toBe(
      "Paiement en ligne désactivé pour cette facture, et aucun IBAN dans le profil de l'organisation : le client ne voit aucun moyen de payer.",
    );

    const saved = await m.browser.post(`/invoices/${invoiceId}`, { intent: "onlinePayment", onlinePayment: "on" });
    expect(textOf(saved.html)).toContain(
      "Dès l'envoi de la facture par e-mail, le client pourra payer en ligne depuis son lien : Prélèvement, Carte bancaire.",
    );
    await m.browser.post(`/invoices/${invoiceId}`, { intent: "send", sendKey: "once" });
    expect(await onlineSummary(m.browser, invoiceId)).toBe("Le client peut payer en ligne depuis le lien de la facture : Prélèvement, Carte bancaire.");

    const chf = await createDraftInvoice(m.browser, customerId, { currency: "CHF", onlinePayment: "on" });
    await m.browser.post(`/invoices/${chf}`, { intent: "finalise" });
    await m.browser.post(`/invoices/${chf}`, { intent: "send", sendKey: "chf" });
    expect(await onlineSummary(m.browser, chf)).toBe(
      "Le client peut payer en ligne depuis le lien de la facture : Carte bancaire. Prélèvement n'est pas proposé : ce moyen n'accepte pas la devise CHF.",
    );
  });
});

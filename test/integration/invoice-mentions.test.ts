import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { createCustomer, createDraftInvoice, signUpMerchant, organisationProfile as profile } from "../helpers/merchant";
import { pdfText } from "../helpers/pdf-text";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function pdfOf(browser: TestBrowser, path: string) {
  const pdf = await browser.get(path);
  expect(pdf.headers.get("content-type")).toBe("application/pdf");
  return pdfText(new Uint8Array(pdf.body));
}

describe("the 2026 invoice mentions", () => {
  it("are printed on the PDF and the consultation page of a finalised invoice, which keeps them whatever changes later", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    await browser.post("/settings/organisation", {
      ...profile,
      iban: "FR7630006000011234567890189",
      bic: "AGRIFRPPXXX",
      operationNature: "mixed",
      vatOnDebits: "on",
      vatExemptionDefault: "reverse_charge",
    });
    expect(await app.db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).toMatchObject({
      operationNature: "mixed",
      vatOnDebits: true,
      vatExemptionDefault: "reverse_charge",
    });

    // A business customer: SIREN and VAT number checked, and checked against each other.
    const customer = {
      name: "Sophie Leroy",
      company: "Leroy Immobilier",
      email: "sophie@example.fr",
      locale: "fr",
      addressLine1: "1 place du Marché",
      postalCode: "69001",
      city: "Lyon",
      siren: "732 829 320",
      vatNumber: "FR83404833048",
      deliveryAddressLine1: "Entrepôt 4, ZI Nord",
      deliveryPostalCode: "69100",
      deliveryCity: "Villeurbanne",
    };
    let page = await browser.post("/customers/new", { ...customer, siren: "732829321" });
    expect(textOf(page.html)).toContain("SIREN invalide");
    page = await browser.post("/customers/new", customer);
    expect(textOf(page.html)).toContain("Ce numéro de TVA ne correspond pas au SIREN indiqué");
    const customerId = await createCustomer(browser, { ...customer, vatNumber: "FR44 732 829 320" });
    expect(await app.db.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({ siren: "732829320", vatNumber: "FR44732829320" });

    // The new invoice starts with the organisation's choices.
    page = await browser.get("/invoices/new");
    expect(page.html).toMatch(/<option value="mixed" selected/);
    expect(page.html).toMatch(/<option value="reverse_charge" selected/);
    const invoiceId = await createDraftInvoice(browser, customerId, {
      operationNature: "mixed",
      vatExemption: "reverse_charge",
      "lines[1].description": "Fourniture de pièces",
      "lines[1].quantity": "1",
      "lines[1].unitPrice": "80",
      "lines[1].vatRate": "0",
    });
    await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    const { number } = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(number).toBe("AR-001");

    const expected = [
      "SIREN : 732829320",
      "TVA intracommunautaire : FR44732829320",
      "ADRESSE DE LIVRAISON\nEntrepôt 4, ZI Nord\n69100 Villeurbanne",
      "Nature de l'opération : livraison de biens et prestation de services",
      "Option pour le paiement de la taxe d'après les débits",
      "Lignes à 0 % : Autoliquidation",
      "IBAN : FR76 3000 6000 0112 3456 7890 189   BIC : AGRIFRPPXXX",
    ];
    const before = await pdfOf(browser, `/invoices/${invoiceId}/pdf`);
    for (const text of expected) expect(before).toContain(text);

    const english = await pdfOf(browser, `/invoices/${invoiceId}/pdf?lang=en`);
    for (const text of [
      "SIREN: 732829320",
      "DELIVERY ADDRESS",
      "Nature of the operation: supply of goods and services",
      "VAT paid on debits",
      "Lines at 0 %: Reverse charge",
      "BIC: AGRIFRPPXXX",
    ]) {
      expect(english).toContain(text);
    }

    // The consultation page says the same.
    await browser.post(`/invoices/${invoiceId}`, { intent: "send", sendKey: `key-${invoiceId}` });
    const queued = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId } });
    const link = /\/i\/[\w-]+/.exec((await app.deliveredEmail(queued.id)).text)![0];
    const reader = app.browser();
    const publicText = textOf((await reader.get(link)).html);
    for (const text of [
      "Client : Leroy Immobilier · SIREN : 732829320 · TVA intracommunautaire : FR44732829320",
      "Adresse de livraison : Entrepôt 4, ZI Nord, 69100 Villeurbanne",
      "Nature de l'opération : livraison de biens et prestation de services",
      "Option pour le paiement de la taxe d'après les débits",
      "Lignes à 0 % : Autoliquidation",
      "BIC : AGRIFRPPXXX",
    ]) {
      expect(publicText).toContain(text);
    }
    expect(await pdfOf(reader, `${link}/pdf`)).toContain("Lignes à 0 % : Autoliquidation");

    // Everything changes afterwards: the finalised invoice does not.
    await browser.post("/settings/organisation", {
      ...profile,
      iban: "FR7630004000031234567890143",
      bic: "BNPAFRPP",
      operationNature: "goods",
      vatExemptionDefault: "none",
    });
    await browser.post(`/customers/${customerId}`, { intent: "save", name: "Sophie Leroy", locale: "fr", country: "FR" });
    const after = await pdfOf(browser, `/invoices/${invoiceId}/pdf`);
    expect(after).toBe(before);
    expect(textOf((await reader.get(link)).html)).toContain("Adresse de livraison : Entrepôt 4, ZI Nord, 69100 Villeurbanne");

    // A new draft follows the new settings: services only print no delivery address nor debit option.
    const next = await createDraftInvoice(browser, customerId, { operationNature: "services" });
    const draft = await pdfOf(browser, `/invoices/${next}/pdf`);
    expect(draft).toContain("Nature de l'opération : prestation de services");
    expect(draft).toContain("BIC : BNPAFRPP");
    expect(draft).not.toContain("SIREN");
    expect(draft).not.toContain("débits");
  });

  it("print the franchise mention on an invoice whose lines are all at 0 %, and nothing for a reason left out", async () => {
    const { browser } = await signUpMerchant(app);
    const customerId = await createCustomer(browser);
    const franchise = await createDraftInvoice(browser, customerId, { vatExemption: "franchise", "lines[0].vatRate": "0" });
    await browser.post(`/invoices/${franchise}`, { intent: "finalise" });
    const text = await pdfOf(browser, `/invoices/${franchise}/pdf`);
    expect(text).toContain("TVA non applicable, art. 293 B du CGI");
    expect(text).not.toContain("Lignes à 0 %");
    expect(textOf((await browser.get(`/invoices/${franchise}`)).html)).toContain("TVA non applicable, art. 293 B du CGI");

    const none = await createDraftInvoice(browser, customerId, { vatExemption: "none", "lines[0].vatRate": "0" });
    expect(await pdfOf(browser, `/invoices/${none}/pdf`)).not.toContain("TVA non applicable");
  });

  it("leave an invoice finalised before them as it was printed", async () => {
    const { browser } = await signUpMerchant(app);
    const customerId = await createCustomer(browser);
    const invoiceId = await createDraftInvoice(browser, customerId, { "lines[0].vatRate": "0" });
    await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    // The snapshot as finalisation wrote it until now: no mentions, no customer identifiers.
    const { partiesSnapshot } = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const { seller, buyer } = JSON.parse(partiesSnapshot!);
    const { siren: _siren, vatNumber: _vat, delivery: _delivery, ...oldBuyer } = buyer;
    await app.db.invoice.update({
      where: { id: invoiceId },
      data: { partiesSnapshot: JSON.stringify({ seller: { ...seller, vatNumber: "" }, buyer: oldBuyer }) },
    });
    const text = await pdfOf(browser, `/invoices/${invoiceId}/pdf`);
    expect(text).toContain("TVA non applicable, art. 293 B du CGI.");
    expect(text).not.toContain("Nature de l'opération");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { createCustomer, createDraftInvoice, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("a merchant's first invoice, through the real HTTP server", () => {
  it("signs up, fills the profile, creates a customer and an invoice, finalises it and downloads the PDF", async () => {
    const { browser, organisationId } = await signUpMerchant(app, { organisationName: "Plomberie Durand" });

    // The organisation profile refuses a mistyped IBAN (its check digits do not match), and keeps what was typed.
    let page = await browser.post("/settings/organisation", {
      legalName: "Plomberie Durand SARL",
      addressLine1: "3 rue Basse",
      postalCode: "34000",
      city: "Montpellier",
      country: "FR",
      siret: "73282932000074",
      vatNumber: "FR44732829320",
      defaultCurrency: "EUR",
      locale: "fr",
      paymentTermsDays: "30",
      iban: "FR76 3000 6000 0112 3456 7890 188",
      bic: "AGRIFRPP",
      invoiceNumberFormat: "PD-{YYYY}-{SEQ:3}",
    });
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("IBAN invalide : ses chiffres de contrôle ne correspondent pas.");
    expect(page.html).toContain('value="Plomberie Durand SARL"');

    page = await browser.post("/settings/organisation", {
      legalName: "Plomberie Durand SARL",
      addressLine1: "3 rue Basse",
      postalCode: "34000",
      city: "Montpellier",
      country: "FR",
      siret: "73282932000074",
      vatNumber: "FR44732829320",
      defaultCurrency: "EUR",
      locale: "fr",
      paymentTermsDays: "30",
      iban: "fr76 3000 6000 0112 3456 7890 189",
      bic: "agrifrpp",
      invoiceNumberFormat: "PD-{YYYY}-{SEQ:3}",
    });
    expect(textOf(page.html)).toContain("Modifications enregistrées.");
    const organisation = await app.db.organisation.findUniqueOrThrow({ where: { id: organisationId } });
    expect(organisation).toMatchObject({ iban: "FR7630006000011234567890189", bic: "AGRIFRPP", siret: "73282932000074" });

    const customerId = await createCustomer(browser, { name: "Sophie Leroy", company: "Leroy Immobilier", email: "Sophie@Example.fr" });
    expect((await app.db.customer.findUniqueOrThrow({ where: { id: customerId } })).email).toBe("sophie@example.fr");

    const invoiceId = await createDraftInvoice(browser, customerId, {
      "lines[0].description": "Remplacement chauffe-eau",
      "lines[0].quantity": "1",
      "lines[0].unitPrice": "1 234,50",
      "lines[0].vatRate": "10",
      "lines[1].description": "Déplacement",
      "lines[1].quantity": "1,5",
      "lines[1].unitPrice": "33,33",
      "lines[1].vatRate": "20",
    });
    page = await browser.get(`/invoices/${invoiceId}`);
    let text = textOf(page.html);
    expect(text).toContain("Brouillon de facture");
    // 1 234,50 + 50,00 (1.5 × 33.33 = 49.995 → 50.00) = 1 284,50 HT; VAT 123,45 + 10,00; total 1 417,95.
    expect(text).toContain("1 284,50 €");
    expect(text).toContain("1 417,95 €");

    page = await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    text = textOf(page.html);
    expect(text).toContain("Facture PD-2026-001 finalisée.");
    expect(text).toContain("À payer");
    const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(invoice).toMatchObject({ status: "open", number: "PD-2026-001", totalMinor: 141795, amountDueMinor: 141795, amountPaidMinor: 0 });

    // Finalised means immutable: the edit form is gone and a forged edit is refused.
    page = await browser.get(`/invoices/${invoiceId}/edit`);
    expect(page.status).toBe(302);
    page = await browser.post(`/invoices/${invoiceId}/edit`, {
      customerId,
      currency: "EUR",
      issueDate: "2026-11-01",
      dueDate: "2026-12-01",
      "lines[0].description": "Autre",
      "lines[0].quantity": "1",
      "lines[0].unitPrice": "1",
      "lines[0].vatRate": "20",
    });
    expect(page.location).toBe(`/invoices/${invoiceId}`);
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).totalMinor).toBe(141795);

    const pdf = await browser.get(`/invoices/${invoiceId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toContain("PD-2026-001.pdf");
    expect(new TextDecoder().decode(pdf.body.slice(0, 5))).toBe("%PDF-");

    // The list shows it, and the filters work.
    page = await browser.get("/invoices?status=open");
    expect(textOf(page.html)).toContain("PD-2026-001");
    page = await browser.get("/invoices?status=draft");
    expect(textOf(page.html)).not.toContain("PD-2026-001");
  });

  it("cancels an open invoice by a full credit note with a reason, and refuses without one", async () => {
    const { browser } = await signUpMerchant(app);
    const customerId = await createCustomer(browser);
    const invoiceId = await createDraftInvoice(browser, customerId);
    await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    let page = await browser.post(`/invoices/${invoiceId}`, { intent: "void", confirmed: "yes", reason: "  " });
    expect(textOf(page.html)).toContain("Ce champ est obligatoire.");
    page = await browser.post(`/invoices/${invoiceId}`, { intent: "void", confirmed: "yes", reason: "Erreur de client" });
    expect(textOf(page.html)).toContain("émis pour la totalité : la facture est annulée par avoir.");
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({
      status: "credited",
      voidedAt: null,
      amountDueMinor: 0,
    });
    expect(await app.db.creditNote.findFirstOrThrow({ where: { invoiceId } })).toMatchObject({ reason: "Erreur de client", totalMinor: 36000 });
    page = await browser.post(`/invoices/${invoiceId}`, { intent: "void", confirmed: "yes", reason: "Encore" });
    expect(textOf(page.html)).toContain("Il ne reste rien à créditer sur cette facture.");
  });

  it("deletes a draft but never a finalised invoice", async () => {
    const { browser } = await signUpMerchant(app);
    const customerId = await createCustomer(browser);
    const draftId = await createDraftInvoice(browser, customerId);
    const page = await browser.post(`/invoices/${draftId}`, { intent: "delete", confirmed: "yes" });
    expect(page.location).toBe("/invoices");
    expect(await app.db.invoice.findUnique({ where: { id: draftId } })).toBeNull();
    const finalId = await createDraftInvoice(browser, customerId);
    await browser.post(`/invoices/${finalId}`, { intent: "finalise" });
    await browser.post(`/invoices/${finalId}`, { intent: "delete", confirmed: "yes" });
    expect(await app.db.invoice.findUnique({ where: { id: finalId } })).not.toBeNull();
  });

  it("searches and archives customers; archived ones cannot be invoiced", async () => {
    const { browser } = await signUpMerchant(app);
    const alice = await createCustomer(browser, { name: "Alice Martin", reference: "REF-ALICE" });
    await createCustomer(browser, { name: "Bob Durand" });
    let page = await browser.get("/customers?q=ref-alice");
    expect(textOf(page.html)).toContain("Alice Martin");
    expect(textOf(page.html)).not.toContain("Bob Durand");

    await browser.post(`/customers/${alice}`, { intent: "archive" });
    page = await browser.get("/customers");
    expect(textOf(page.html)).not.toContain("Alice Martin");
    page = await browser.get("/customers?archived=1");
    expect(textOf(page.html)).toContain("Alice Martin");

    page = await browser.post("/invoices/new", {
      customerId: alice,
      currency: "EUR",
      issueDate: "2026-11-01",
      dueDate: "2026-12-01",
      "lines[0].description": "X",
      "lines[0].quantity": "1",
      "lines[0].unitPrice": "10",
      "lines[0].vatRate": "20",
    });
    expect(textOf(page.html)).toContain("Client introuvable.");
  });

  it("shows the app in English when the merchant chooses it, amounts and dates included", async () => {
    const { browser } = await signUpMerchant(app);
    const customerId = await createCustomer(browser);
    const invoiceId = await createDraftInvoice(browser, customerId, { "lines[0].unitPrice": "1234,5", "lines[0].quantity": "1", "lines[0].vatRate": "0" });
    const switched = await browser.post("/locale", { locale: "en", redirectTo: `/invoices/${invoiceId}` });
    expect(switched.location).toBe(`/invoices/${invoiceId}`);
    const text = textOf((await browser.get(`/invoices/${invoiceId}`)).html);
    expect(text).toContain("Draft invoice");
    expect(text).toContain("€1,234.50");
    expect(text).toContain("1 November 2026");
  });
});

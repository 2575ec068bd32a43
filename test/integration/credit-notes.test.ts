/**
 * Issue 14, credit notes through the app: issuing (full, some lines, an amount) from the invoice's page,
 * « Annuler » of a finalised invoice issuing a full credit note, the credit note's page and PDF, its email
 * (queued once), the customer's account, and the refund through the provider that took the payment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp, type TestBrowser, textOf } from "../helpers/app";
import { createCustomer, createDraftInvoice, joinOrganisation, organisationProfile, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { formatDate } from "~/lib/format";
import { pdfText } from "../helpers/pdf-text";
import { useProviderMocks } from "../mocks/providers";
import { configureSandbox } from "../../integrations/sandbox";
import { runDueSandboxTasks } from "../../integrations/sandbox/webhooks";

useProviderMocks();
let app: TestApp;
let merchant: Awaited<ReturnType<typeof signUpMerchant>>;
let customerId: string;

beforeAll(async () => {
  app = await startTestApp();
  configureSandbox({ autoAdvance: true });
  merchant = await signUpMerchant(app, { organisationName: "Atelier Rivière" });
  await merchant.browser.post("/settings/organisation", organisationProfile);
  customerId = await createCustomer(merchant.browser, { name: "Lucie Moreau", email: "lucie@example.fr", company: "Moreau SAS", siren: "732829320" });
});
afterAll(() => {
  configureSandbox({ autoAdvance: false });
  return app.close();
});

const decode = (html: string) => html.replace(/&amp;/g, "&");
const invoiceOf = (id: string) => app.db.invoice.findUniqueOrThrow({ where: { id } });

/** A finalised invoice: 2 × 150,00 € at 20 % and 4 × 25,00 € at 5,5 % (465,50 €). */
async function finalised(browser: TestBrowser = merchant.browser) {
  const id = await createDraftInvoice(browser, customerId, {
    "lines[1].description": "Livres",
    "lines[1].quantity": "4",
    "lines[1].unitPrice": "25,00",
    "lines[1].vatRate": "5,5",
  });
  await browser.post(`/invoices/${id}`, { intent: "finalise" });
  const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
  expect(invoice.totalMinor).toBe(46550);
  return invoice;
}

async function issue(invoiceId: string, fields: Record<string, string>) {
  const page = await merchant.browser.post(`/invoices/${invoiceId}/credit-notes/new`, fields);
  expect(page.status, textOf(page.html).slice(0, 600)).toBe(302);
  const id = page.location!.split("/").pop()!.split("?")[0];
  return app.db.creditNote.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
}

describe("issuing a credit note from the invoice", () => {
  it("is offered on a finalised invoice's page, with the form showing what is left to credit", async () => {
    const invoice = await finalised();
    const page = textOf((await merchant.browser.get(`/invoices/${invoice.id}`)).html);
    expect(page).toContain("Émettre un avoir");
    const form = await merchant.browser.get(`/invoices/${invoice.id}/credit-notes/new`);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain(`Avoir sur la facture ${invoice.number}`);
    expect(textOf(form.html)).toContain("Reste à créditer sur la facture : 465,50 €");
    // A draft has nothing to credit.
    const draft = await createDraftInvoice(merchant.browser, customerId);
    expect(textOf((await merchant.browser.get(`/invoices/${draft}/credit-notes/new`)).html)).toContain("Seule une facture finalisée peut recevoir un avoir.");
    expect((await merchant.browser.post(`/invoices/${draft}/credit-notes/new`, { kind: "full", reason: "x" })).status).toBe(200);
    expect(await app.db.creditNote.count({ where: { invoiceId: draft } })).toBe(0);
  });

  it("for the whole invoice: numbered AV{YYYY}-{SEQ}, the invoice « Annulée par avoir », nothing due", async () => {
    const invoice = await finalised();
    const note = await issue(invoice.id, { kind: "full", reason: "Commande annulée" });
    expect(note.number).toMatch(new RegExp(`^AV${new Date().getUTCFullYear()}-\\d+$`));
    expect(note).toMatchObject({ kind: "full", totalMinor: 46550, subtotalMinor: 40000, taxMinor: 6550, reason: "Commande annulée" });
    expect(await invoiceOf(invoice.id)).toMatchObject({ status: "credited", amountDueMinor: 0, amountCreditedMinor: 46550 });
    const page = textOf((await merchant.browser.get(`/invoices/${invoice.id}`)).html);
    expect(page).toContain("Annulée par avoir");
    expect(page).toContain(`Avoir ${note.number}`);
    expect(page).not.toContain("Émettre un avoir pour la totalité");
    // Nothing is left: no second one.
    expect(textOf((await merchant.browser.post(`/invoices/${invoice.id}/credit-notes/new`, { kind: "full", reason: "Encore" })).html)).toContain(
      "Il ne reste rien à créditer sur cette facture.",
    );
  });

  it("for some lines: the quantities at the invoice's prices and rates; the rest still due", async () => {
    const invoice = await finalised();
    const note = await issue(invoice.id, {
      kind: "lines",
      reason: "Livres abîmés",
      "lines[0].invoiceLineId": invoice.lines[0].id,
      "lines[0].quantity": "",
      "lines[1].invoiceLineId": invoice.lines[1].id,
      "lines[1].quantity": "2",
    });
    expect(note).toMatchObject({ kind: "lines", subtotalMinor: 5000, taxMinor: 275, totalMinor: 5275 });
    expect(note.lines).toMatchObject([{ description: "Livres", quantityThousandths: 2000, unitPriceMinor: 2500, vatRateBasisPoints: 550 }]);
    expect(await invoiceOf(invoice.id)).toMatchObject({ status: "open", amountDueMinor: 46550 - 5275 });
    // More than what is left of the line is refused, with the error on its field.
    const refused = await merchant.browser.post(`/invoices/${invoice.id}/credit-notes/new`, {
      kind: "lines",
      reason: "Encore",
      "lines[0].invoiceLineId": invoice.lines[0].id,
      "lines[0].quantity": "",
      "lines[1].invoiceLineId": invoice.lines[1].id,
      "lines[1].quantity": "3",
    });
    expect(refused.status).toBe(200);
    expect(textOf(refused.html)).toContain("La quantité dépasse ce qui reste à créditer sur la ligne.");
  });

  it("for an amount: split over the invoice's VAT rates; never above what is left", async () => {
    const invoice = await finalised();
    const note = await issue(invoice.id, { kind: "amount", reason: "Geste commercial", amount: "93,10" });
    expect(note.totalMinor).toBe(9310);
    // 360,00 € at 20 % and 105,50 € at 5,5 % of 465,50 €: 72,00 € and 21,10 €.
    expect(note.lines.map((l) => [l.vatRateBasisPoints, l.totalMinor])).toEqual([
      [2000, 6000],
      [550, 2000],
    ]);
    expect(note.subtotalMinor + note.taxMinor).toBe(9310);
    const refused = await merchant.browser.post(`/invoices/${invoice.id}/credit-notes/new`, { kind: "amount", reason: "Trop", amount: "400,00" });
    expect(textOf(refused.html)).toContain("L'avoir ne peut pas dépasser ce qui reste à créditer sur la facture.");
    const blank = await merchant.browser.post(`/invoices/${invoice.id}/credit-notes/new`, { kind: "amount", reason: "", amount: "" });
    expect(textOf(blank.html)).toContain("Ce champ est obligatoire.");
    expect(await app.db.creditNote.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });
});

describe("« Annuler » a finalised invoice", () => {
  it("becomes « Émettre un avoir pour la totalité », confirmed with a reason; the invoice is kept, cancelled by the credit note", async () => {
    const invoice = await finalised();
    const here = `/invoices/${invoice.id}`;
    const page = await merchant.browser.get(here);
    expect(textOf(page.html)).toContain("Émettre un avoir pour la totalité");
    expect(decode(page.html)).toContain(`href="${here}?confirm=void#confirm"`);
    const unconfirmed = await merchant.browser.post(here, { intent: "void", reason: "Doublon" });
    expect(unconfirmed.location).toBe(`${here}?confirm=void#confirm`);
    expect(await app.db.creditNote.count({ where: { invoiceId: invoice.id } })).toBe(0);
    expect(textOf((await merchant.browser.get(`${here}?confirm=void`)).html)).toContain(`Émettre un avoir pour la totalité de la facture ${invoice.number} ?`);

    const done = await merchant.browser.post(`${here}?confirm=void`, { intent: "void", confirmed: "yes", reason: "Doublon" });
    const note = await app.db.creditNote.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(textOf(done.html)).toContain(`Avoir ${note.number} émis pour la totalité : la facture est annulée par avoir.`);
    expect(note).toMatchObject({ kind: "full", totalMinor: 46550, reason: "Doublon" });
    // The invoice itself keeps its number, lines and total; it is not voided.
    expect(await invoiceOf(invoice.id)).toMatchObject({ status: "credited", number: invoice.number, totalMinor: 46550, voidedAt: null, amountDueMinor: 0 });
  });
});

describe("the credit note's page, PDF, email and account", () => {
  it("shows it, prints its legal mentions, is sent once by email with the link to download it, and credits the account", async () => {
    const invoice = await finalised();
    const note = await issue(invoice.id, { kind: "amount", reason: "Retard de livraison", amount: "120,00" });
    const page = textOf((await merchant.browser.get(`/credit-notes/${note.id}`)).html);
    expect(page).toContain(`Avoir ${note.number}`);
    const issued = formatDate(invoice.issueDate, "fr");
    expect(page).toContain(`Facture d'origine : ${invoice.number} du ${issued}`);
    expect(page).toContain("Motif : Retard de livraison");
    expect(page).toContain(`Imputé sur la facture ${invoice.number} : 120,00 €`);

    const pdf = await merchant.browser.get(`/credit-notes/${note.id}/pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = pdfText(new Uint8Array(pdf.body));
    for (const expected of [
      "Facture d'avoir",
      `N° ${note.number}`,
      `Avoir sur la facture n° ${invoice.number} du ${issued}`,
      "Atelier Rivière SARL",
      "SIRET : 73282932000074",
      "Moreau SAS",
      "Motif : Retard de livraison",
      "Montant de l'avoir TTC",
      "-120,00",
    ]) {
      expect(text).toContain(expected);
    }
    // In English on request.
    const english = pdfText(new Uint8Array((await merchant.browser.get(`/credit-notes/${note.id}/pdf?lang=en`)).body));
    expect(english).toContain(`Credit note on invoice no. ${invoice.number} of ${formatDate(invoice.issueDate, "en")}`);

    // Sent: a double submit queues one email, delivered once, carrying the consultation link.
    const sendKey = `send-${note.id}`;
    for (let i = 0; i < 2; i++) expect((await merchant.browser.post(`/credit-notes/${note.id}`, { intent: "send", sendKey })).status).toBe(200);
    const queued = await app.db.outboxEmail.findMany({ where: { kind: "credit_note_sent", invoiceId: invoice.id } });
    expect(queued).toHaveLength(1);
    const email = await app.deliveredEmail(queued[0].id);
    expect(email.subject).toBe(`Avoir ${note.number} d'Atelier Rivière SARL`);
    expect(email.text).toContain(`l'avoir ${note.number} sur la facture ${invoice.number}, d'un montant de 120,00`);
    const link = /\/i\/[\w-]+/.exec(email.text)![0];
    const customer = app.browser();
    const consultation = await customer.get(link);
    expect(textOf(consultation.html)).toContain(`Avoir ${note.number}`);
    expect(consultation.html).toContain(`${link}/credit-notes/${note.id}/pdf`);
    const publicPdf = await customer.get(`${link}/credit-notes/${note.id}/pdf`);
    expect(publicPdf.status).toBe(200);
    expect(pdfText(new Uint8Array(publicPdf.body))).toContain(`N° ${note.number}`);
    // Another credit note's id behind this link is unknown.
    const other = await issue((await finalised()).id, { kind: "full", reason: "x" });
    expect((await customer.get(`${link}/credit-notes/${other.id}/pdf`)).status).toBe(404);

    // On the customer's page and account: the movement names the credit note and its invoice.
    const customerPage = textOf((await merchant.browser.get(`/customers/${customerId}`)).html);
    expect(customerPage).toContain(`Avoir ${note.number}, facture ${invoice.number}`);
    expect(customerPage).toContain("Avoirs");
    const statement = textOf((await merchant.browser.get(`/customers/${customerId}/statement`)).html);
    expect(statement).toContain(`Avoir ${note.number}, facture ${invoice.number}`);
  });
});

describe("refund through the provider", () => {
  it("a paid online invoice's full credit note is credit on the account, refundable by card; once refunded the account is settled", async () => {
    const m = await sentInvoice(app, { providers: ["stripe"] });
    const customer = app.browser();
    const checkout = (await customer.post(m.link, { provider: "stripe", amount: "" })).location!;
    await customer.post(checkout, { intent: "pay", card: "4242 4242 4242 4242" });
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountPaidMinor: 36000 });

    await m.browser.post(`/invoices/${m.invoiceId}`, { intent: "void", confirmed: "yes", reason: "Annulation client" });
    const note = await app.db.creditNote.findFirstOrThrow({ where: { invoiceId: m.invoiceId } });
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountDueMinor: 0 });
    const here = `/credit-notes/${note.id}`;
    let page = textOf((await m.browser.get(here)).html);
    expect(page).toContain("Au crédit du compte du client : 360,00 €");
    expect(page).toContain("360,00 € de cet avoir peuvent être rendus au client");
    const balance = async () =>
      (await app.db.customer.findUniqueOrThrow({ where: { id: m.customerId } })) && textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(await balance()).toContain("360,00 € d'avoir");

    // Money going out needs the confirmation step.
    expect((await m.browser.post(here, { intent: "refund" })).location).toBe(`${here}?confirm=refund#confirm`);
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId } })).toBe(0);
    const refunded = await m.browser.post(here, { intent: "refund", confirmed: "yes" });
    expect(textOf(refunded.html)).toContain("360,00");
    const reversal = await app.db.paymentReversal.findFirstOrThrow({ where: { organisationId: m.organisationId } });
    expect(reversal).toMatchObject({ kind: "refund", status: "pending", amountMinor: 36000 });
    // A second click asks for nothing more.
    await m.browser.post(here, { intent: "refund", confirmed: "yes" });
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId } })).toBe(1);

    // The provider settles it: the invoice is cancelled by its credit note, nothing paid, the account settled.
    await runDueSandboxTasks(new Date(Date.now() + 60_000));
    await app.processWebhooks();
    expect((await app.db.paymentReversal.findFirstOrThrow({ where: { id: reversal.id } })).status).toBe("succeeded");
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "credited", amountPaidMinor: 0, amountDueMinor: 0, amountCreditedMinor: 36000 });
    expect(await balance()).toContain("Soldé");
    page = textOf((await m.browser.get(here)).html);
    expect(page).not.toContain("peuvent être rendus au client");
  });

  it("without a provider payment, nothing is offered: the credit stays on the account", async () => {
    const invoice = await finalised();
    const note = await issue(invoice.id, { kind: "full", reason: "x" });
    const page = textOf((await merchant.browser.get(`/credit-notes/${note.id}`)).html);
    expect(page).not.toContain("Rembourser");
    expect((await merchant.browser.post(`/credit-notes/${note.id}`, { intent: "refund", confirmed: "yes" })).status).toBe(200);
    expect(await app.db.paymentReversal.count({ where: { organisationId: merchant.organisationId } })).toBe(0);
  });
});

describe("the credit note series", () => {
  it("has its own format in the organisation's settings, checked like the invoices'", async () => {
    const org = () => app.db.organisation.findUniqueOrThrow({ where: { id: merchant.organisationId } });
    const form = await merchant.browser.get("/settings/organisation");
    expect(form.html).toContain('value="AV{YYYY}-{SEQ}"');
    const refused = await merchant.browser.post("/settings/organisation", { ...organisationProfile, creditNoteNumberFormat: "AV" });
    expect(refused.status).toBe(200);
    expect((await org()).creditNoteNumberFormat).toBe("AV{YYYY}-{SEQ}");
    await merchant.browser.post("/settings/organisation", { ...organisationProfile, creditNoteNumberFormat: "AVOIR-{SEQ:4}" });
    expect((await org()).creditNoteNumberFormat).toBe("AVOIR-{SEQ:4}");
    const { lastCreditNoteSequence } = await org();
    const note = await issue((await finalised()).id, { kind: "full", reason: "x" });
    expect(note.number).toBe(`AVOIR-${String(lastCreditNoteSequence + 1).padStart(4, "0")}`);
  });
});

describe("permissions, as for invoices", () => {
  it("an accountant reads credit notes but neither issues, sends nor refunds them", async () => {
    const accountant = await signUpMerchant(app, { organisationName: "Cabinet comptable" });
    await joinOrganisation(merchant, accountant, "accountant");
    const invoice = await finalised();
    const note = await issue(invoice.id, { kind: "amount", reason: "Geste", amount: "10,00" });
    expect((await accountant.browser.get(`/credit-notes/${note.id}`)).status).toBe(200);
    expect((await accountant.browser.get(`/credit-notes/${note.id}/pdf`)).status).toBe(200);
    expect(textOf((await accountant.browser.get(`/invoices/${invoice.id}`)).html)).not.toContain("Émettre un avoir");
    expect((await accountant.browser.get(`/invoices/${invoice.id}/credit-notes/new`)).status).toBe(403);
    expect((await accountant.browser.post(`/invoices/${invoice.id}/credit-notes/new`, { kind: "full", reason: "x" })).status).toBe(403);
    expect((await accountant.browser.post(`/credit-notes/${note.id}`, { intent: "send", sendKey: "a" })).status).toBe(403);
    expect((await accountant.browser.post(`/credit-notes/${note.id}`, { intent: "refund", confirmed: "yes" })).status).toBe(403);
    expect(await app.db.creditNote.count({ where: { invoiceId: invoice.id } })).toBe(1);
    expect(await app.db.outboxEmail.count({ where: { kind: "credit_note_sent", invoiceId: invoice.id } })).toBe(0);
  });
});

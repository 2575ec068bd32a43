/**
 * Issue 14, first slice: a payment received outside the providers is recorded by the merchant, spread over
 * the customer's invoices (the rest is credit on the account), and reversed by a counter-entry; the
 * customer's balance and movements are derived from the entries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp, type TestBrowser, textOf } from "../helpers/app";
import { createCustomer, createDraftInvoice, joinOrganisation, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
let owner: Awaited<ReturnType<typeof signUpMerchant>>;
let member: Awaited<ReturnType<typeof signUpMerchant>>;
let intruder: TestBrowser;
let customerId: string;
let first: { id: string; number: string };
let second: { id: string; number: string };

async function finalised(browser: TestBrowser, dueDate: string) {
  const id = await createDraftInvoice(browser, customerId, { dueDate });
  await browser.post(`/invoices/${id}`, { intent: "finalise" });
  const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id } });
  expect(invoice.totalMinor).toBe(36000);
  return { id, number: invoice.number! };
}

const invoice = (id: string) => app.db.invoice.findUniqueOrThrow({ where: { id } });

beforeAll(async () => {
  app = await startTestApp();
  owner = await signUpMerchant(app, { organisationName: "Cabinet Lemaire" });
  member = await signUpMerchant(app, { organisationName: "Autre cabinet" });
  await joinOrganisation(owner, member, "member");
  intruder = (await signUpMerchant(app, { organisationName: "Intrus SAS" })).browser;
  customerId = await createCustomer(owner.browser, { name: "Syndic Bellevue" });
  // The second is due first: the oldest due is the one proposed first.
  second = await finalised(owner.browser, "2026-12-15");
  first = await finalised(owner.browser, "2026-12-01");
});
afterAll(() => app.close());

const receiptForm = (fields: Record<string, string>) => ({
  method: "transfer",
  receivedOn: "2026-11-20",
  currency: "EUR",
  reference: "",
  ...fields,
});

describe("recording a payment", () => {
  it("is offered from the invoice's page, with that invoice's due", async () => {
    const page = await owner.browser.get(`/invoices/${first.id}`);
    expect(page.html).toContain(`/customers/${customerId}/receipts/new?invoiceId=${first.id}`);
    expect(textOf(page.html)).toContain("Enregistrer un règlement");
    const form = await owner.browser.get(`/customers/${customerId}/receipts/new?invoiceId=${first.id}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="360,00"');
  });

  it("proposes the invoice named in the reference first, then the oldest due", async () => {
    const page = await owner.browser.post(
      `/customers/${customerId}/receipts/new`,
      receiptForm({
        intent: "propose",
        amount: "500,00",
        reference: `VIR SYNDIC BELLEVUE FACT ${second.number}`,
        "allocations[0].invoiceId": first.id,
        "allocations[0].amount": "",
        "allocations[1].invoiceId": second.id,
        "allocations[1].amount": "",
      }),
    );
    expect(page.status).toBe(200);
    const shareOf = (id: string) => new RegExp(`id="share-${id}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*id="share-${id}"`).exec(page.html);
    const [firstShare, secondShare] = [shareOf(first.id), shareOf(second.id)];
    expect(secondShare?.[1] ?? secondShare?.[2]).toBe("360,00");
    expect(firstShare?.[1] ?? firstShare?.[2]).toBe("140,00");
    expect(await app.db.customerReceipt.count({ where: { customerId } })).toBe(0);
  });

  it("refuses a share above an invoice's due and records nothing", async () => {
    const page = await owner.browser.post(
      `/customers/${customerId}/receipts/new`,
      receiptForm({ intent: "record", amount: "800", "allocations[0].invoiceId": first.id, "allocations[0].amount": "400" }),
    );
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Le montant affecté dépasse le reste dû de la facture.");
    expect(await app.db.customerReceipt.count({ where: { customerId } })).toBe(0);
  });

  let receiptId: string;
  it("settles two invoices with one transfer and leaves the rest as credit", async () => {
    const recorded = await owner.browser.post(
      `/customers/${customerId}/receipts/new`,
      receiptForm({
        intent: "record",
        amount: "800,00",
        reference: "VIR BELLEVUE NOV",
        "allocations[0].invoiceId": first.id,
        "allocations[0].amount": "360,00",
        "allocations[1].invoiceId": second.id,
        "allocations[1].amount": "360",
      }),
    );
    expect(recorded.status, textOf(recorded.html).slice(0, 400)).toBe(302);
    receiptId = /\/receipts\/([^?]+)/.exec(recorded.location!)![1];
    const page = textOf((await owner.browser.get(recorded.location!)).html);
    expect(page).toContain("Règlement enregistré ; 80,00 € porté au crédit du compte.");
    for (const id of [first.id, second.id]) {
      expect(await invoice(id)).toMatchObject({ status: "paid", amountPaidMinor: 36000, amountDueMinor: 0 });
    }
    const invoicePage = textOf((await owner.browser.get(`/invoices/${first.id}`)).html);
    expect(invoicePage).toContain("Payée");
    expect(invoicePage).toContain("Virement du 20 novembre 2026 : 360,00 €");
  });

  it("shows the balance on the customer list and the movements with a running balance on the customer's page", async () => {
    expect(textOf((await owner.browser.get("/customers")).html)).toContain("80,00 € d'avoir");
    const page = textOf((await owner.browser.get(`/customers/${customerId}`)).html);
    expect(page).toContain(`Facture ${first.number}`);
    expect(page).toContain("Règlement enregistré (Virement)");
    expect(page).toContain("-80,00 €");
    const statement = textOf((await owner.browser.get(`/customers/${customerId}/statement?from=2026-11-21&to=2026-12-31`)).html);
    expect(statement).toContain("Solde reporté au 21 novembre 2026");
  });

  it("is reversed by a counter-entry: the invoices are due again and the history stays", async () => {
    const reversed = await owner.browser.post(`/receipts/${receiptId}`, { reason: "Virement rejeté par la banque" });
    expect(reversed.status, textOf(reversed.html).slice(0, 400)).toBe(302);
    expect(textOf((await owner.browser.get(reversed.location!)).html)).toContain("Virement rejeté par la banque");
    for (const id of [first.id, second.id]) {
      expect(await invoice(id)).toMatchObject({ status: "open", amountPaidMinor: 0, amountDueMinor: 36000 });
    }
    const receipts = await app.db.customerReceipt.findMany({ where: { customerId }, include: { allocations: true }, orderBy: { createdAt: "asc" } });
    expect(receipts.map((r) => [r.kind, r.amountMinor, r.allocations.map((a) => a.amountMinor).sort()])).toEqual([
      ["receipt", 80000, [36000, 36000]],
      ["reversal", 80000, [-36000, -36000]],
    ]);
    expect(receipts[1].reversesId).toBe(receiptId);
    // Twice is refused.
    const again = await owner.browser.post(`/receipts/${receiptId}`, { reason: "encore" });
    expect(again.status).toBe(200);
    expect(await app.db.customerReceipt.count({ where: { customerId } })).toBe(2);
    const page = textOf((await owner.browser.get(`/customers/${customerId}`)).html);
    expect(page).toContain("Règlement contre-passé (Virement)");
    expect(page).toContain("720,00 € dû");
    expect(textOf((await owner.browser.get("/customers")).html)).toContain("720,00 € dû");
  });

  it("is 404 for another organisation on every new route, and 403 for a member who cannot manage payments", async () => {
    const record = `/customers/${customerId}/receipts/new`;
    for (const url of [record, `/customers/${customerId}/statement`, `/receipts/${receiptId}`]) {
      expect((await intruder.get(url)).status, url).toBe(404);
    }
    expect((await intruder.post(record, receiptForm({ intent: "record", amount: "1" }))).status).toBe(404);
    expect((await intruder.post(`/receipts/${receiptId}`, { reason: "x" })).status).toBe(404);

    expect((await member.browser.get(record)).status).toBe(403);
    expect((await member.browser.post(record, receiptForm({ intent: "record", amount: "1" }))).status).toBe(403);
    const second = await owner.browser.post(record, receiptForm({ intent: "record", amount: "10" }));
    const secondId = /\/receipts\/([^?]+)/.exec(second.location!)![1];
    expect((await member.browser.post(`/receipts/${secondId}`, { reason: "x" })).status).toBe(403);
    // A member reads the account but is offered neither action.
    const view = await member.browser.get(`/receipts/${secondId}`);
    expect(view.status).toBe(200);
    expect(textOf(view.html)).not.toContain("Annuler ce règlement");
    expect(textOf((await member.browser.get(`/customers/${customerId}`)).html)).not.toContain("Enregistrer un règlement");
    expect(await app.db.customerReceipt.count({ where: { customerId, kind: "reversal" } })).toBe(1);
  });

  it("never lets two recordings at once take the same due", async () => {
    // The 10,00 € just recorded went to the oldest due, as proposed.
    expect(await invoice(first.id)).toMatchObject({ status: "partially_paid", amountDueMinor: 35000 });
    const post = () =>
      owner.browser.post(
        `/customers/${customerId}/receipts/new`,
        receiptForm({ intent: "record", amount: "350,00", "allocations[0].invoiceId": first.id, "allocations[0].amount": "350,00" }),
      );
    const statuses = (await Promise.all([post(), post()])).map((p) => p.status).sort();
    expect(statuses).toEqual([200, 302]);
    expect(await invoice(first.id)).toMatchObject({ status: "paid", amountPaidMinor: 36000, amountDueMinor: 0 });
  });
});

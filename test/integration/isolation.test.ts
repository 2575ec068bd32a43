import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { createCustomer, createDraftInvoice, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
let intruder: TestBrowser;
let victim: { browser: TestBrowser; organisationId: string };
let customerId: string;
let draftId: string;
let openId: string;
let mandateId: string;

beforeAll(async () => {
  app = await startTestApp();
  victim = await signUpMerchant(app, { organisationName: "Victime SARL" });
  customerId = await createCustomer(victim.browser, { name: "Client de la victime" });
  draftId = await createDraftInvoice(victim.browser, customerId);
  openId = await createDraftInvoice(victim.browser, customerId);
  await victim.browser.post(`/invoices/${openId}`, { intent: "finalise" });
  intruder = (await signUpMerchant(app, { organisationName: "Intrus SAS" })).browser;
  // Issue 15: an active mandate of the victim's customer (as the signing flow leaves it).
  mandateId = (
    await app.db.mandate.create({
      data: {
        organisationId: victim.organisationId,
        customerId,
        reference: "RUM-20261123-ISOLATION0",
        creditorKind: "own_ics",
        creditorIdentifier: "FR13ZZZ437149",
        encryptedIban: "v1.sealed",
        ibanLast4: "0189",
        ibanMasked: "FR76 •••• 0189",
        holderName: "Client de la victime",
        email: "victime@example.fr",
        type: "recurrent",
        status: "active",
        signedAt: new Date(),
      },
    })
  ).id;
});
afterAll(() => app.close());

const invoiceEdit = (id: string) => ({
  customerId,
  currency: "EUR",
  issueDate: "2026-11-01",
  dueDate: "2026-12-01",
  "lines[0].description": "Piraté",
  "lines[0].quantity": "1",
  "lines[0].unitPrice": "1",
  "lines[0].vatRate": "0",
  id,
});

describe("one organisation never sees or touches another's data", () => {
  it.each([
    ["customer page", () => `/customers/${customerId}`],
    ["draft invoice page", () => `/invoices/${draftId}`],
    ["open invoice page", () => `/invoices/${openId}`],
    ["draft edit page", () => `/invoices/${draftId}/edit`],
    ["invoice PDF", () => `/invoices/${openId}/pdf`],
    ["customer's mandate", () => `/customers/${customerId}/mandates/${mandateId}`],
  ])("GET %s of another organisation is a 404", async (_name, path) => {
    const page = await intruder.get(path());
    expect(page.status).toBe(404);
    expect(page.html).not.toContain("Client de la victime");
    expect(textOf(page.html)).toContain("Page introuvable.");
  });

  it.each([
    ["edit customer", () => `/customers/${customerId}`, () => ({ intent: "save", name: "Piraté", locale: "fr" })],
    ["archive customer", () => `/customers/${customerId}`, () => ({ intent: "archive" })],
    ["finalise draft", () => `/invoices/${draftId}`, () => ({ intent: "finalise" })],
    ["delete draft", () => `/invoices/${draftId}`, () => ({ intent: "delete", confirmed: "yes" })],
    ["void invoice", () => `/invoices/${openId}`, () => ({ intent: "void", confirmed: "yes", reason: "x" })],
    ["edit draft", () => `/invoices/${draftId}/edit`, () => invoiceEdit(draftId)],
    ["switch to the organisation", () => "/orgs", () => ({ organisationId: victim.organisationId })],
    ["cancel a mandate", () => `/customers/${customerId}/mandates/${mandateId}`, () => ({ intent: "cancelMandate", confirmed: "yes" })],
  ])("POST %s of another organisation is a 404 and changes nothing", async (_name, path, fields) => {
    const page = await intruder.post(path(), fields());
    expect(page.status).toBe(404);
    const customer = await app.db.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(customer).toMatchObject({ name: "Client de la victime", archivedAt: null });
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: draftId } })).toMatchObject({ status: "draft", totalMinor: 36000 });
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: openId } })).toMatchObject({ status: "open" });
    expect(await app.db.mandate.findUniqueOrThrow({ where: { id: mandateId } })).toMatchObject({ status: "active" });
  });

  it("cannot reach another organisation's mandate through one of its own customers either", async () => {
    const ownCustomer = await createCustomer(intruder, { name: "Client de l'intrus" });
    expect((await intruder.get(`/customers/${ownCustomer}/mandates/${mandateId}`)).status).toBe(404);
    expect((await intruder.post(`/customers/${ownCustomer}/mandates/${mandateId}`, { intent: "cancelMandate", confirmed: "yes" })).status).toBe(404);
    expect(textOf((await intruder.get(`/customers/${ownCustomer}`)).html)).not.toContain("RUM-20261123-ISOLATION0");
    expect(await app.db.mandate.findUniqueOrThrow({ where: { id: mandateId } })).toMatchObject({ status: "active" });
  });

  it("cannot invoice another organisation's customer", async () => {
    const page = await intruder.post("/invoices/new", invoiceEdit(""));
    expect(page.status).toBe(200);
    expect(await app.db.invoice.count({ where: { customerId, organisation: { legalName: "Intrus SAS" } } })).toBe(0);
  });

  it("lists only its own customers and invoices, even when filtering by another's customer id", async () => {
    const customers = await intruder.get("/customers");
    expect(customers.html).not.toContain("Client de la victime");
    const invoices = await intruder.get(`/invoices?customerId=${customerId}`);
    expect(invoices.status).toBe(200);
    expect(invoices.html).not.toContain(openId);
  });
});

describe("malformed or unknown ids are a 404, never a 500", () => {
  it.each([
    "/customers/does-not-exist",
    "/customers/%00",
    "/customers/' OR 1=1 --",
    `/customers/${"x".repeat(5000)}`,
    "/invoices/..%2F..%2Fetc%2Fpasswd",
    "/invoices/%E0%A4%A",
    "/invoices/nope/pdf",
    "/invoices/nope/edit",
    "/reset-password/not-a-token",
    "/mailbox/unknown",
    "/no/such/page",
  ])("GET %s", async (path) => {
    const page = await victim.browser.get(path.replace(/ /g, "%20"));
    expect([200, 404]).toContain(page.status);
    if (!path.startsWith("/reset-password")) expect(page.status).toBe(404);
  });

  it.each(["/customers/nope", "/invoices/nope", "/invoices/nope/edit", "/no/such/page"])("POST %s", async (path) => {
    const page = await victim.browser.post(path, { intent: "finalise" });
    expect(page.status).toBe(404);
  });
});

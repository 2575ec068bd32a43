import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { openSpace } from "../helpers/customer-space";
import { createCustomer, createDraftInvoice, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
let intruder: TestBrowser;
let victim: { browser: TestBrowser; organisationId: string };
let intruderOrg: string;
let customerId: string;
let draftId: string;
let openId: string;
let creditedId: string;
let creditNoteId: string;
let mandateId: string;
let importFileId: string;
let importLineId: string;
let debitFileId: string;

beforeAll(async () => {
  app = await startTestApp();
  victim = await signUpMerchant(app, { organisationName: "Victime SARL" });
  customerId = await createCustomer(victim.browser, { name: "Client de la victime" });
  draftId = await createDraftInvoice(victim.browser, customerId);
  openId = await createDraftInvoice(victim.browser, customerId);
  await victim.browser.post(`/invoices/${openId}`, { intent: "finalise" });
  const intruderMerchant = await signUpMerchant(app, { organisationName: "Intrus SAS" });
  intruder = intruderMerchant.browser;
  intruderOrg = intruderMerchant.organisationId;
  // Issue 14: an invoice with a credit note (for some of it, so more can be issued).
  creditedId = await createDraftInvoice(victim.browser, customerId);
  await victim.browser.post(`/invoices/${creditedId}`, { intent: "finalise" });
  await victim.browser.post(`/invoices/${creditedId}/credit-notes/new`, { kind: "amount", reason: "Geste", amount: "10,00" });
  creditNoteId = (await app.db.creditNote.findFirstOrThrow({ where: { invoiceId: creditedId } })).id;
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
  // Issue 16: an imported file with a line waiting for a choice, and a generated debit file.
  const imported = await app.db.importFile.create({
    data: {
      organisationId: victim.organisationId,
      kind: "csv",
      fileName: "victime.csv",
      sha256: "0".repeat(64),
      sizeBytes: 1,
      sealedContent: "v1.sealed",
      uploadedById: (await app.db.membership.findFirstOrThrow({ where: { organisationId: victim.organisationId } })).userId,
      lines: {
        create: {
          organisationId: victim.organisationId,
          lineNo: 1,
          kind: "credit",
          bookedOn: new Date(),
          amountMinor: 1000,
          currency: "EUR",
          reference: "Virement victime",
          status: "manual",
        },
      },
    },
    include: { lines: true },
  });
  importFileId = imported.id;
  importLineId = imported.lines[0].id;
  debitFileId = (
    await app.db.debitFile.create({
      data: {
        organisationId: victim.organisationId,
        messageId: "DF-ISOLATION-1",
        format: "pain.008.001.02",
        sealedXml: "v1.sealed",
        sha256: "0".repeat(64),
        transactionCount: 1,
        controlSumMinor: 1000,
        currency: "EUR",
        createdById: imported.uploadedById,
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
    ["customer statement", () => `/customers/${customerId}/statement`],
    ["customer statement PDF", () => `/customers/${customerId}/statement/pdf`],
    ["customer space access", () => `/customers/${customerId}/space`],
    ["new credit note form", () => `/invoices/${openId}/credit-notes/new`],
    ["credit note page", () => `/credit-notes/${creditNoteId}`],
    ["credit note PDF", () => `/credit-notes/${creditNoteId}/pdf`],
    ["customer's mandate", () => `/customers/${customerId}/mandates/${mandateId}`],
    ["imported file", () => `/imports/${importFileId}`],
    ["imported file's archive", () => `/imports/${importFileId}/file`],
    ["debit file download", () => `/debit-files/${debitFileId}`],
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
    ["issue a credit note", () => `/invoices/${openId}/credit-notes/new`, () => ({ kind: "full", reason: "x" })],
    ["send a credit note", () => `/credit-notes/${creditNoteId}`, () => ({ intent: "send", sendKey: "x" })],
    ["refund a credit note", () => `/credit-notes/${creditNoteId}`, () => ({ intent: "refund", confirmed: "yes" })],
    ["edit draft", () => `/invoices/${draftId}/edit`, () => invoiceEdit(draftId)],
    ["switch to the organisation", () => "/orgs", () => ({ organisationId: victim.organisationId })],
    ["invite the customer to their space", () => `/customers/${customerId}/space`, () => ({ intent: "invite" })],
    [
      "give the customer a temporary password",
      () => `/customers/${customerId}/space`,
      () => ({ intent: "temporary", password: "pirate 123456", confirm: "pirate 123456" }),
    ],
    ["print the customer's access letter", () => `/customers/${customerId}/space/letter`, () => ({})],
    ["cancel a mandate", () => `/customers/${customerId}/mandates/${mandateId}`, () => ({ intent: "cancelMandate", confirmed: "yes" })],
    ["confirm an imported file", () => `/imports/${importFileId}`, () => ({ intent: "confirm" })],
    ["assign an imported line", () => `/imports/${importFileId}`, () => ({ intent: "assign", lineId: importLineId, customerId })],
  ])("POST %s of another organisation is a 404 and changes nothing", async (_name, path, fields) => {
    const page = await intruder.post(path(), fields());
    expect(page.status).toBe(404);
    const customer = await app.db.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(customer).toMatchObject({ name: "Client de la victime", archivedAt: null });
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: draftId } })).toMatchObject({ status: "draft", totalMinor: 36000 });
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: openId } })).toMatchObject({ status: "open" });
    expect(await app.db.customerAccess.count({ where: { customerId } })).toBe(0);
    expect(await app.db.creditNote.count({ where: { invoiceId: openId } })).toBe(0);
    expect(await app.db.outboxEmail.count({ where: { invoiceId: creditedId } })).toBe(0);
    expect(await app.db.creditNoteAllocation.count({ where: { creditNoteId } })).toBe(1);
    expect(await app.db.mandate.findUniqueOrThrow({ where: { id: mandateId } })).toMatchObject({ status: "active" });
    expect(await app.db.importLine.findUniqueOrThrow({ where: { id: importLineId } })).toMatchObject({ status: "manual", customerId: null });
  });

  it("cannot assign its own imported line to another organisation's customer", async () => {
    const own = await app.db.importFile.create({
      data: {
        organisationId: intruderOrg,
        kind: "csv",
        fileName: "intrus.csv",
        sha256: "1".repeat(64),
        sizeBytes: 1,
        sealedContent: "v1.sealed",
        uploadedById: (await app.db.membership.findFirstOrThrow({ where: { organisationId: intruderOrg } })).userId,
        lines: { create: { organisationId: intruderOrg, lineNo: 1, kind: "credit", bookedOn: new Date(), amountMinor: 5, currency: "EUR", status: "manual" } },
      },
      include: { lines: true },
    });
    const page = await intruder.post(`/imports/${own.id}`, { intent: "assign", lineId: own.lines[0].id, customerId });
    expect(textOf(page.html)).toContain("Cette ligne ne peut plus être attribuée.");
    expect(await app.db.importLine.findUniqueOrThrow({ where: { id: own.lines[0].id } })).toMatchObject({ customerId: null });
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
    "/invoices/nope/credit-notes/new",
    "/credit-notes/nope",
    "/credit-notes/nope/pdf",
    "/imports/nope",
    "/imports/nope/file",
    "/debit-files/nope",
    "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/credit-notes/nope/pdf",
    "/reset-password/not-a-token",
    "/mailbox/unknown",
    "/no/such/page",
  ])("GET %s", async (path) => {
    const page = await victim.browser.get(path.replace(/ /g, "%20"));
    expect([200, 404]).toContain(page.status);
    if (!path.startsWith("/reset-password")) expect(page.status).toBe(404);
  });

  it.each(["/customers/nope", "/invoices/nope", "/invoices/nope/edit", "/invoices/nope/credit-notes/new", "/credit-notes/nope", "/no/such/page"])(
    "POST %s",
    async (path) => {
      const page = await victim.browser.post(path, { intent: "finalise" });
      expect(page.status).toBe(404);
    },
  );
});

/**
 * The customer space (issue 14): a customer sees only their own account at that merchant. Another
 * customer, of the same merchant or of another, gets a 404 on every id-taking route; a merchant's
 * session opens no customer page and a customer's session no merchant page.
 */
describe("the customer space is each customer's own", () => {
  let victimCustomer: TestBrowser;
  let neighbour: TestBrowser; // another customer of the same merchant
  let stranger: TestBrowser; // a customer of another merchant
  let neighbourInvoice = "";

  beforeAll(async () => {
    await app.db.customer.update({ where: { id: customerId }, data: { email: "victime@example.fr" } });
    victimCustomer = await openSpace(app, victim.browser, victim.organisationId, customerId, "victime@example.fr");
    const neighbourId = await createCustomer(victim.browser, { name: "Voisin", email: "voisin@example.fr" });
    neighbourInvoice = await createDraftInvoice(victim.browser, neighbourId);
    await victim.browser.post(`/invoices/${neighbourInvoice}`, { intent: "finalise" });
    neighbour = await openSpace(app, victim.browser, victim.organisationId, neighbourId, "voisin@example.fr");
    const strangerId = await createCustomer(intruder, { name: "Étranger", email: "victime@example.fr" });
    stranger = await openSpace(app, intruder, intruderOrg, strangerId, "victime@example.fr");
  });

  const space =
    (org: () => string, rest = "") =>
    () =>
      `/espace/${org()}${rest}`;
  const victimOrg = () => victim.organisationId;
  const strangerOrg = () => intruderOrg;

  it("its owner opens their own pages", async () => {
    for (const path of ["/compte", "/releve", "/factures", "/paiements", "/payer", `/factures/${openId}/pdf`, "/releve/pdf", `/avoirs/${creditNoteId}/pdf`]) {
      expect((await victimCustomer.get(`/espace/${victimOrg()}${path}`)).status, path).toBe(200);
    }
    const invoices = textOf((await victimCustomer.get(`/espace/${victimOrg()}/factures`)).html);
    expect(invoices).not.toContain("Voisin");
    expect(invoices).toContain("Mes avoirs");
  });

  it.each([
    ["another customer of the same merchant: an invoice PDF", () => neighbour, space(victimOrg, `/factures/${openId}/pdf`)],
    ["another customer of the same merchant: a draft's PDF", () => neighbour, space(victimOrg, `/factures/${draftId}/pdf`)],
    ["another customer of the same merchant: a credit note's PDF", () => neighbour, space(victimOrg, `/avoirs/${creditNoteId}/pdf`)],
    ["a customer of another merchant: a credit note's PDF through their own space", () => stranger, space(strangerOrg, `/avoirs/${creditNoteId}/pdf`)],
    ["its owner: a draft's PDF (a draft is not the customer's yet)", () => victimCustomer, space(victimOrg, `/factures/${draftId}/pdf`)],
    ["its owner: the neighbour's invoice PDF", () => victimCustomer, space(victimOrg, `/factures/${neighbourInvoice}/pdf`)],
    ["a customer of another merchant, through their own space", () => stranger, space(strangerOrg, `/factures/${openId}/pdf`)],
    ["anyone: an unknown space", () => stranger, () => "/espace/nope"],
    ["anyone: an unknown space's login", () => stranger, () => "/espace/nope/connexion"],
    ["anyone: an unknown space's invoice", () => stranger, () => `/espace/nope/factures/${openId}/pdf`],
    ["anyone: an unknown space's statement PDF", () => stranger, () => "/espace/nope/releve/pdf"],
    ["anyone: a malformed invoice id", () => victimCustomer, space(victimOrg, `/factures/${"x".repeat(500)}/pdf`)],
  ])("%s is a 404", async (_name, who, path) => {
    const page = await who().get(path());
    expect(page.status).toBe(404);
    expect(page.html).not.toContain("Client de la victime");
  });

  it.each([
    ["a customer of another merchant (same email)", () => stranger],
    ["the merchant itself, with its own session", () => victim.browser],
  ])("%s is sent to the space's login on every page", async (_name, who) => {
    for (const path of [
      "/compte",
      "/releve",
      "/factures",
      "/paiements",
      "/payer",
      "/mot-de-passe",
      `/factures/${openId}/pdf`,
      "/releve/pdf",
      `/avoirs/${creditNoteId}/pdf`,
    ]) {
      const page = await who().get(`/espace/${victimOrg()}${path}`);
      expect(page.status, path).toBe(302);
      expect(page.location, path).toContain(`/espace/${victimOrg()}/connexion`);
    }
  });

  it("a customer's session opens no merchant page", async () => {
    const fresh = app.browser();
    await fresh.post(`/espace/${victimOrg()}/connexion`, { email: "victime@example.fr", password: "mon mot de passe client" });
    for (const path of ["/customers", `/customers/${customerId}`, `/invoices/${openId}`, `/invoices/${openId}/pdf`, `/customers/${customerId}/statement/pdf`]) {
      const page = await fresh.get(path);
      expect(page.status, path).toBe(302);
      expect(page.location, path).toMatch(/^\/login/);
    }
  });
});

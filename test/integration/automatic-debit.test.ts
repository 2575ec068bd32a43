/**
 * Issue 15, the rest: automatic debit (docs/decisions/0020-automatic-debit.md). Once a customer has an
 * active recurrent mandate, each invoice is collected at its due date after the pre-notification; the
 * nightly job runs with a fixed clock (twice: nothing twice); own-ICS requests wait for the debit file,
 * GoCardless's are created through the SDK; three monthly debits; the customer space's « Prélèvement »;
 * no « Payer votre solde » and no way back; the merchant's lists, each organisation its own.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionPlan, gocardlessSubmitOn, isoDay } from "~/domain/debits/calendar";
import { runAutomaticDebits } from "~/domain/debits/job";
import { spreadPlan } from "~/domain/debits/plans";
import { debitFileXml } from "~/domain/debit-files/service";
import { syncDraftJournal } from "~/domain/journal/draft";
import { validateAgainstXsd } from "../helpers/xsd";
import { debitsForFile, markDebitsInFile, parisToday } from "~/domain/debits/service";
import { createLogger } from "~/lib/logger.server";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { openSpace } from "../helpers/customer-space";
import { createCustomer, createDraftInvoice, joinOrganisation, organisationProfile, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { gcEvent, gocardlessBody, postWebhook } from "../mocks/webhooks";
import { fulfilBillingRequest } from "../../integrations/sandbox/gocardless-payments";

const mocks = useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const IBAN = "FR7630006000011234567890189";
const ICS = "FR13ZZZ437149";
const silent = createLogger("silent", new Writable({ write: (_c, _e, done) => done() }));
const job = (now: Date) =>
  runAutomaticDebits({ db: app.db, gocardless: app.providers.gocardless, encryptionKey: app.config.ENCRYPTION_KEY, log: silent, appUrl: app.baseUrl }, now);
/** 02:00 in Paris on that day (winter time: 01:00 UTC), when the worker runs the job. */
const night = (day: Date) => new Date(`${isoDay(day)}T01:00:00.000Z`);
const today = () => parisToday(new Date());

type Merchant = Awaited<ReturnType<typeof sentInvoice>>;

async function ownIcsMerchant(): Promise<Merchant> {
  const merchant = await sentInvoice(app, { providers: [] });
  const saved = await merchant.browser.post("/settings/organisation", { ...organisationProfile, sepaCreditor: "own_ics", creditorIdentifier: ICS });
  expect(saved.status).toBe(200);
  return merchant;
}

async function startMandate(customer: TestBrowser, formUrl: string, fields: Record<string, string> = {}) {
  const page = await customer.post(formUrl, { iban: IBAN, bic: "", holderName: "Lucie Moreau", email: "lucie@example.fr", type: "recurrent", ...fields });
  expect(page.status, textOf(page.html).slice(0, 400)).toBe(303);
  return { mandateId: page.location!.split("/").pop()!, url: page.location! };
}

/** Asks for a code by email, reads it in the local mailbox and types it: the mandate is signed (or off to GoCardless). */
async function sign(customer: TestBrowser, url: string) {
  const sent = await customer.post(url, { intent: "send", consent: "on", channel: "email" });
  expect(sent.status, textOf(sent.html).slice(0, 400)).toBe(200);
  const code = /\b(\d{6})\b/.exec((await app.lastEmailTo("lucie@example.fr", /code/i)).text)![1];
  const signed = await customer.post(url, { intent: "verify", code });
  expect(signed.status, textOf(signed.html).slice(0, 400)).toBe(303);
  return signed;
}

/** A recurrent mandate through GoCardless's flow: the code, GoCardless's page, its `fulfilled` event. */
async function signWithGoCardless(m: Merchant, fields: Record<string, string> = {}) {
  const gcAccount = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "gocardless" } })).accountId;
  const customer = app.browser();
  const { mandateId, url } = await startMandate(customer, `${m.link}/mandate`, fields);
  const toFlow = await sign(customer, url);
  const { billingRequest, mandateId: gcMandate } = fulfilBillingRequest(toFlow.location!.split("/").pop()!)!;
  await postWebhook(
    app,
    "gocardless",
    gocardlessBody([
      gcEvent("billing_requests", "fulfilled", { billing_request: billingRequest.id, mandate_request_mandate: gcMandate, organisation: gcAccount }),
    ]),
  );
  await app.processWebhooks();
  return { customer, mandateId, url, gcMandate, gcAccount };
}

describe("automatic debit, own SEPA creditor (ICS)", () => {
  let m: Merchant;
  let mandateId: string;
  let customer: TestBrowser;
  beforeAll(async () => {
    m = await ownIcsMerchant();
    customer = app.browser();
    const started = await startMandate(customer, `${m.link}/mandate`);
    mandateId = started.mandateId;
    await sign(customer, started.url);
  });

  it("collects each invoice at its due date after the notice, tells the customer once, and leaves it ready for the debit file", async () => {
    const mandate = await app.db.mandate.findUniqueOrThrow({ where: { id: mandateId } });
    expect(mandate).toMatchObject({ status: "active", type: "recurrent" });
    // The invoice due when the mandate was signed: at the earliest date the 14-day notice allows (its due date is closer).
    const first = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId: m.invoiceId } });
    const plan = collectionPlan({ dueDate: new Date("2026-12-01T00:00:00Z"), today: today(), creditor: "own_ics", noticeDays: 14 });
    expect(first).toMatchObject({ mandateId, kind: "invoice", creditorKind: "own_ics", amountMinor: 36000, status: "scheduled", sequenceType: "FRST" });
    expect(isoDay(first.collectionDate)).toBe(isoDay(plan.collectionDate));
    expect(isoDay(first.notifyOn)).toBe(isoDay(plan.notifyOn));

    // An invoice finalised now is collected at its own due date, the notice 14 days before.
    const invoiceId = await createDraftInvoice(m.browser, m.customerId, { issueDate: "2026-11-20", dueDate: "2027-02-15" });
    expect((await m.browser.post(`/invoices/${invoiceId}`, { intent: "finalise" })).status).toBeLessThan(400);
    const second = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId } });
    expect(second).toMatchObject({ status: "scheduled", sequenceType: "RCUR", amountMinor: 36000 });
    expect([isoDay(second.collectionDate), isoDay(second.notifyOn)]).toEqual(["2027-02-15", "2027-02-01"]);

    // The nightly job on the notice day, twice: the first is notified once; the second waits for its own day.
    // (The job runs for every organisation: each test checks its own requests.)
    expect(await job(night(first.notifyOn))).toMatchObject({ failed: 0 });
    expect((await app.db.debitRequest.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("notified");
    expect(await job(night(first.notifyOn))).toMatchObject({ failed: 0 });
    expect(await app.db.outboxEmail.count({ where: { organisationId: m.organisationId, kind: "debit_notice" } })).toBe(1);
    const notice = await app.lastEmailTo("lucie@example.fr", /Prélèvement SEPA le/);
    const { number } = await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } });
    for (const mention of ["360,00", mandate.reference, ICS, mandate.ibanMasked, number!]) {
      expect(notice.text, mention).toContain(mention);
    }
    expect((await app.db.debitRequest.findUniqueOrThrow({ where: { id: second.id } })).status).toBe("scheduled");

    // Ready for the debit file (the journal's): notified, with the debtor's IBAN, BIC, RUM, signature date and sequence.
    const ready = await debitsForFile(app.db, app.config.ENCRYPTION_KEY, m.organisationId, new Date("2027-12-31T00:00:00Z"));
    expect(ready.map((r) => r.id)).toEqual([first.id]);
    expect(ready[0]).toMatchObject({
      sequenceType: "FRST",
      amountMinor: 36000,
      mandate: { iban: IBAN, bic: "AGRIFRPPXXX", reference: mandate.reference, creditorIdentifier: ICS },
    });
    expect(ready[0].mandate.signedAt).toEqual(mandate.signedAt);
    expect(await app.db.$transaction((tx) => markDebitsInFile(tx, m.organisationId, [first.id], "FILE-1", new Date()))).toBe(1);
    expect(await app.db.$transaction((tx) => markDebitsInFile(tx, m.organisationId, [first.id], "FILE-2", new Date()))).toBe(0);
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "submitted", submittedInFileId: "FILE-1" });
    expect(await debitsForFile(app.db, app.config.ENCRYPTION_KEY, m.organisationId, new Date("2027-12-31T00:00:00Z"))).toEqual([]);
    const history = await app.db.debitRequestEvent.findMany({ where: { debitRequestId: first.id }, orderBy: { createdAt: "asc" } });
    expect(history.map((e) => e.status)).toEqual(["scheduled", "notified", "submitted"]);
    await expect(app.db.debitRequestEvent.update({ where: { id: history[0].id }, data: { note: "changed" } })).rejects.toThrow();

    // The second invoice's notice on its day.
    await job(night(second.notifyOn));
    expect((await app.db.debitRequest.findUniqueOrThrow({ where: { id: second.id } })).status).toBe("notified");
  });

  it("has no way back from automatic, and hides « Payer votre solde » in the space (the pay tab says so too)", async () => {
    const form = await customer.get(`${m.link}/mandate`);
    expect(form.html).not.toContain('value="one_off"');
    const refused = await customer.post(`${m.link}/mandate`, { iban: IBAN, bic: "", holderName: "Lucie Moreau", email: "lucie@example.fr", type: "one_off" });
    expect(textOf(refused.html)).toContain("le retour au prélèvement ponctuel n'est pas possible");

    const payTab = await app.browser().get(m.link);
    expect(payTab.html).toContain('data-testid="automatic-debit"');
    expect(textOf(payTab.html)).toContain("prélevée automatiquement");
    expect(payTab.html).not.toContain('id="pay-form"');

    const space = await openSpace(app, m.browser, m.organisationId, m.customerId, "lucie@example.fr");
    const home = await space.get(`/espace/${m.organisationId}/compte`);
    expect(home.html).not.toContain('data-testid="pay-balance"');
    expect(textOf(home.html)).toContain("votre solde est prélevé automatiquement");
    expect(textOf(home.html)).toContain("Prochains prélèvements");
    expect(home.html).toContain(`/espace/${m.organisationId}/prelevement`); // in the navigation
    const pay = await space.post(`/espace/${m.organisationId}/payer`, { currency: "EUR", provider: "gocardless", amount: "" });
    expect(textOf(pay.html)).toContain("votre solde est prélevé automatiquement");
    expect(await app.db.checkoutAttempt.count({ where: { organisationId: m.organisationId } })).toBe(0);
  });

  it("shows the merchant the upcoming collections on the customer page and in /collections, filterable, its own only", async () => {
    const customerPage = textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(customerPage).toContain("Prochains prélèvements");
    expect(customerPage).toContain("360,00");
    const list = await m.browser.get("/collections");
    expect(list.status).toBe(200);
    expect(list.html).toContain(`/customers/${m.customerId}`);
    expect((list.html.match(/data-testid="debit"/g) ?? []).length).toBe(2);
    const submitted = await m.browser.get("/collections?status=submitted");
    expect((submitted.html.match(/data-testid="debit"/g) ?? []).length).toBe(1);
    expect((await m.browser.get("/collections?status=cancelled")).html).not.toContain('data-testid="debit"');

    const other = await ownIcsMerchant();
    const theirs = await other.browser.get("/collections?status=all");
    expect(theirs.html).not.toContain(m.customerId);
    expect((await other.browser.get(`/customers/${m.customerId}`)).status).toBe(404);
  });

  it("cancels what a cancelled mandate had still to collect", async () => {
    expect((await m.browser.post(`/customers/${m.customerId}/mandates/${mandateId}`, { intent: "cancelMandate", confirmed: "yes" })).status).toBe(302);
    const left = await app.db.debitRequest.findMany({ where: { mandateId }, orderBy: { collectionDate: "asc" } });
    // The one in a debit file stays submitted; the other is cancelled.
    expect(left.map((r) => r.status)).toEqual(["submitted", "cancelled"]);
  });
});

describe("the own creditor's debit file", () => {
  it("the merchant puts the notified debits in a pain.008 file from /debit-files, once", async () => {
    const m = await ownIcsMerchant();
    const customer = app.browser();
    const started = await startMandate(customer, `${m.link}/mandate`);
    await sign(customer, started.url);
    const planned = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId: m.invoiceId } });
    await job(night(planned.notifyOn));
    const notified = await app.db.debitRequest.findMany({ where: { organisationId: m.organisationId, status: "notified" } });
    expect(notified).toHaveLength(1);
    const page = textOf((await m.browser.get("/debit-files")).html);
    expect(page).toContain("Prélèvements à émettre");
    expect(page).not.toContain(IBAN);
    // The creditor's own account is needed first.
    const refused = await m.browser.post("/debit-files", { intent: "file", requestIds: [notified[0].id] });
    expect(textOf(refused.html)).toContain("Indiquez l'IBAN et l'identifiant créancier SEPA (ICS) de l'organisation");
    await app.db.organisation.update({ where: { id: m.organisationId }, data: { iban: "FR1420041010050500013M02606", bic: "PSSTFRPPXXX" } });
    const made = await m.browser.post("/debit-files", { intent: "file", requestIds: [notified[0].id] });
    expect(textOf(made.html)).toContain("Fichier de prélèvement généré");
    const request = await app.db.debitRequest.findUniqueOrThrow({ where: { id: notified[0].id } });
    expect(request.status).toBe("submitted");
    const file = await app.db.debitFile.findFirstOrThrow({ where: { organisationId: m.organisationId } });
    expect(request.submittedInFileId).toBe(file.id);
    const xml = (await debitFileXml({ db: app.db, encryptionKey: app.config.ENCRYPTION_KEY }, m.organisationId, file.id))!.xml;
    expect(await validateAgainstXsd(xml, "pain.008.001.02.xsd")).toEqual({ valid: true, errors: [] });
    expect(xml).toContain(IBAN);
    expect(xml).toContain("<SeqTp>FRST</SeqTp>");
    // Never in a second file: not offered again, and a crafted post files nothing.
    expect(textOf((await m.browser.get("/debit-files")).html)).toContain("Aucun prélèvement à émettre");
    const again = await m.browser.post("/debit-files", { intent: "file", requestIds: [notified[0].id] });
    expect(textOf(again.html)).toContain("Aucun des prélèvements choisis n'est prêt");
    expect(await app.db.debitFile.count({ where: { organisationId: m.organisationId } })).toBe(1);
  });
});

/** An own-ICS merchant with its bank account set (needed for a debit file) whose customer signed a recurrent mandate. */
async function fileReadyMerchant() {
  const m = await ownIcsMerchant();
  await app.db.organisation.update({ where: { id: m.organisationId }, data: { iban: "FR1420041010050500013M02606", bic: "PSSTFRPPXXX" } });
  const customer = app.browser();
  await sign(customer, (await startMandate(customer, `${m.link}/mandate`)).url);
  return m;
}

/** A camt.053 statement with these entries (the bank's account statement of the creditor). */
const statement = (entries: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>S-${Math.random()}</MsgId><CreDtTm>2026-12-20T06:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></Acct>${entries}</Stmt></BkToCstmrStmt></Document>`;

describe("what becomes of a debit in a file (issue 16)", () => {
  it("is collected on its date once, a bank return reverses it and reopens the invoice, a reject entered by hand fails it; the batch credit is not counted twice", async () => {
    const m = await fileReadyMerchant();
    const secondInvoiceId = await createDraftInvoice(m.browser, m.customerId, { issueDate: "2026-11-20", dueDate: "2027-01-15" });
    expect((await m.browser.post(`/invoices/${secondInvoiceId}`, { intent: "finalise" })).status).toBeLessThan(400);
    const requests = await app.db.debitRequest.findMany({ where: { organisationId: m.organisationId }, orderBy: { collectionDate: "asc" } });
    expect(requests.map((r) => r.invoiceId)).toEqual([m.invoiceId, secondInvoiceId]);
    const [first, second] = requests;
    for (const r of requests) await job(night(r.notifyOn));
    // The books' contact (the owner here) hears of each debit once it is ready for a file, once.
    await job(night(second.notifyOn));
    const ready = await app.db.notification.findMany({ where: { organisationId: m.organisationId, kind: "debits_ready" } });
    expect(ready.map((n) => JSON.parse(n.data).count)).toEqual([1, 1]);
    const told = await app.lastEmailTo(m.email, /prélèvement\(s\) à émettre/);
    expect(told.text).toContain("360,00");
    expect(told.text).toContain("/debit-files");
    expect(textOf((await m.browser.get("/notifications")).html)).toContain("1 prélèvement(s) à émettre : 360,00");
    const made = await m.browser.post("/debit-files", { intent: "file", requestIds: [first.id, second.id] });
    expect(textOf(made.html)).toContain("Fichier de prélèvement généré");
    const file = await app.db.debitFile.findFirstOrThrow({ where: { organisationId: m.organisationId } });

    // Greyed on the page: in the file, with its status, never selectable again.
    const page = (await m.browser.get("/debit-files")).html;
    expect(textOf(page)).toContain("Aucun prélèvement à émettre");
    const filed = /data-testid="debits-filed"[\s\S]*?<\/table>/.exec(page)![0];
    expect(filed.match(/<input type="checkbox" disabled/g)).toHaveLength(2);
    expect(textOf(filed)).toContain(file.messageId);
    expect(textOf(filed)).toContain("Transmis");

    // The day before its date nothing is collected; on its date it is, once however often the job runs.
    const dayBefore = new Date(first.collectionDate.getTime() - 86_400_000);
    expect(await job(night(dayBefore))).toMatchObject({ collected: 0 });
    await job(night(first.collectionDate));
    await job(night(first.collectionDate));
    const receipts = await app.db.customerReceipt.findMany({ where: { organisationId: m.organisationId }, include: { allocations: true } });
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ debitRequestId: first.id, method: "direct_debit", origin: "debit_file", kind: "receipt", amountMinor: 36000 });
    expect(receipts[0].receivedOn).toEqual(first.collectionDate);
    expect(receipts[0].allocations.map((a) => [a.invoiceId, a.amountMinor])).toEqual([[m.invoiceId, 36000]]);
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).toMatchObject({ status: "paid", amountDueMinor: 0 });
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "paid" });
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ status: "submitted" });

    // Not reversed by hand as if it were a transfer: the bank's return does it, and fails the request with it.
    const byHand = await m.browser.post(`/receipts/${receipts[0].id}`, { reason: "erreur" });
    expect(textOf(byHand.html)).toContain("un rejet de la banque se signale depuis les fichiers de prélèvement");
    expect(await app.db.customerReceipt.count({ where: { organisationId: m.organisationId } })).toBe(1);

    // The bank statement: the file credited as one batch (already counted: ignored), then the first debit returned.
    const batch = `<Ntry><Amt Ccy="EUR">720.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${isoDay(first.collectionDate)}</Dt></BookgDt><AddtlNtryInf>REMISE PRLV SEPA ${file.messageId}.0</AddtlNtryInf></Ntry>`;
    const returned = `<Ntry><Amt Ccy="EUR">360.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${isoDay(first.collectionDate)}</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>${first.id}</EndToEndId></Refs><RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>`;
    const imported = await m.browser.upload(
      "/imports",
      { intent: "upload" },
      { file: { name: "releve.xml", bytes: new TextEncoder().encode(statement(batch + returned)) } },
    );
    expect(imported.status, textOf(imported.html).slice(0, 300)).toBe(302);
    const importId = imported.location!.split("/")[2].split("?")[0];
    const lines = await app.db.importLine.findMany({ where: { importFileId: importId }, orderBy: { lineNo: "asc" } });
    expect(lines.map((l) => [l.kind, l.amountMinor, l.matchedBy, l.status])).toEqual([
      ["credit", 72000, "debit_file", "ignored"],
      ["return", 36000, "debit_request", "pending"],
    ]);
    const done = textOf((await m.browser.post(`/imports/${importId}`, { intent: "confirm" })).html);
    expect(done).toContain("0 règlement(s) enregistré(s), 1 rejet(s) contre-passé(s)");
    const reversal = await app.db.customerReceipt.findFirstOrThrow({ where: { reversesId: receipts[0].id } });
    expect(reversal).toMatchObject({ kind: "reversal", origin: "debit_file", importLineId: lines[1].id, amountMinor: 36000 });
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).toMatchObject({ status: "open", amountDueMinor: 36000 });
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "failed", failureReason: "AM04" });
    // The invoice says it was a bank return, and why; so does the journal (below).
    expect(textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html)).toContain("Rejet bancaire du");
    // Both sides told once, with the reason in words.
    const toCustomer = await app.lastEmailTo("lucie@example.fr", /prélèvement a été rejeté/);
    expect(toCustomer.text).toContain("AM04 — provision insuffisante");
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "debit_returned" } })).toBe(1);
    expect(await app.db.outboxEmail.count({ where: { organisationId: m.organisationId, kind: { startsWith: "debit_returned" } } })).toBe(2);
    // Collecting again changes nothing: the request is failed, its receipt reversed.
    await job(night(first.collectionDate));
    expect(await app.db.customerReceipt.count({ where: { organisationId: m.organisationId } })).toBe(2);

    // The second debit, rejected before its date (the bank's notice, entered by hand by the accountant):
    // failed, nothing to reverse, never collected. Another organisation cannot touch it.
    const stranger = await ownIcsMerchant();
    expect((await stranger.browser.post("/debit-files", { intent: "return", requestId: second.id, reason: "MS02" })).status).toBe(404);
    const accountant = await signUpMerchant(app, { organisationName: "Cabinet comptable" });
    await joinOrganisation(m, accountant, "accountant");
    const rejected = await accountant.browser.post("/debit-files", { intent: "return", requestId: second.id, reason: "MS02" });
    expect(textOf(rejected.html)).toContain("Rejet enregistré");
    const again = await m.browser.post("/debit-files", { intent: "return", requestId: second.id, reason: "MS02" });
    expect(textOf(again.html)).toContain("déjà enregistré comme rejeté");
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ status: "failed", failureReason: "MS02" });
    await job(night(second.collectionDate));
    expect(await app.db.customerReceipt.count({ where: { organisationId: m.organisationId } })).toBe(2);
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: secondInvoiceId } })).toMatchObject({ status: "open" });

    // The draft journal: the debit collected and its return, from the debit file.
    await syncDraftJournal(app.db, m.organisationId);
    const journal = await app.db.cashReceiptLine.findMany({ where: { organisationId: m.organisationId }, orderBy: { amountMinor: "desc" } });
    expect(journal.map((l) => [l.origin, l.method, l.amountMinor, l.label.split(" ").slice(0, 2).join(" ")])).toEqual([
      ["debit_file", "direct_debit", 36000, "Règlement Lucie"],
      ["debit_file", "direct_debit", -36000, "Rejet bancaire"],
    ]);
  });
});

describe("a debit paid otherwise after its notice", () => {
  it("is lowered to what is left when paid in part, and cancelled when paid in full: never put in a bank file to take the money twice", async () => {
    const m = await fileReadyMerchant();
    const request = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId: m.invoiceId } });
    await job(night(request.notifyOn));
    const transfer = (amount: string) =>
      m.browser.post(`/customers/${m.customerId}/receipts/new`, {
        intent: "record",
        method: "transfer",
        receivedOn: "2026-11-21",
        currency: "EUR",
        amount,
        reference: "",
        "allocations[0].invoiceId": m.invoiceId,
        "allocations[0].amount": "",
      });
    expect((await transfer("100,00")).status).toBe(302);
    // The nightly run lowers it (the customer's space and /collections announce what is really due)…
    await job(night(request.notifyOn));
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "notified", amountMinor: 26000 });
    // …and so does the debit files page, which offers it for the rest.
    const ready = (await m.browser.get("/debit-files")).html;
    expect(textOf(/data-testid="debits-ready"[\s\S]*?<\/table>/.exec(ready)![0])).toContain("260,00");
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "notified", amountMinor: 26000 });

    expect((await transfer("260,00")).status).toBe(302);
    expect(textOf((await m.browser.get("/debit-files")).html)).toContain("Aucun prélèvement à émettre");
    const filed = await m.browser.post("/debit-files", { intent: "file", requestIds: [request.id] });
    expect(textOf(filed.html)).toContain("Aucun des prélèvements choisis n'est prêt");
    expect(await app.db.debitFile.count({ where: { organisationId: m.organisationId } })).toBe(0);
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "cancelled" });
    const history = await app.db.debitRequestEvent.findMany({ where: { debitRequestId: request.id }, orderBy: { createdAt: "asc" } });
    expect(history.map((e) => e.note).slice(-2)).toEqual(["lowered to 26000: paid in part otherwise", "nothing left to collect: paid otherwise"]);
  });
});

describe("the notice the merchant agreed", () => {
  it("is 14 days unless a shorter delay (1 to 14 days) is set in the organisation settings, and plans with it", async () => {
    const m = await ownIcsMerchant();
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).debitNoticeDays).toBe(14);
    const wrong = await m.browser.post("/settings/organisation", {
      ...organisationProfile,
      sepaCreditor: "own_ics",
      creditorIdentifier: ICS,
      debitNoticeDays: "20",
    });
    expect(wrong.html).toContain('aria-invalid="true"');
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).debitNoticeDays).toBe(14);
    await m.browser.post("/settings/organisation", { ...organisationProfile, sepaCreditor: "own_ics", creditorIdentifier: ICS, debitNoticeDays: "3" });
    expect((await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).debitNoticeDays).toBe(3);
    const customer = app.browser();
    const { url } = await startMandate(customer, `${m.link}/mandate`);
    await sign(customer, url);
    const request = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId: m.invoiceId } });
    const plan = collectionPlan({ dueDate: new Date("2026-12-01T00:00:00Z"), today: today(), creditor: "own_ics", noticeDays: 3 });
    expect([isoDay(request.collectionDate), isoDay(request.notifyOn)]).toEqual([isoDay(plan.collectionDate), isoDay(plan.notifyOn)]);
  });
});

describe("automatic debit through GoCardless", () => {
  it("tells the customer, creates the GoCardless payment once even if the job runs twice, and a failed debit reopens the invoice and tells both sides", async () => {
    const m = await sentInvoice(app);
    const { gcMandate, gcAccount } = await signWithGoCardless(m);
    expect(await app.db.mandate.findFirstOrThrow({ where: { organisationId: m.organisationId } })).toMatchObject({
      providerMandateId: gcMandate,
      status: "pending",
    });

    const invoiceId = await createDraftInvoice(m.browser, m.customerId, { issueDate: "2026-11-20", dueDate: "2027-02-15" });
    await m.browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    const request = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId } });
    expect(request).toMatchObject({ creditorKind: "gocardless", status: "scheduled", sequenceType: "", amountMinor: 36000 });
    expect(isoDay(request.collectionDate)).toBe("2027-02-15");

    // Notice night: told; no payment yet.
    expect(await job(night(request.notifyOn))).toMatchObject({ failed: 0 });
    expect((await app.db.debitRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("notified");
    expect(await app.db.outboxEmail.count({ where: { organisationId: m.organisationId, kind: "debit_notice" } })).toBe(1);
    const paymentCalls = () =>
      mocks.calls().filter((c) => c.method === "POST" && c.url.endsWith("/payments") && c.headers["idempotency-key"] === `debit-${request.id}`);
    expect(paymentCalls()).toHaveLength(0);
    // Five business days before: the payment is created on the mandate, at the collection date; the job run again creates nothing.
    const submitNight = night(gocardlessSubmitOn(request.collectionDate));
    expect(await job(submitNight)).toMatchObject({ failed: 0 });
    expect(await job(submitNight)).toMatchObject({ failed: 0 });
    expect(paymentCalls()).toHaveLength(1);
    expect(JSON.parse(paymentCalls()[0].body)).toMatchObject({ amount: 36000, charge_date: "2027-02-15", links: { mandate: gcMandate } });
    const submitted = await app.db.debitRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(submitted.status).toBe("submitted");
    const payment = await app.db.payment.findFirstOrThrow({ where: { providerPaymentId: submitted.providerPaymentId! } });
    expect(payment).toMatchObject({ invoiceId, status: "processing", amountMinor: 36000, mandateId: gcMandate });

    // The debit fails: the request is failed, the invoice is still due, both sides hear of it.
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([
        gcEvent(
          "payments",
          "failed",
          { payment: payment.providerPaymentId, mandate: gcMandate, organisation: gcAccount },
          // GoCardless's time of the failure: after the job's (fixed) clock created the payment.
          {
            at: new Date(submitNight.getTime() + 7 * 86400_000),
            details: { origin: "bank", cause: "insufficient_funds", description: "Insufficient funds", will_attempt_retry: false },
          },
        ),
      ]),
    );
    await app.processWebhooks();
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "failed", failureReason: "insufficient_funds" });
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "open", amountDueMinor: 36000 });
    expect(await app.db.outboxEmail.count({ where: { invoiceId, kind: "payment_failed" } })).toBe(1);
    expect(await app.db.outboxEmail.count({ where: { invoiceId, kind: "payment_failed_customer" } })).toBe(1);
  });

  it("spreads the balance over three monthly debits with a GoCardless instalment schedule, shown before signing", async () => {
    const m = await sentInvoice(app);
    const form = await app.browser().get(`${m.link}/mandate`);
    const preview = textOf(/data-testid="spread-preview"[\s\S]*?<\/ul>/.exec(form.html)![0]);
    expect(preview.match(/120,00/g)).toHaveLength(3);
    const { mandateId, gcMandate, gcAccount } = await signWithGoCardless(m, { spread: "on" });
    expect((await app.db.mandate.findUniqueOrThrow({ where: { id: mandateId } })).spreadOver).toBe(3);

    const scheduleCalls = mocks.calls().filter((c) => c.url.endsWith("/instalment_schedules/create_with_dates") && c.body.includes(gcMandate));
    expect(scheduleCalls).toHaveLength(1);
    const body = JSON.parse(scheduleCalls[0].body);
    expect(body.total_amount).toBe(36000);
    expect(body.instalments.reduce((sum: number, i: { amount: number }) => sum + i.amount, 0)).toBe(36000);
    // No single payment of the whole balance on this mandate.
    expect(mocks.calls().some((c) => c.url.endsWith("/payments") && c.body.includes(gcMandate))).toBe(false);

    const requests = await app.db.debitRequest.findMany({ where: { organisationId: m.organisationId }, orderBy: { instalmentNumber: "asc" } });
    expect(requests.map((r) => [r.kind, r.status, r.instalmentNumber, r.instalmentCount, r.amountMinor])).toEqual([
      ["instalment", "submitted", 1, 3, 12000],
      ["instalment", "submitted", 2, 3, 12000],
      ["instalment", "submitted", 3, 3, 12000],
    ]);
    expect(requests.map((r) => isoDay(r.collectionDate))).toEqual(spreadPlan(36000, today(), "gocardless", 14).map((c) => isoDay(c.date)));
    expect(new Set(requests.map((r) => r.providerScheduleId)).size).toBe(1);
    // Its payments pay the customer's balance (no invoice), on their way.
    const payments = await app.db.payment.findMany({ where: { providerPaymentId: { in: requests.map((r) => r.providerPaymentId!) } } });
    expect(payments).toHaveLength(3);
    for (const p of payments) expect(p).toMatchObject({ customerId: m.customerId, invoiceId: null, status: "processing" });
    // One notice: the schedule.
    expect(await app.db.outboxEmail.count({ where: { organisationId: m.organisationId, kind: "debit_notice" } })).toBe(1);

    // The first instalment is collected: its request is paid, and it pays the balance (the oldest invoice, in part).
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([
        gcEvent("payments", "confirmed", { payment: requests[0].providerPaymentId!, organisation: gcAccount }, { at: new Date(Date.now() + 60_000) }),
      ]),
    );
    await app.processWebhooks();
    expect((await app.db.debitRequest.findUniqueOrThrow({ where: { id: requests[0].id } })).status).toBe("paid");
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).toMatchObject({ status: "partially_paid", amountPaidMinor: 12000 });

    // The schedule is cancelled at GoCardless: what was not collected is cancelled, the collected one stays paid.
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([gcEvent("instalment_schedules", "cancelled", { instalment_schedule: requests[0].providerScheduleId!, organisation: gcAccount })]),
    );
    await app.processWebhooks();
    const after = await app.db.debitRequest.findMany({ where: { organisationId: m.organisationId }, orderBy: { instalmentNumber: "asc" } });
    expect(after.map((r) => r.status)).toEqual(["paid", "cancelled", "cancelled"]);
  });
});

describe("new bank details in automatic debit", () => {
  it("a new mandate from the space replaces the old, which is cancelled at GoCardless; the planned debits move to it and nothing is asked twice", async () => {
    const m = await sentInvoice(app);
    const old = await signWithGoCardless(m);
    const invoiceId = await createDraftInvoice(m.browser, m.customerId, { issueDate: "2026-11-20", dueDate: "2027-02-15" });
    await m.browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    const planned = await app.db.debitRequest.findFirstOrThrow({ where: { organisationId: m.organisationId, invoiceId } });
    expect(planned.mandateId).toBe(old.mandateId);

    // From the space: only automatic debit is offered; the new mandate goes through GoCardless's flow.
    const space = await openSpace(app, m.browser, m.organisationId, m.customerId, "lucie@example.fr");
    const base = `/espace/${m.organisationId}/prelevement`;
    const form = await space.get(`${base}/mandat`);
    expect(form.html).not.toContain('value="one_off"');
    const { mandateId, url } = await startMandate(space, `${base}/mandat`, { iban: "FR7630004000031234567890143" });
    const toFlow = await sign(space, url);
    const { billingRequest, mandateId: gcMandate } = fulfilBillingRequest(toFlow.location!.split("/").pop()!)!;
    // The checkout opened for the new mandate asks for nothing: invoice 1 is on its way, invoice 2 is planned.
    expect((await app.db.checkoutAttempt.findFirstOrThrow({ where: { providerRef: billingRequest.id } })).amountMinor).toBe(0);
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([
        gcEvent("billing_requests", "fulfilled", { billing_request: billingRequest.id, mandate_request_mandate: gcMandate, organisation: old.gcAccount }),
      ]),
    );
    await app.processWebhooks();

    expect(await app.db.mandate.findUniqueOrThrow({ where: { id: old.mandateId } })).toMatchObject({ status: "replaced", replacedById: mandateId });
    expect(mocks.calls().some((c) => c.url.endsWith(`/mandates/${old.gcMandate}/actions/cancel`))).toBe(true);
    expect(mocks.calls().some((c) => c.url.endsWith("/payments") && c.body.includes(gcMandate))).toBe(false);
    expect(await app.db.debitRequest.findUniqueOrThrow({ where: { id: planned.id } })).toMatchObject({ mandateId, status: "scheduled" });
  });
});

describe("« Prélèvement » in the customer space", () => {
  it("signs an automatic mandate with three monthly debits from the space, shows it with its PDF and upcoming debits, and is the customer's own", async () => {
    const m = await ownIcsMerchant();
    const space = await openSpace(app, m.browser, m.organisationId, m.customerId, "lucie@example.fr");
    const base = `/espace/${m.organisationId}/prelevement`;
    const empty = await space.get(base);
    expect(empty.status).toBe(200);
    expect(textOf(empty.html)).toContain("Signer un mandat de prélèvement");
    const form = await space.get(`${base}/mandat`);
    expect(textOf(/data-testid="spread-preview"[\s\S]*?<\/ul>/.exec(form.html)![0]).match(/120,00/g)).toHaveLength(3);
    const { mandateId, url } = await startMandate(space, `${base}/mandat`, { spread: "on" });
    expect(url).toBe(`${base}/${mandateId}`);
    expect(textOf((await space.get(url)).html)).toContain("Étaler le solde sur 3 prélèvements mensuels");
    await sign(space, url);

    const mandate = await app.db.mandate.findUniqueOrThrow({ where: { id: mandateId } });
    expect(mandate).toMatchObject({ status: "active", type: "recurrent", spreadOver: 3, invoiceId: null });
    const requests = await app.db.debitRequest.findMany({ where: { mandateId }, orderBy: { instalmentNumber: "asc" } });
    expect(requests.map((r) => [r.kind, r.status, r.amountMinor, r.sequenceType])).toEqual([
      ["instalment", "notified", 12000, "FRST"],
      ["instalment", "notified", 12000, "RCUR"],
      ["instalment", "notified", 12000, "RCUR"],
    ]);
    expect(requests.map((r) => isoDay(r.collectionDate))).toEqual(spreadPlan(36000, today(), "own_ics", 14).map((c) => isoDay(c.date)));
    const schedule = await app.lastEmailTo("lucie@example.fr", /Échéancier/);
    expect(schedule.text.match(/120,00/g)).toHaveLength(3);
    expect(schedule.text).toContain(mandate.reference);
    // The space's confirmation links to the space's PDF.
    expect((await app.lastEmailTo("lucie@example.fr", /signé/)).text).toContain(`${base}/${mandateId}/pdf`);

    const page = await space.get(base);
    expect(page.html).toContain('data-testid="current-mandate"');
    expect(textOf(page.html)).toContain(mandate.reference);
    expect(textOf(page.html)).toContain(mandate.ibanMasked);
    expect((page.html.match(/data-testid="debit"/g) ?? []).length).toBe(3);
    const pdf = await space.get(`${base}/${mandateId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");

    // Another customer of the same merchant: 404 for this mandate and its PDF; their page shows none of it.
    const otherId = await createCustomer(m.browser, { name: "Paul Autre", email: "paul@example.fr" });
    const other = await openSpace(app, m.browser, m.organisationId, otherId, "paul@example.fr");
    expect((await other.get(`${base}/${mandateId}`)).status).toBe(404);
    expect((await other.get(`${base}/${mandateId}/pdf`)).status).toBe(404);
    const theirs = await other.get(base);
    expect(theirs.html).not.toContain(mandate.reference);
    expect(theirs.html).not.toContain('data-testid="debit"');
    // Not signed in: to the login page.
    expect((await app.browser().get(base)).status).toBe(302);
  });
});

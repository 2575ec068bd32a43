/**
 * Issue 16, first half: every receipt lands once in the draft cash-receipts journal; the accountant posts
 * and validates; validated entries never change (the database refuses); invoices and credit notes have
 * their sales entries; the FEC holds the validated entries; another organisation sees none of it.
 */
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncDraftJournal } from "~/domain/journal/draft";
import { noticeNewLines } from "~/domain/journal/notice";
import { applyPaymentFact } from "~/domain/payments";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { joinOrganisation, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, postWebhook, stripeEvent } from "../mocks/webhooks";

useProviderMocks();
let app: TestApp;
let m: Awaited<ReturnType<typeof sentInvoice>>;
let accountant: Awaited<ReturnType<typeof signUpMerchant>>;
let member: Awaited<ReturnType<typeof signUpMerchant>>;
let other: Awaited<ReturnType<typeof signUpMerchant>>;

const lines = (where: Record<string, unknown> = {}) =>
  app.db.cashReceiptLine.findMany({ where: { organisationId: m.organisationId, ...where }, orderBy: { createdAt: "asc" } });
const fact = (id: string, status: "confirmed" | "charged_back", at: Date, amountMinor = 5000) =>
  app.db.$transaction((tx) =>
    applyPaymentFact(tx, {
      organisationId: m.organisationId,
      provider: "gocardless",
      providerPaymentId: id,
      status,
      method: "direct_debit",
      at,
      customerId: m.customerId,
      amountMinor,
      currency: "EUR",
    }),
  );

beforeAll(async () => {
  app = await startTestApp();
  m = await sentInvoice(app, { customer: { company: "Société Œuvre" } });
  await app.db.organisation.update({ where: { id: m.organisationId }, data: { siret: "73282932000074" } });
  accountant = await signUpMerchant(app, { organisationName: "Cabinet comptable" });
  member = await signUpMerchant(app, { organisationName: "Autre" });
  await joinOrganisation(m, accountant, "accountant");
  await joinOrganisation(m, member, "member");
  other = await signUpMerchant(app, { organisationName: "Intrus SAS" });
});
afterAll(() => app.close());

describe("the draft journal", () => {
  it("has every receipt once: a card payment whose webhook is replayed, a balance debit, a recorded payment and its reversal", async () => {
    const stripeAccount = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } })).accountId;
    const event = stripeEvent(
      "checkout.session.completed",
      checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: "pi_journal" }),
      stripeAccount,
    );
    for (let i = 0; i < 2; i++) await postWebhook(app, "stripe", JSON.stringify(event));
    await app.processWebhooks();
    await postWebhook(app, "stripe", JSON.stringify({ ...event, id: `${event.id}x` })); // the same payment in another event
    await app.processWebhooks();
    // A balance payment (no invoice), told twice.
    await fact("PMBALANCE", "confirmed", new Date("2026-11-10T09:00:00Z"));
    await fact("PMBALANCE", "confirmed", new Date("2026-11-10T09:00:00Z"));
    // A recorded transfer, then its reversal.
    const recorded = await m.browser.post(`/customers/${m.customerId}/receipts/new`, {
      intent: "record",
      method: "transfer",
      receivedOn: "2026-11-20",
      currency: "EUR",
      amount: "100,00",
      reference: "VIR OEUVRE",
    });
    expect(recorded.status, textOf(recorded.html).slice(0, 300)).toBe(302);
    const receiptId = /\/receipts\/([^?]+)/.exec(recorded.location!)![1];
    expect((await m.browser.post(`/receipts/${receiptId}`, { reason: "Virement rejeté" })).status).toBe(302);

    // Two runs at once, and the page: each source once.
    await Promise.all([syncDraftJournal(app.db, m.organisationId), syncDraftJournal(app.db, m.organisationId)]);
    const page = await m.browser.get("/journal");
    expect(page.status).toBe(200);
    const all = await lines();
    expect(all.map((l) => [l.origin, l.sourceType, l.amountMinor]).sort()).toEqual(
      [
        ["gocardless", "payment", 5000],
        ["manual", "receipt", 10000],
        ["manual", "receipt_reversal", -10000],
        ["stripe", "payment", 36000],
      ].sort(),
    );
    const text = textOf(page.html);
    expect(text).toContain("Règlement Société Œuvre");
    expect(text).toContain("Annulation du règlement Société Œuvre");
    expect(text).toContain("411C0001");
    expect(text).toContain("Total");
    expect(text).toContain("410,00 €");
  });

  it("gives a debit charged back after it was in the journal a counter-line, never an edit", async () => {
    await fact("PMLATE", "confirmed", new Date("2026-11-11T09:00:00Z"), 7000);
    await syncDraftJournal(app.db, m.organisationId);
    await fact("PMLATE", "charged_back", new Date("2026-11-21T09:00:00Z"), 7000);
    await syncDraftJournal(app.db, m.organisationId);
    await syncDraftJournal(app.db, m.organisationId);
    const payment = await app.db.payment.findFirstOrThrow({ where: { providerPaymentId: "PMLATE" } });
    const ofPayment = await lines({ sourceId: payment.id });
    expect(ofPayment.map((l) => [l.sourceKey, l.amountMinor, l.label])).toEqual([
      [`payment:${payment.id}:0`, 7000, "Règlement Société Œuvre"],
      [`payment:${payment.id}:1`, -7000, "Rejet de prélèvement Société Œuvre"],
    ]);
    // The database refuses to edit or delete a line.
    await expect(app.db.cashReceiptLine.update({ where: { id: ofPayment[0].id }, data: { amountMinor: 1 } })).rejects.toThrow();
    await expect(app.db.cashReceiptLine.delete({ where: { id: ofPayment[0].id } })).rejects.toThrow();
  });

  it("filters by origin and shows 'mine' (recorded or posted by the user)", async () => {
    const manual = textOf((await m.browser.get("/journal?origin=manual")).html);
    expect(manual).toContain("VIR OEUVRE");
    expect(manual).not.toContain("pi_journal");
    expect(textOf((await m.browser.get("/journal?who=mine")).html)).toContain("VIR OEUVRE");
    const theirs = textOf((await accountant.browser.get("/journal?who=mine")).html);
    expect(theirs).not.toContain("VIR OEUVRE");
    expect(theirs).toContain("Aucune ligne à comptabiliser.");
  });

  it("tells the validator once per batch, in the app and by email", async () => {
    const now = new Date();
    expect(await noticeNewLines(app.db, m.organisationId, app.baseUrl, now)).toBe(6);
    expect(await noticeNewLines(app.db, m.organisationId, app.baseUrl, now)).toBe(0);
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "journal_lines" } })).toBe(1);
    const email = await app.lastEmailTo(m.email, /Brouillard/);
    expect(email.subject).toContain("6 nouvelle(s) ligne(s)");
    expect(textOf((await m.browser.get("/notifications")).html)).toContain("Brouillard d'encaissement : 6 nouvelle(s) ligne(s)");
    await fact("PMNEXT", "confirmed", new Date("2026-11-22T09:00:00Z"), 1234);
    await syncDraftJournal(app.db, m.organisationId);
    expect(await noticeNewLines(app.db, m.organisationId, app.baseUrl, now)).toBe(1);
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "journal_lines" } })).toBe(2);
  });
});

describe("posting and validating", () => {
  it("is refused to a member; an accountant may", async () => {
    expect((await member.browser.get("/journal")).status).toBe(403);
    expect((await accountant.browser.get("/journal")).status).toBe(200);
    expect((await accountant.browser.get("/settings/accounting")).status).toBe(200);
  });

  it("requires a voucher number when the settings say so", async () => {
    const settings = await m.browser.get("/settings/accounting");
    expect(textOf(settings.html)).toContain("Journal des prélèvements");
    const form = {
      journalCard: "CB",
      journalDirectDebit: "PRL",
      journalTransfer: "BQ",
      journalCheque: "BQ",
      journalOther: "BQ",
      journalSales: "VT",
      pieceRequired: "on",
      bankAccount: "512100",
      customerAccount: "411000",
      customerAuxPrefix: "411",
      customerAuxSource: "generated",
      salesServicesAccount: "706000",
      salesGoodsAccount: "707000",
      vatAccountPrefix: "44571",
      vat2000: "4457120",
      vat1000: "4457110",
      vat550: "4457155",
      vat210: "4457121",
      validatorId: accountant.userId,
      entityCode: "S001",
    };
    expect(textOf((await m.browser.post("/settings/accounting", { ...form, bankAccount: "411000" })).html)).toContain("ne suit pas le plan comptable");
    expect((await m.browser.post("/settings/accounting", form)).status).toBe(200);
    const stripeLine = (await lines({ origin: "stripe" }))[0];
    const refused = await accountant.browser.post("/journal", { intent: "post", lineIds: stripeLine.id, pieceRef: "" });
    expect(textOf(refused.html)).toContain("Le numéro de pièce est obligatoire pour comptabiliser.");
    expect(await app.db.journalEntry.count({ where: { organisationId: m.organisationId, kind: "receipt" } })).toBe(0);
  });

  it("posts balanced entries: bank debit, customer credit (the reverse for a counter-line), numbered per journal", async () => {
    const draft = await lines({ entryId: null });
    const page = await accountant.browser.post("/journal", { intent: "post", lineIds: draft.map((l) => l.id), pieceRef: "REM-001" });
    expect(textOf(page.html)).toContain(`${draft.length} écriture(s) comptabilisée(s).`);
    const entries = await app.db.journalEntry.findMany({
      where: { organisationId: m.organisationId, kind: "receipt" },
      include: { lines: { orderBy: { position: "asc" } }, receiptLines: true },
      orderBy: [{ journalCode: "asc" }, { number: "asc" }],
    });
    expect(entries).toHaveLength(draft.length);
    for (const entry of entries) {
      expect(entry.lines.reduce((s, l) => s + l.debitMinor - l.creditMinor, 0)).toBe(0);
      expect(entry).toMatchObject({ pieceRef: "REM-001", postedById: accountant.userId });
      const amount = entry.receiptLines[0].amountMinor;
      const [bank, customer] = entry.lines;
      expect(bank).toMatchObject({ accountNumber: "512100", debitMinor: Math.max(amount, 0), creditMinor: Math.max(-amount, 0) });
      expect(customer).toMatchObject({ accountNumber: "411000", auxNumber: "411C0001", auxLabel: "Société Œuvre" });
    }
    // Numbered 1, 2, 3… in each journal.
    for (const code of new Set(entries.map((e) => e.journalCode))) {
      const numbers = entries.filter((e) => e.journalCode === code).map((e) => e.number);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
    expect(entries.find((e) => e.receiptLines[0].origin === "stripe")?.journalCode).toBe("CB");
    expect(entries.find((e) => e.receiptLines[0].origin === "gocardless")?.journalCode).toBe("PRL");
    expect(entries.find((e) => e.receiptLines[0].sourceType === "receipt")?.journalCode).toBe("BQ");
    // Posted once: a second post of the same lines is refused.
    expect(textOf((await accountant.browser.post("/journal", { intent: "post", lineIds: draft[0].id, pieceRef: "X" })).html)).toContain("déjà comptabilisée");
    // Posted by the accountant: now theirs.
    expect(textOf((await accountant.browser.get("/journal?view=entries")).html)).toContain("REM-001");
  });

  it("has the sales entries of invoices and credit notes, VAT per rate", async () => {
    await m.browser.post(`/invoices/${m.invoiceId}/credit-notes/new`, { kind: "amount", reason: "Geste commercial", amount: "12,00" });
    await m.browser.get("/journal?view=entries");
    const sale = await app.db.journalEntry.findFirstOrThrow({
      where: { organisationId: m.organisationId, sourceKey: `invoice:${m.invoiceId}` },
      include: { lines: true },
    });
    const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } });
    expect(sale).toMatchObject({ journalCode: "VT", pieceRef: invoice.number, kind: "sale", postedById: null });
    expect(sale.lines.map((l) => [l.accountNumber, l.debitMinor, l.creditMinor])).toEqual([
      ["411000", 36000, 0],
      ["706000", 0, 30000],
      ["4457120", 0, 6000],
    ]);
    const creditNote = await app.db.creditNote.findFirstOrThrow({ where: { invoiceId: m.invoiceId } });
    const credit = await app.db.journalEntry.findFirstOrThrow({ where: { sourceKey: `credit_note:${creditNote.id}` }, include: { lines: true } });
    expect(credit.lines.map((l) => [l.accountNumber, l.debitMinor, l.creditMinor])).toEqual([
      ["411000", 0, 1200],
      ["706000", 1000, 0],
      ["4457120", 200, 0],
    ]);
    expect(await app.db.journalEntry.count({ where: { organisationId: m.organisationId, kind: { in: ["sale", "credit_note"] } } })).toBe(2);
  });

  it("validates entries, which the database then refuses to change or delete; a reversal is a new entry", async () => {
    const ids = (await app.db.journalEntry.findMany({ where: { organisationId: m.organisationId, validatedAt: null } })).map((e) => e.id);
    // Not without ticking the confirmation: validating cannot be undone.
    const unconfirmed = await accountant.browser.post("/journal", { intent: "validate", entryIds: ids });
    expect(textOf(unconfirmed.html)).toContain("Cochez la case de confirmation");
    expect(await app.db.journalEntry.count({ where: { id: { in: ids }, validatedAt: { not: null } } })).toBe(0);
    const page = await accountant.browser.post("/journal", { intent: "validate", entryIds: ids, confirmed: "on" });
    expect(textOf(page.html)).toContain(`${ids.length} écriture(s) validée(s)`);
    const entry = await app.db.journalEntry.findFirstOrThrow({
      where: { organisationId: m.organisationId, kind: "receipt", validatedAt: { not: null } },
      include: { lines: true, receiptLines: true },
    });
    expect(entry.validatedById).toBe(accountant.userId);
    await expect(app.db.journalEntry.update({ where: { id: entry.id }, data: { label: "changed" } })).rejects.toThrow();
    await expect(app.db.journalEntry.update({ where: { id: entry.id }, data: { validatedAt: null } })).rejects.toThrow();
    await expect(app.db.journalEntry.delete({ where: { id: entry.id } })).rejects.toThrow();
    await expect(app.db.journalLine.update({ where: { id: entry.lines[0].id }, data: { debitMinor: 1 } })).rejects.toThrow();
    await expect(app.db.$executeRawUnsafe(`DELETE FROM "JournalLine" WHERE "entryId" = ?`, entry.id)).rejects.toThrow();

    // Asked once more first: nothing is passed until confirmed.
    const asked = await accountant.browser.post("/journal?view=entries", { intent: "reverse", entryId: entry.id });
    expect(textOf(asked.html)).toContain(`Contrepasser l'écriture ${entry.journalCode} n° ${entry.number}`);
    expect(await app.db.journalEntry.count({ where: { reversesId: entry.id } })).toBe(0);
    const reversed = await accountant.browser.post("/journal?view=entries", { intent: "reverse", entryId: entry.id, confirmed: "yes" });
    expect(textOf(reversed.html)).toContain("Écriture contrepassée");
    const reversal = await app.db.journalEntry.findFirstOrThrow({ where: { reversesId: entry.id }, include: { lines: true } });
    expect(reversal.id).not.toBe(entry.id);
    expect(reversal.lines.map((l) => [l.accountNumber, l.debitMinor, l.creditMinor]).sort()).toEqual(
      entry.lines.map((l) => [l.accountNumber, l.creditMinor, l.debitMinor]).sort(),
    );
    // The receipt is back in the draft, to be posted again; a second reversal is refused.
    expect(await lines({ sourceKey: `${entry.receiptLines[0].sourceKey}/again:${reversal.id}`, entryId: null })).toHaveLength(1);
    expect(textOf((await accountant.browser.post("/journal?view=entries", { intent: "reverse", entryId: entry.id, confirmed: "yes" })).html)).toContain(
      "déjà contrepassée",
    );
    // The original is unchanged.
    expect(await app.db.journalEntry.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({ label: entry.label, validatedAt: entry.validatedAt });
  });
});

describe("exports", () => {
  it("the FEC: legal name, 18 columns, formats, validated entries only, each entry balanced", async () => {
    const res = await accountant.browser.get("/journal/fec?year=2026");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain('filename="732829320FEC20261231.txt"');
    const text = iconv.decode(Buffer.from(res.body), "iso-8859-15");
    const records = text
      .split("\r\n")
      .filter(Boolean)
      .map((r) => r.split("\t"));
    expect(records[0][0]).toBe("JournalCode");
    for (const record of records) expect(record).toHaveLength(18);
    const body = records.slice(1);
    const validated = await app.db.journalEntry.count({ where: { organisationId: m.organisationId, validatedAt: { not: null } } });
    expect(new Set(body.map((r) => `${r[0]}/${r[2]}`)).size).toBe(validated);
    const sums = new Map<string, number>();
    const cents = (v: string) => Math.round(Number(v.replace(",", ".")) * 100);
    for (const r of body) {
      expect(r[3]).toMatch(/^\d{8}$/);
      expect(r[15]).toMatch(/^\d{8}$/);
      expect(r[11]).toMatch(/^\d+,\d{2}$/);
      expect(r[12]).toMatch(/^\d+,\d{2}$/);
      expect(r[4]).toMatch(/^\d{3}/);
      sums.set(`${r[0]}/${r[2]}`, (sums.get(`${r[0]}/${r[2]}`) ?? 0) + cents(r[11]) - cents(r[12]));
    }
    expect([...sums.values()].every((s) => s === 0)).toBe(true);
    expect(text).toContain("Société Œuvre");
    // The reversal (posted, not validated) is not in it.
    expect(text).not.toContain("Contrepassation");
  });

  it("the CSV of the journal, and a refused period", async () => {
    const res = await accountant.browser.get("/journal/csv?year=2026");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const text = Buffer.from(res.body).toString("utf8");
    expect(text).toContain("Date;Journal;N° écriture;Pièce;Compte");
    expect(text).toContain("Contrepassation");
    expect((await accountant.browser.get("/journal/fec?year=abc")).status).toBe(400);
  });
});

describe("isolation", () => {
  it("another organisation sees nothing and gets 404 for every id of this one", async () => {
    const page = textOf((await other.browser.get("/journal")).html);
    expect(page).not.toContain("Société Œuvre");
    expect(textOf((await other.browser.get("/journal?view=entries")).html)).not.toContain("REM-001");
    const line = (await lines({ entryId: null }))[0];
    const entry = await app.db.journalEntry.findFirstOrThrow({ where: { organisationId: m.organisationId, validatedAt: null } });
    expect((await other.browser.post("/journal", { intent: "post", lineIds: line.id, pieceRef: "X" })).status).toBe(404);
    expect((await other.browser.post("/journal", { intent: "validate", entryIds: entry.id, confirmed: "on" })).status).toBe(404);
    expect((await other.browser.post("/journal", { intent: "reverse", entryId: entry.id })).status).toBe(404);
    expect(await app.db.cashReceiptLine.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ entryId: null });
    expect(await app.db.journalEntry.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({ validatedAt: null });
    // Its FEC needs its own SIRET, and has none of these entries.
    expect((await other.browser.get("/journal/fec?year=2026")).status).toBe(409);
    await app.db.organisation.update({ where: { id: other.organisationId }, data: { siret: "73282932000074" } });
    const theirs = iconv.decode(Buffer.from((await other.browser.get("/journal/fec?year=2026")).body), "iso-8859-15");
    expect(theirs.split("\r\n").filter(Boolean)).toHaveLength(1);
  });
});

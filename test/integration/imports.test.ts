/**
 * Issue 16, second half: imported payment files (CSV through a saved column mapping, camt.053
 * statements with bank returns), SEPA debit files for own-ICS creditors, and "check pending payments
 * now" with its nightly run.
 */
import { readFileSync } from "node:fs";
import { Cron } from "croner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDebitFile, type DebitItemInput } from "~/domain/debit-files/service";
import { sha256Of } from "~/domain/imports/service";
import { checkProviders, nightlyProviderCheck } from "~/domain/provider-checks";
import { createLogger } from "~/lib/logger.server";
import { configureSandbox, sandboxState } from "../../integrations/sandbox";
import { runDueSandboxTasks } from "../../integrations/sandbox/webhooks";
import { startTestApp, type TestApp, textOf } from "../helpers/app";
import { createCustomer, createDraftInvoice, joinOrganisation, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { validateAgainstXsd } from "../helpers/xsd";
import { useProviderMocks } from "../mocks/providers";
import { postWebhook } from "../mocks/webhooks";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Merchant = Awaited<ReturnType<typeof sentInvoice>>;

/** Windows-1252 bytes (accents and the euro sign as a French spreadsheet saves them). */
const win1252 = (text: string) =>
  Uint8Array.from([...text].map((c) => ({ é: 0xe9, è: 0xe8, ï: 0xef, ô: 0xf4, "€": 0x80 })[c] ?? (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : 0x3f)));

const invoiceOf = (id: string) => app.db.invoice.findUniqueOrThrow({ where: { id } });
const numberOf = async (id: string) => (await invoiceOf(id)).number!;

async function finalisedInvoice(m: Merchant, customerId: string) {
  const id = await createDraftInvoice(m.browser, customerId);
  expect((await m.browser.post(`/invoices/${id}`, { intent: "finalise" })).status).toBeLessThan(400);
  return id;
}

async function upload(m: Pick<Merchant, "browser">, name: string, bytes: Uint8Array) {
  return m.browser.upload("/imports", { intent: "upload" }, { file: { name, bytes } });
}

const MAPPING = {
  intent: "mapping",
  dateColumn: "Date",
  amountColumn: "Montant",
  referenceColumn: "Libellé",
  payerColumn: "Payeur",
  customerRefColumn: "Réf client",
  decimal: "comma",
  method: "cash",
};

describe("imported CSV payment files", () => {
  it("are read through the saved mapping, matched, archived once, and recorded exactly once on confirmation", async () => {
    const m = await sentInvoice(app, { providers: [] });
    const other = await createCustomer(m.browser, { name: "Héloïse Martin", email: "heloise@example.fr", reference: "CLI-042" });
    const otherInvoice = await finalisedInvoice(m, other);
    const number = await numberOf(m.invoiceId);

    // Without columns, a CSV cannot be read.
    const csv = win1252(
      `Date;Montant;Libellé;Payeur;Réf client\r\n10/11/2026;360,00;Règlement facture ${number};Lucie Moreau;\r\n11/11/2026;100,00;Versement espèces;H. Martin;CLI-042\r\n12/11/2026;25,50;Paiement borne;Inconnu Dupré;\r\n12/11/2026;-4,00;Frais;;\r\n`,
    );
    expect(textOf((await upload(m, "borne.csv", csv)).html)).toContain("Indiquez d'abord les colonnes de vos fichiers CSV.");
    const saved = await m.browser.post("/imports", MAPPING);
    expect(textOf(saved.html)).toContain("Colonnes enregistrées.");

    const imported = await upload(m, "borne.csv", csv);
    expect(imported.status, textOf(imported.html).slice(0, 400)).toBe(302);
    const fileId = imported.location!.split("/")[2].split("?")[0];
    const file = await app.db.importFile.findUniqueOrThrow({ where: { id: fileId }, include: { lines: { orderBy: { lineNo: "asc" } } } });
    expect(file).toMatchObject({ kind: "csv", encoding: "windows-1252", sha256: sha256Of(csv), sizeBytes: csv.length });
    // Archived sealed (the file may carry IBANs), downloadable byte for byte.
    expect(file.sealedContent).not.toContain(Buffer.from(csv).toString("base64").slice(0, 20));
    const download = await m.browser.get(`/imports/${fileId}/file`);
    expect(download.status).toBe(200);
    expect(new Uint8Array(download.body)).toEqual(csv);
    expect(file.lines.map((l) => [l.kind, l.amountMinor, l.reference, l.payerName, l.customerId, l.invoiceId, l.matchedBy, l.status])).toEqual([
      ["credit", 36000, `Règlement facture ${number}`, "Lucie Moreau", m.customerId, m.invoiceId, "invoice_number", "pending"],
      ["credit", 10000, "Versement espèces", "H. Martin", other, null, "customer_reference", "pending"],
      ["credit", 2550, "Paiement borne", "Inconnu Dupré", null, null, "none", "manual"],
      ["ignored", 400, "Frais", "", null, null, "none", "ignored"],
    ]);
    const review = textOf((await m.browser.get(imported.location!)).html);
    expect(review).toContain("Fichier importé : 4 lignes à vérifier.");
    expect(review).toContain("Par numéro de facture");
    expect(review).toContain("Par référence client");
    expect(review).toContain("Non rapprochée");
    // The fee line is set aside as money paid out, and shown as such.
    expect(review).toContain("-4,00 €");
    expect(review).toContain("sortie d'argent (pas un règlement reçu)");

    // The same file again is refused, by its fingerprint.
    const again = await upload(m, "borne-copie.csv", csv);
    expect(again.status).toBe(200);
    expect(textOf(again.html)).toContain("Ce fichier a déjà été importé (même empreinte)");
    expect(await app.db.importFile.count({ where: { organisationId: m.organisationId } })).toBe(1);

    // Confirmed twice at once, then once more: each line is recorded once.
    const [first, second] = await Promise.all([
      m.browser.post(`/imports/${fileId}`, { intent: "confirm" }),
      m.browser.post(`/imports/${fileId}`, { intent: "confirm" }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(textOf((await m.browser.post(`/imports/${fileId}`, { intent: "confirm" })).html)).toContain("Aucune ligne à enregistrer.");
    const receipts = await app.db.customerReceipt.findMany({ where: { organisationId: m.organisationId }, include: { allocations: true } });
    expect(receipts).toHaveLength(2);
    expect(receipts.every((r) => r.origin === "import" && r.method === "cash" && r.importLineId)).toBe(true);
    // They reach the draft journal once each, as lines of an imported file.
    expect(textOf((await m.browser.get("/journal")).html)).toContain("Brouillard");
    const drafted = await app.db.cashReceiptLine.findMany({ where: { organisationId: m.organisationId, sourceType: "receipt" } });
    expect(drafted.map((l) => l.origin)).toEqual(["import", "import"]);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountDueMinor: 0 });
    expect(await invoiceOf(otherInvoice)).toMatchObject({ status: "partially_paid", amountDueMinor: 26000 });
    // The database itself refuses a second receipt for a line.
    await expect(
      app.db.customerReceipt.create({
        data: { ...receipts[0], id: undefined, allocations: undefined, createdAt: undefined } as never,
      }),
    ).rejects.toThrow();

    // The unmatched line waits for a choice, then is recorded too (account credit: nothing left due).
    const manual = file.lines[2];
    expect((await m.browser.post(`/imports/${fileId}`, { intent: "assign", lineId: manual.id, customerId: m.customerId })).status).toBe(200);
    const done = textOf((await m.browser.post(`/imports/${fileId}`, { intent: "confirm" })).html);
    expect(done).toContain("1 règlement(s) enregistré(s), 0 rejet(s) contre-passé(s), 0 ligne(s) à traiter à la main.");
    const credit = await app.db.customerReceipt.findFirstOrThrow({ where: { importLineId: manual.id }, include: { allocations: true } });
    expect(credit).toMatchObject({ customerId: m.customerId, amountMinor: 2550, allocations: [] });
    // The recorded payments are on the customer's account like hand-recorded ones.
    expect(textOf((await m.browser.get(`/customers/${m.customerId}`)).html)).toContain("25,50");

    // The next export overlaps this one: its first line is the same payment. It waits for a person, marked as
    // a copy; the new line is recorded; the copy is set aside, never recorded twice.
    const overlap = win1252(
      `Date;Montant;Libellé;Payeur;Réf client\r\n11/11/2026;100,00;Versement espèces;H. Martin;CLI-042\r\n13/11/2026;40,00;Versement espèces;H. Martin;CLI-042\r\n`,
    );
    const next = await upload(m, "borne-2.csv", overlap);
    const nextId = next.location!.split("/")[2].split("?")[0];
    const nextLines = await app.db.importLine.findMany({ where: { importFileId: nextId }, orderBy: { lineNo: "asc" } });
    expect(nextLines.map((l) => [l.amountMinor, l.status, l.duplicateOfId])).toEqual([
      [10000, "manual", file.lines[1].id],
      [4000, "pending", null],
    ]);
    expect(textOf((await m.browser.get(`/imports/${nextId}`)).html)).toContain("Déjà importée : ligne 2 de borne.csv");
    expect(textOf((await m.browser.post(`/imports/${nextId}`, { intent: "confirm" })).html)).toContain(
      "1 règlement(s) enregistré(s), 0 rejet(s) contre-passé(s), 1 ligne(s)",
    );
    expect((await m.browser.post(`/imports/${nextId}`, { intent: "ignore", lineId: nextLines[0].id })).status).toBe(200);
    expect(await app.db.importLine.findUniqueOrThrow({ where: { id: nextLines[0].id } })).toMatchObject({ status: "ignored" });
    expect(await app.db.customerReceipt.count({ where: { organisationId: m.organisationId, amountMinor: 10000 } })).toBe(1);
    // Another organisation cannot set a line aside.
    const stranger = await sentInvoice(app, { providers: [] });
    expect((await stranger.browser.post(`/imports/${nextId}`, { intent: "ignore", lineId: nextLines[1].id })).status).toBe(404);
  });
});

const CAMT = readFileSync(new URL("../fixtures/imports/statement.camt053.xml", import.meta.url), "utf8");

describe("who imports", () => {
  it("an accountant uploads, assigns and confirms a file, but not the provider checks; a member cannot reach the imports", async () => {
    const m = await sentInvoice(app); // providers connected: the owner has the provider checks on the page
    const accountant = await signUpMerchant(app, { organisationName: "Cabinet comptable" });
    const member = await signUpMerchant(app, { organisationName: "Autre" });
    await joinOrganisation(m, accountant, "accountant");
    await joinOrganisation(m, member, "member");
    const number = await numberOf(m.invoiceId);

    expect(textOf((await m.browser.get("/imports")).html)).toContain("Vérifier les prélèvements en attente");
    expect((await accountant.browser.get("/invoices")).html).toContain('href="/imports"');
    const page = await accountant.browser.get("/imports");
    expect(page.status).toBe(200);
    expect(textOf(page.html)).not.toContain("Vérifier les prélèvements en attente");
    expect((await accountant.browser.post("/imports", { intent: "check" })).status).toBe(403);

    expect(textOf((await accountant.browser.post("/imports", MAPPING)).html)).toContain("Colonnes enregistrées.");
    const csv = new TextEncoder().encode(
      `Date;Montant;Libellé;Payeur;Réf client\n10/11/2026;360,00;Règlement facture ${number};Lucie Moreau;\n12/11/2026;25,50;Paiement borne;Inconnu Dupré;\n`,
    );
    const imported = await upload(accountant, "borne.csv", csv);
    expect(imported.status, textOf(imported.html).slice(0, 400)).toBe(302);
    const fileId = imported.location!.split("/")[2].split("?")[0];
    expect((await accountant.browser.get(`/imports/${fileId}/file`)).status).toBe(200);
    const manual = await app.db.importLine.findFirstOrThrow({ where: { importFileId: fileId, status: "manual" } });
    const assigned = await accountant.browser.post(`/imports/${fileId}`, { intent: "assign", lineId: manual.id, customerId: m.customerId });
    expect(assigned.status).toBe(200);
    const confirmed = await accountant.browser.post(`/imports/${fileId}`, { intent: "confirm" });
    expect(textOf(confirmed.html)).toContain("2 règlement(s) enregistré(s)");
    const receipts = await app.db.customerReceipt.findMany({ where: { organisationId: m.organisationId, origin: "import" } });
    expect(receipts.map((r) => [r.amountMinor, r.recordedById])).toEqual(
      expect.arrayContaining([
        [36000, accountant.userId],
        [2550, accountant.userId],
      ]),
    );
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid" });

    // A member: refused everywhere, as any page their role does not allow, and no link to it.
    expect((await member.browser.get("/invoices")).html).not.toContain('href="/imports"');
    expect((await member.browser.get("/imports")).status).toBe(403);
    expect((await upload(member, "autre.csv", new TextEncoder().encode("Date;Montant;Libellé\n"))).status).toBe(403);
    expect((await member.browser.get(`/imports/${fileId}`)).status).toBe(403);
    expect((await member.browser.get(`/imports/${fileId}/file`)).status).toBe(403);
    expect((await member.browser.post(`/imports/${fileId}`, { intent: "confirm" })).status).toBe(403);
    expect(await app.db.importFile.count({ where: { organisationId: m.organisationId } })).toBe(1);
  });
});

describe("the notice of an imported file", () => {
  it("tells the owner (no validator or payments contact set) once, in the app and by email, when an accountant imports; nobody when the owner does", async () => {
    const m = await sentInvoice(app, { providers: [] });
    const accountant = await signUpMerchant(app, { name: "Paul Comptable", organisationName: "Cabinet comptable" });
    await joinOrganisation(m, accountant, "accountant");
    await m.browser.post("/imports", MAPPING);
    const number = await numberOf(m.invoiceId);
    const csv = new TextEncoder().encode(
      `Date;Montant;Libellé;Payeur;Réf client\n10/11/2026;360,00;Règlement facture ${number};Lucie Moreau;\n12/11/2026;25,50;Paiement borne;Inconnu Dupré;\n12/11/2026;-4,00;Frais;;\n`,
    );
    const imported = await upload(accountant, "borne-novembre.csv", csv);
    expect(imported.status, textOf(imported.html).slice(0, 400)).toBe(302);
    const fileId = imported.location!.split("/")[2].split("?")[0];

    const notices = () => app.db.outboxEmail.findMany({ where: { organisationId: m.organisationId, kind: "import_file" } });
    expect((await notices()).map((e) => e.toAddress)).toEqual([m.email]);
    const email = await app.lastEmailTo(m.email, /borne-novembre/);
    expect(email.subject).toBe("Fichier « borne-novembre.csv » importé par Paul Comptable : 3 ligne(s), 1 à attribuer, 385,50 € reçus");
    expect(email.text).toContain(`${app.baseUrl}/imports/${fileId}`);
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "import_file" } })).toBe(1);
    const list = await m.browser.get("/notifications");
    expect(textOf(list.html)).toContain("Fichier « borne-novembre.csv » importé par Paul Comptable : 3 ligne(s), 1 à attribuer, 385,50 € reçus");
    expect(list.html).toContain(`href="/imports/${fileId}"`);

    // The owner imports the next file: they know, nobody is told.
    const own = await upload(m, "borne-decembre.csv", new TextEncoder().encode("Date;Montant;Libellé;Payeur;Réf client\n01/12/2026;12,00;Paiement borne;X;\n"));
    expect(own.status, textOf(own.html).slice(0, 400)).toBe(302);
    expect(await notices()).toHaveLength(1);
    expect(await app.db.notification.count({ where: { organisationId: m.organisationId, kind: "import_file" } })).toBe(1);

    // With the accountant named validator, the owner's next file is told to the accountant (the journal notice's choice).
    await app.db.accountingSettings.upsert({
      where: { organisationId: m.organisationId },
      create: { organisationId: m.organisationId, validatorId: accountant.userId },
      update: { validatorId: accountant.userId },
    });
    const next = await upload(m, "borne-janvier.csv", new TextEncoder().encode("Date;Montant;Libellé;Payeur;Réf client\n02/01/2027;8,00;Paiement borne;Y;\n"));
    expect(next.status, textOf(next.html).slice(0, 400)).toBe(302);
    expect((await notices()).map((e) => e.toAddress)).toEqual([m.email, accountant.email]);
    expect((await app.lastEmailTo(accountant.email, /borne-janvier/)).subject).toContain("importé par Marie Dupont");
  });
});

describe("the upload's size limit", () => {
  it("takes a file above the 1 MiB every other form is held to, up to 10 MiB", async () => {
    const m = await sentInvoice(app, { providers: [] });
    await m.browser.post("/imports", MAPPING);
    const row = "10/11/2026;1,00;Versement espèces sans référence connue de personne;X;\n";
    const big = new TextEncoder().encode(`Date;Montant;Libellé;Payeur;Réf client\n${row.repeat(Math.ceil((1.5 * 1024 * 1024) / row.length))}`);
    const imported = await upload(m, "gros.csv", big);
    expect(imported.status, textOf(imported.html).slice(0, 200)).toBe(302);
    // Any other form still stops at 1 MiB.
    const other = await m.browser.post("/customers/new", { name: "x".repeat(1.5 * 1024 * 1024) });
    expect(other.status).toBe(413);
    // Some 20,000 lines read, matched and stored: more than the default 20 s on a loaded 2-core machine.
  }, 60_000);
});

describe("camt.053 statements", () => {
  it("record the credits, and a bank return reverses the receipt it names: the invoice is due again", async () => {
    const m = await sentInvoice(app, { providers: [] });
    const number = await numberOf(m.invoiceId);
    const credit = CAMT.replace(/<Ntry>\s*<Amt Ccy="EUR">120.00<\/Amt><CdtDbtInd>DBIT[\s\S]*?<\/Ntry>/, "")
      .replaceAll("F2026-0001", number)
      .replace("120.00", "360.00")
      .replace("<Nm>Julie Bernard</Nm>", "<Nm>Lucie Moreau</Nm>");
    const imported = await upload(m, "releve-19.xml", new TextEncoder().encode(credit));
    expect(imported.status, textOf(imported.html).slice(0, 300)).toBe(302);
    const fileId = imported.location!.split("/")[2].split("?")[0];
    const lines = await app.db.importLine.findMany({ where: { importFileId: fileId }, orderBy: { lineNo: "asc" } });
    expect(lines.map((l) => [l.kind, l.amountMinor, l.matchedBy, l.status])).toEqual([
      ["credit", 36000, "invoice_number", "pending"],
      ["credit", 5050, "none", "manual"],
      ["credit", 2500, "none", "manual"],
      ["ignored", 990, "none", "ignored"],
    ]);
    await m.browser.post(`/imports/${fileId}`, { intent: "confirm" });
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid" });
    const receipt = await app.db.customerReceipt.findFirstOrThrow({ where: { importLineId: lines[0].id } });
    expect(receipt).toMatchObject({ method: "transfer", origin: "import", amountMinor: 36000 });

    // The next day's statement: the debit is returned (RvslInd, AM04), and another return names nothing of ours.
    const returns = CAMT.replace(/<Ntry>[\s\S]*<Ntry>\s*<Amt Ccy="EUR">120.00<\/Amt><CdtDbtInd>DBIT/, '<Ntry>\n    <Amt Ccy="EUR">120.00</Amt><CdtDbtInd>DBIT')
      .replaceAll("F2026-0001", number)
      .replace("120.00", "360.00")
      .replace(
        "</Stmt>",
        `<Ntry><Amt Ccy="EUR">42.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>UNKNOWN-9</EndToEndId></Refs><RtrInf><Rsn><Cd>MD01</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Stmt>`,
      );
    const second = await upload(m, "releve-20.xml", new TextEncoder().encode(returns));
    expect(second.status, textOf(second.html).slice(0, 300)).toBe(302);
    const secondId = second.location!.split("/")[2].split("?")[0];
    const returned = await app.db.importLine.findMany({ where: { importFileId: secondId }, orderBy: { lineNo: "asc" } });
    expect(returned.map((l) => [l.kind, l.amountMinor, l.endToEndId, l.returnReason, l.matchedBy, l.status])).toEqual([
      ["return", 36000, "E2E-0001", "AM04", "end_to_end", "pending"],
      ["return", 4200, "UNKNOWN-9", "MD01", "none", "manual"],
    ]);
    const done = textOf((await m.browser.post(`/imports/${secondId}`, { intent: "confirm" })).html);
    // The unknown return stays for a person: counted with what is left of the file.
    expect(done).toContain("0 règlement(s) enregistré(s), 1 rejet(s) contre-passé(s), 1 ligne(s) à traiter à la main.");
    const reversal = await app.db.customerReceipt.findFirstOrThrow({ where: { reversesId: receipt.id } });
    expect(reversal).toMatchObject({ kind: "reversal", origin: "import", importLineId: returned[0].id, amountMinor: 36000 });
    expect(reversal.reason).toContain("AM04");
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open", amountDueMinor: 36000 });
    // The unknown return stays listed for a person.
    expect(textOf((await m.browser.get(`/imports/${secondId}`)).html)).toContain("À traiter");
  });
});

const debitItem = (n: number, overrides: Partial<DebitItemInput> = {}): DebitItemInput => ({
  sourceKey: `debitRequest:test-${n}`,
  debtorName: "Lucie Moreau",
  debtorIban: "FR7630006000011234567890189",
  debtorBic: "AGRIFRPP",
  mandateReference: `RUM-${n}`,
  mandateSignedOn: new Date("2026-11-01T00:00:00Z"),
  amountMinor: 36000 + n,
  currency: "EUR",
  endToEndId: `E2E-${n}`,
  remittance: `Facture F2026-000${n}`,
  sequenceType: n % 2 ? "OOFF" : "RCUR",
  collectionDate: new Date("2026-12-01T00:00:00Z"),
  ...overrides,
});

describe("SEPA debit files (own ICS)", () => {
  it("are valid pain.008 files with their totals; a debit is never put in two files; another organisation gets a 404", async () => {
    const m = await signUpMerchant(app, { organisationName: "Syndicat Gilbert" });
    const deps = { db: app.db, encryptionKey: app.config.ENCRYPTION_KEY };
    const now = new Date("2026-11-23T09:00:00Z");
    expect(await createDebitFile(deps, m.organisationId, [debitItem(1)], m.userId, now)).toEqual({ ok: false, error: "debitFiles.errors.notOwnIcs" });
    await app.db.organisation.update({
      where: { id: m.organisationId },
      data: {
        legalName: "Syndicat Gilbert",
        sepaCreditor: "own_ics",
        creditorIdentifier: "FR13ZZZ437149",
        iban: "FR7630006000011234567890189",
        bic: "AGRIFRPP",
      },
    });
    const created = await createDebitFile(deps, m.organisationId, [debitItem(1), debitItem(2), debitItem(3)], m.userId, now);
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const row = await app.db.debitFile.findUniqueOrThrow({ where: { id: created.debitFileId }, include: { lines: true } });
    expect(row).toMatchObject({
      transactionCount: 3,
      controlSumMinor: 36001 + 36002 + 36003,
      currency: "EUR",
      format: "pain.008.001.02",
      createdById: m.userId,
    });
    expect(row.lines).toHaveLength(3);
    expect(row.sealedXml).not.toContain("FR7630006000011234567890189");

    const list = textOf((await m.browser.get("/debit-files")).html);
    expect(list).toContain("1 080,06");
    const download = await m.browser.get(`/debit-files/${created.debitFileId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toContain(`${row.messageId}.xml`);
    const validation = await validateAgainstXsd(download.html, "pain.008.001.02.xsd");
    expect(validation.errors).toEqual([]);
    expect(download.html).toContain("<CtrlSum>1080.06</CtrlSum>");
    expect(download.html.match(/<PmtInf>/g)).toHaveLength(2);

    // The same debit in another file: refused, and no file is made.
    expect(await createDebitFile(deps, m.organisationId, [debitItem(4), debitItem(2)], m.userId, now)).toEqual({
      ok: false,
      error: "debitFiles.errors.alreadyInFile",
    });
    expect(await app.db.debitFile.count({ where: { organisationId: m.organisationId } })).toBe(1);
    // By the database itself too.
    await expect(
      app.db.debitFileLine.create({
        data: { ...row.lines[0], id: undefined, createdAt: undefined } as never,
      }),
    ).rejects.toThrow();
    // A generated file never changes.
    await expect(app.db.debitFile.update({ where: { id: row.id }, data: { transactionCount: 99 } })).rejects.toThrow();

    const stranger = await signUpMerchant(app);
    expect((await stranger.browser.get(`/debit-files/${created.debitFileId}`)).status).toBe(404);
    expect(textOf((await stranger.browser.get("/debit-files")).html)).toContain("Aucun fichier de prélèvement généré.");
  });

  it("imported files are another organisation's 404 too", async () => {
    const m = await sentInvoice(app, { providers: [] });
    const imported = await upload(m, "r.xml", new TextEncoder().encode(CAMT.replace("STMT-1", "STMT-ISO")));
    const id = imported.location!.split("/")[2].split("?")[0];
    const stranger = await signUpMerchant(app);
    expect((await stranger.browser.get(`/imports/${id}`)).status).toBe(404);
    expect((await stranger.browser.get(`/imports/${id}/file`)).status).toBe(404);
    expect((await stranger.browser.post(`/imports/${id}`, { intent: "confirm" })).status).toBe(404);
  });
});

describe("checking pending payments now, and every night", () => {
  const deps = () => ({ db: app.db, providers: app.providers, encryptionKey: app.config.ENCRYPTION_KEY, appUrl: app.baseUrl, log: createLogger("silent") });

  /** A debit started on the sandbox's flow page; its collection is then reported while webhooks do not arrive. */
  async function debitCollectedWithoutWebhooks() {
    const m = await sentInvoice(app);
    const customer = app.browser();
    configureSandbox({ autoAdvance: true });
    const start = await customer.post(m.link, { provider: "gocardless", amount: "" });
    expect(start.status).toBe(303);
    await customer.post(start.location!, { intent: "confirm", holder: "Lucie Moreau", iban: "FR7630006000011234567890189", consent: "on" });
    await app.processWebhooks();
    const payment = await app.db.payment.findFirstOrThrow({ where: { invoiceId: m.invoiceId } });
    expect(payment.status).toBe("processing");
    const target = sandboxState().settings.webhookTarget;
    configureSandbox({ webhookTarget: null, autoAdvance: false });
    await runDueSandboxTasks(new Date(Date.now() + 5000));
    configureSandbox({ webhookTarget: target });
    await app.processWebhooks();
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "open" });
    return m;
  }

  it("applies what the webhooks missed, once (run twice: nothing more)", async () => {
    const m = await debitCollectedWithoutWebhooks();
    const page = textOf((await m.browser.post("/imports", { intent: "check" })).html);
    expect(page).toMatch(/0 nouveaux, [1-9]\d* mis à jour/);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid", amountDueMinor: 0 });
    const payments = await app.db.payment.findMany({ where: { organisationId: m.organisationId } });
    expect(payments.map((p) => p.status)).toEqual(["confirmed"]);
    const events = await app.db.webhookEvent.count({ where: { organisationId: m.organisationId } });
    // Again: every event is already known.
    expect(textOf((await m.browser.post("/imports", { intent: "check" })).html)).toContain("0 nouveaux, 0 mis à jour");
    expect(await app.db.webhookEvent.count({ where: { organisationId: m.organisationId } })).toBe(events);
    expect(await app.db.payment.count({ where: { organisationId: m.organisationId } })).toBe(1);
    // A late webhook redelivery of the same events would be a duplicate in the inbox: nothing to apply.
    expect(await app.processWebhooks()).toBe(0);
    const check = await app.db.providerCheck.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "gocardless" } });
    expect(check.lastSuccessAt).not.toBeNull();
    expect(check.lastError).toBeNull();
    expect(await checkProviders(deps(), m.organisationId, new Date())).toMatchObject({ created: 0, updated: 0, failed: [] });
  });

  it("finds a card payment whose webhook never came (Stripe, on the connected account): one new payment", async () => {
    const m = await sentInvoice(app);
    const customer = app.browser();
    const target = sandboxState().settings.webhookTarget;
    configureSandbox({ webhookTarget: null });
    const start = await customer.post(m.link, { provider: "stripe", amount: "" });
    expect(start.status).toBe(303);
    expect((await customer.post(start.location!, { intent: "pay", card: "4242 4242 4242 4242" })).status).toBe(302);
    configureSandbox({ webhookTarget: target });
    await app.processWebhooks();
    expect(await app.db.payment.count({ where: { organisationId: m.organisationId } })).toBe(0);
    const page = textOf((await m.browser.post("/imports", { intent: "check" })).html);
    expect(page).toMatch(/1 nouveaux, \d+ mis à jour/);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid" });
    expect(await app.db.payment.findMany({ where: { organisationId: m.organisationId } })).toMatchObject([
      { provider: "stripe", status: "confirmed", amountMinor: 36000 },
    ]);
    expect(textOf((await m.browser.post("/imports", { intent: "check" })).html)).toContain("0 nouveaux, 0 mis à jour");
    // The webhooks come late after all: the same events, known already, change nothing (and are no conflict).
    const account = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } })).accountId;
    const missed = sandboxState()
      .store.collection<{ provider: string; account: string; event: { id: string } }>("events")
      .values()
      .filter((e) => e.provider === "stripe" && e.account === account);
    expect(missed.length).toBeGreaterThan(0);
    for (const { event } of missed) expect((await postWebhook(app, "stripe", JSON.stringify(event))).status).toBeLessThan(300);
    await app.processWebhooks();
    const rows = await app.db.webhookEvent.findMany({ where: { eventId: { in: missed.map((e) => e.event.id) } } });
    expect(rows.map((r) => r.status)).toEqual(missed.map(() => "processed"));
    expect(await app.db.webhookEvent.count({ where: { status: "conflict", eventId: { startsWith: missed[0].event.id } } })).toBe(0);
    expect(await app.db.payment.count({ where: { organisationId: m.organisationId } })).toBe(1);
  });

  it("runs every night at 03:00 Paris time for every organisation with a connection", async () => {
    const job = nightlyProviderCheck(deps());
    expect(job).toMatchObject({ name: "provider-check", schedule: "0 3 * * *", timezone: "Europe/Paris" });
    expect(new Cron(job.schedule, { timezone: job.timezone }).nextRun(new Date("2026-11-23T12:00:00Z"))?.toISOString()).toBe("2026-11-24T02:00:00.000Z");
    expect(new Cron(job.schedule, { timezone: job.timezone }).nextRun(new Date("2026-07-01T12:00:00Z"))?.toISOString()).toBe("2026-07-02T01:00:00.000Z");
    const m = await debitCollectedWithoutWebhooks();
    const fixedClock = new Date(Date.now() + 60_000);
    await job.run(fixedClock);
    expect(await invoiceOf(m.invoiceId)).toMatchObject({ status: "paid" });
    const check = await app.db.providerCheck.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "gocardless" } });
    expect(check.lastRunAt?.toISOString()).toBe(fixedClock.toISOString());
  });
});

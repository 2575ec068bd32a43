/**
 * Issue 16's browser test ("a browser test of the accountant's day"): a merchant with a SIRET has three
 * receipts of three origins — a card payment on the Stripe sandbox, a transfer recorded by hand on the
 * customer's page, a line of a CSV payment file imported on /imports — finds each of them once in the
 * draft cash-receipts journal, posts them with a voucher number, validates them, sees them in the
 * entries, downloads the FEC (18 columns, balanced) and finds the draft empty. Every page visited is
 * checked for console errors, CSP violations and untranslated keys. Screenshots in test-results/e2e/16-*.png.
 */
import { mkdirSync } from "node:fs";
import iconv from "iconv-lite";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keysIn } from "../helpers/i18n";
import { hydrated, launchChromium, openMailbox, signUpInBrowser, watchConsoleErrors, watchPolicy } from "./browser";
import { startServer } from "./server";

const ARTEFACTS = "test-results/e2e";
const CUSTOMER = { name: "Lucie Moreau", company: "Rivière Conseil", email: "lucie@example.fr" };
const PIECE = "REM-001";

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let merchant: Page;
/** CSP violations, script errors and translation keys seen on any page: none of them. */
const violations: string[] = [];
const consoleErrors: string[] = [];
const keys: string[] = [];
/** Shared between the steps: the customer's id and the numbers of the card, transfer and imported invoices. */
const state: { customerId?: string; card?: string; transfer?: string; imported?: string } = {};

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  merchant = watchConsoleErrors(
    watchPolicy(await (await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage(), violations),
    consoleErrors,
  );
});

afterEach(async (test) => {
  if (test.task.result?.state === "fail") await shot(merchant, "failed").catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTEFACTS}/16-${name}.png`, fullPage: true });
const text = (page: Page) => page.evaluate(() => document.body.innerText);
async function check(page: Page) {
  keys.push(...keysIn(await text(page)).map((key) => `${page.url()}: ${key}`));
}
/** Today as the CSV file of a payment kiosk writes it. */
const frenchToday = () => new Date().toISOString().slice(0, 10).split("-").reverse().join("/");

async function connect(provider: "GoCardless" | "Stripe") {
  await merchant.goto(`${server.url}/settings/payments`);
  await merchant
    .locator("section", { hasText: `${provider} —` })
    .getByRole("button", { name: "Connecter un compte existant" })
    .click();
  await merchant.waitForURL(/\/oauth\/authorize/);
  await merchant.getByRole("button", { name: "Autoriser" }).click();
  await merchant.waitForURL(/connected=/);
  await merchant.getByText(`${provider} est connecté`).waitFor();
}

/** A finalised invoice to Lucie (online payment offered when `online`); answers its number. */
async function finalisedInvoice(description: string, unitPrice: string, online: boolean) {
  await merchant.goto(`${server.url}/invoices/new?customerId=${state.customerId}`);
  await hydrated(merchant);
  await merchant.selectOption("select[name=customerId]", { label: `${CUSTOMER.company} (${CUSTOMER.name})` });
  await merchant.fill("input[name='lines[0].description']", description);
  await merchant.fill("input[name='lines[0].quantity']", "1");
  await merchant.fill("input[name='lines[0].unitPrice']", unitPrice);
  await merchant.fill("input[name='lines[0].vatRate']", "20");
  if (online) await merchant.check("input[name=onlinePayment]");
  await merchant.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await merchant.waitForURL(/\/invoices\/c[a-z0-9]+$/);
  await merchant.getByRole("button", { name: "Finaliser" }).click();
  const number = /F\d{4}-\d{4}/.exec(await merchant.getByText(/Facture F\d{4}-\d{4} finalisée/).innerText())![0];
  await merchant.getByRole("heading", { name: `Facture ${number}` }).waitFor();
  return number;
}

/** Reloads `page` until `ready` (webhooks and the worker take their time). */
async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string, seconds = 30) {
  for (let i = 0; i < seconds * 2; i++) {
    if (await ready()) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  throw new Error(`never saw ${what}`);
}

describe("issue 16: the accountant's day in a real browser", () => {
  it("a merchant with a SIRET and both providers invoices a customer three times", async () => {
    await signUpInBrowser(merchant, server.url, {
      name: "Camille Rivière",
      email: "camille@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Rivière",
    });
    await merchant.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
    await merchant.fill("input[name=siret]", "73282932000074");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Modifications enregistrées.").waitFor();
    await connect("GoCardless");
    await connect("Stripe");

    await merchant.goto(`${server.url}/customers/new`);
    await merchant.fill("input[name=name]", CUSTOMER.name);
    await merchant.fill("input[name=company]", CUSTOMER.company);
    await merchant.fill("input[name=email]", CUSTOMER.email);
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.waitForURL(/\/customers\/c[a-z0-9]+$/);
    state.customerId = merchant.url().split("/").pop()!;

    state.card = await finalisedInvoice("Accompagnement comptable", "300", true); // 360 € TTC
    state.transfer = await finalisedInvoice("Déclaration de TVA", "100", false); // 120 €
    state.imported = await finalisedInvoice("Bilan annuel", "200", false); // 240 €
    await check(merchant);
  });

  it("the customer pays the first invoice by card on the sandbox", async () => {
    await merchant.goto(`${server.url}/invoices`);
    await merchant.getByRole("link", { name: state.card }).click();
    await merchant.getByRole("button", { name: "Envoyer par e-mail" }).click();
    await merchant.getByText(`E-mail en file d'envoi vers ${CUSTOMER.email}.`).waitFor();
    await (await openMailbox(merchant, server.url, `Facture ${state.card} d'Atelier Rivière`)).click();
    const link = /http:\/\/localhost:\d+\/i\/[\w-]+/.exec(await merchant.getByTestId("email-text").innerText())![0];

    const customer = watchConsoleErrors(watchPolicy(await (await browser.newContext({ locale: "fr-FR" })).newPage(), violations), consoleErrors);
    await customer.goto(link);
    await hydrated(customer);
    await customer.getByRole("button", { name: "Payer par carte (Stripe)" }).click();
    await customer.waitForURL(/\/pages\/stripe\/checkout\//);
    await customer.getByRole("button", { name: /Payer 360,00/ }).click();
    await customer.waitForURL(/return=stripe/);
    await reloadUntil(customer, () => customer.getByText("Cette facture est réglée. Merci !").isVisible(), "the card invoice paid");
    await customer.context().close();
  });

  it("the merchant records a transfer for the second invoice on the customer's page", async () => {
    await merchant.goto(`${server.url}/customers/${state.customerId}`);
    await merchant.getByRole("link", { name: "Enregistrer un règlement" }).click();
    await merchant.waitForURL(/\/receipts\/new$/);
    await hydrated(merchant);
    await merchant.selectOption("select[name=method]", "transfer");
    await merchant.fill("input[name=amount]", "120,00");
    await merchant.fill("input[name=reference]", `VIR RIVIERE ${state.transfer}`);
    await merchant.getByLabel(state.transfer!, { exact: true }).fill("120,00");
    await check(merchant);
    await shot(merchant, "01-record-transfer");
    await merchant.getByRole("button", { name: "Enregistrer le règlement" }).click();
    await merchant.waitForURL(/\/receipts\/[^/]+\?recorded=/);
    await merchant.getByText("Règlement enregistré.").waitFor();
  });

  it("imports a CSV payment file that pays the third invoice: columns, review, confirmation", async () => {
    await merchant.goto(`${server.url}/imports`);
    await hydrated(merchant);
    const mapping = merchant.locator("form#mapping");
    await mapping.locator("input[name=dateColumn]").fill("Date");
    await mapping.locator("input[name=amountColumn]").fill("Montant");
    await mapping.locator("input[name=referenceColumn]").fill("Libellé");
    await mapping.locator("input[name=payerColumn]").fill("Payeur");
    await mapping.locator("select[name=decimal]").selectOption("comma");
    await mapping.locator("select[name=method]").selectOption("cash");
    await mapping.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Colonnes enregistrées.").waitFor();

    const csv = `Date;Montant;Libellé;Payeur\r\n${frenchToday()};240,00;Règlement facture ${state.imported};Lucie Moreau\r\n`;
    await merchant.locator("input[type=file][name=file]").setInputFiles({ name: "borne.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await merchant.getByRole("button", { name: "Importer", exact: true }).click();
    await merchant.waitForURL(/\/imports\/[^/]+\?imported=1/);
    await merchant.getByText("Fichier importé : 1 lignes à vérifier.").waitFor();
    await merchant.getByText("Par numéro de facture").waitFor();
    await check(merchant);
    await shot(merchant, "02-import-review");
    await hydrated(merchant);
    await merchant.getByRole("button", { name: "Enregistrer les règlements" }).click();
    await merchant.getByText("1 règlement(s) enregistré(s), 0 rejet(s) contre-passé(s), 0 ligne(s) à traiter à la main.").waitFor();
  });

  it("finds each receipt once in the draft journal with its origin, posts and validates them", async () => {
    await merchant.goto(`${server.url}/invoices?status=paid`);
    for (const number of [state.card!, state.transfer!, state.imported!]) await merchant.getByRole("link", { name: number }).waitFor();

    await merchant.getByRole("link", { name: "Brouillard", exact: true }).first().click();
    await merchant.waitForURL(/\/journal/);
    await merchant.getByRole("heading", { name: "Brouillard d'encaissement" }).waitFor();
    const rows = merchant.locator("tr[data-line]");
    await reloadUntil(merchant, async () => (await rows.count()) === 3, "three lines in the draft journal");
    await hydrated(merchant);
    const origins = await rows.evaluateAll((trs) => trs.map((tr) => (tr.lastElementChild as HTMLElement).innerText.trim()));
    expect(origins.sort()).toEqual(["Import", "Saisie", "Stripe"]);
    const byOrigin = (origin: string) => rows.filter({ has: merchant.locator("td:last-child", { hasText: new RegExp(`^${origin}$`) }) });
    expect(await byOrigin("Stripe").innerText()).toMatch(/360,00\s€/);
    expect(await byOrigin("Saisie").innerText()).toMatch(/120,00\s€/);
    expect(await byOrigin("Saisie").innerText()).toContain("Virement");
    expect(await byOrigin("Import").innerText()).toMatch(/240,00\s€/);
    expect(await byOrigin("Import").innerText()).toContain("Espèces");
    expect(await merchant.locator("tfoot").innerText()).toMatch(/720,00\s€/);
    await check(merchant);
    await shot(merchant, "03-draft-journal");

    for (const box of await merchant.locator("input[name=lineIds]").all()) await box.check();
    await merchant.fill("input[name=pieceRef]", PIECE);
    await merchant.getByRole("button", { name: "Comptabiliser" }).click();
    await merchant.getByText("3 écriture(s) comptabilisée(s).").waitFor();
    await merchant.getByText("Aucune ligne à comptabiliser.").waitFor();

    await merchant.getByRole("link", { name: "Écritures", exact: true }).click();
    await merchant.waitForURL(/view=entries/);
    await hydrated(merchant);
    // The three receipts with their voucher number, besides the sales entries of the three invoices.
    const receipts = merchant.locator("tbody[data-entry]", { hasText: PIECE });
    await expect.poll(() => receipts.count()).toBe(3);
    await check(merchant);
    await shot(merchant, "04-entries-posted");
    const boxes = await merchant.locator("input[name=entryIds]").all();
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (const box of boxes) await box.check();
    await merchant.locator("input[name=confirmed]").check();
    await merchant.getByRole("button", { name: "Valider", exact: true }).click();
    await merchant.getByText(`${boxes.length} écriture(s) validée(s) : elles ne peuvent plus être modifiées.`).waitFor();

    await merchant.selectOption("select[name=state]", "validated");
    await merchant.getByRole("button", { name: "Afficher" }).click();
    await merchant.waitForURL(/state=validated/);
    await expect.poll(() => receipts.count()).toBe(3);
    for (const entry of await receipts.all()) expect(await entry.innerText()).toMatch(/Validée le/);
    expect(await merchant.locator("input[name=entryIds]").count()).toBe(0);
    await check(merchant);
    await shot(merchant, "05-entries-validated");
  });

  it("downloads a balanced FEC of 18 columns, and the draft no longer lists the posted lines", async () => {
    const year = new Date().getFullYear();
    const res = await merchant.request.get(`${server.url}/journal/fec?year=${year}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-disposition"]).toContain(`732829320FEC${year}1231.txt`);
    const fec = iconv.decode(await res.body(), "iso-8859-15");
    const records = fec
      .split("\r\n")
      .filter(Boolean)
      .map((line) => line.split("\t"));
    expect(records[0][0]).toBe("JournalCode");
    for (const record of records) expect(record).toHaveLength(18);
    const body = records.slice(1);
    const cents = (v: string) => Math.round(Number(v.replace(",", ".")) * 100);
    const debits = body.reduce((sum, r) => sum + cents(r[11]), 0);
    const credits = body.reduce((sum, r) => sum + cents(r[12]), 0);
    expect(debits).toBe(credits);
    expect(debits).toBeGreaterThanOrEqual(72000); // at least the three receipts on the bank account
    // Each receipt (its voucher number) is in it, and each entry balances.
    expect(new Set(body.filter((r) => r[8] === PIECE).map((r) => `${r[0]}/${r[2]}`)).size).toBe(3);
    const sums = new Map<string, number>();
    for (const r of body) sums.set(`${r[0]}/${r[2]}`, (sums.get(`${r[0]}/${r[2]}`) ?? 0) + cents(r[11]) - cents(r[12]));
    expect([...sums.values()].every((s) => s === 0)).toBe(true);

    await merchant.goto(`${server.url}/journal`);
    await merchant.getByText("Aucune ligne à comptabiliser.").waitFor();
    expect(await merchant.locator("tr[data-line]").count()).toBe(0);
    await check(merchant);
    await shot(merchant, "06-draft-empty");

    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(keys).toEqual([]);
  });
});

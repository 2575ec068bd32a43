/**
 * Issue 15's browser test ("How it is checked"): a customer signs an automatic mandate with the
 * three-month option and the merchant sees the schedule. The merchant is its own SEPA creditor (own ICS);
 * the customer, on a phone, signs from her space's « Prélèvement » page with a code read in the local
 * mailbox (a wrong code first), opens the signed PDF, and no longer has « Payer votre solde »; the
 * merchant sees the mandate and the three collections on the customer page and in /collections. Every
 * page visited is checked for console errors, policy violations and untranslated keys. Screenshots in
 * test-results/e2e/15-*.png.
 */
import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keysIn } from "../helpers/i18n";
import { hydrated, launchChromium, openMailbox, signUpInBrowser, watchConsoleErrors, watchPolicy } from "./browser";
import { startServer } from "./server";

const ARTEFACTS = "test-results/e2e";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const CUSTOMER = { name: "Lucie Moreau", company: "Rivière Conseil", email: "lucie@example.fr", password: "mon mot de passe de cliente" };
const ICS = "FR13ZZZ437149";
const ORG_IBAN = "FR14 2004 1010 0505 0001 3M02 606";
const IBAN = "FR7630006000011234567890189"; // Crédit Agricole (30006): BIC AGRIFRPPXXX proposed

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let merchant: Page;
let customer: Page;
/** The customer's email program: a second tab, so the mandate's page stays open while she reads her code. */
let mail: Page;
const violations: string[] = [];
const consoleErrors: string[] = [];
const keys: string[] = [];
/** Shared between the steps. */
const state: {
  customerId?: string;
  orgId?: string;
  mandateId?: string;
  reference?: string;
  ibanMasked?: string;
  /** The three collections shown before signing: date as the page prints it, amount in cents. */
  schedule: { date: string; amount: string; minor: number }[];
} = { schedule: [] };

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  const watch = (page: Page) => watchConsoleErrors(watchPolicy(page, violations), consoleErrors);
  merchant = watch(await (await browser.newContext({ locale: "fr-FR", viewport: DESKTOP })).newPage());
  const phone = await browser.newContext({ locale: "fr-FR", viewport: PHONE, isMobile: true, hasTouch: true });
  customer = watch(await phone.newPage());
  mail = watch(await phone.newPage());
});

/** A failed step leaves the screens behind, to see what the person saw. */
afterEach(async (test) => {
  if (test.task.result?.state !== "fail") return;
  await shot(merchant, "failed-merchant").catch(() => {});
  await shot(customer, "failed-customer").catch(() => {});
  await shot(mail, "failed-mail").catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTEFACTS}/15-${name}.png`, fullPage: true });
const text = (page: Page) => page.evaluate(() => document.body.innerText);
/** No translation key left on the page, and nothing wider than the screen on the customer's phone (the mailbox aside). */
async function check(page: Page) {
  keys.push(...keysIn(await text(page)).map((key) => `${page.url()}: ${key}`));
  if (page !== merchant && !page.url().includes("/mailbox")) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > PHONE.width) keys.push(`${page.url()}: ${width} px wide on a ${PHONE.width} px phone`);
  }
}
const minor = (amount: string) => Math.round(Number(amount.replace(/[\s\u202f\u00a0€]/g, "").replace(",", ".")) * 100);
const spaced = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s/g, "\\s"));

const isoDay = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

/** A finalised invoice to Lucie (not sent: she sees it in her space), issued today and due so many days from today; answers its number. */
async function finalisedInvoice(description: string, unitPrice: string, dueInDays: number) {
  await merchant.goto(`${server.url}/invoices/new?customerId=${state.customerId}`);
  await hydrated(merchant);
  await merchant.selectOption("select[name=customerId]", { label: `${CUSTOMER.company} (${CUSTOMER.name})` });
  await merchant.fill("input[name=issueDate]", isoDay(0));
  await merchant.fill("input[name=dueDate]", isoDay(dueInDays));
  await merchant.fill("input[name='lines[0].description']", description);
  await merchant.fill("input[name='lines[0].quantity']", "1");
  await merchant.fill("input[name='lines[0].unitPrice']", unitPrice);
  await merchant.fill("input[name='lines[0].vatRate']", "20");
  await merchant.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await merchant.waitForURL(/\/invoices\/c[a-z0-9]+$/);
  await merchant.getByRole("button", { name: "Finaliser" }).click();
  return /F\d{4}-\d{4}/.exec(await merchant.getByText(/Facture F\d{4}-\d{4} finalisée/).innerText())![0];
}

describe("issue 15: an automatic mandate with three monthly debits, in a real browser", () => {
  it("the merchant, its own SEPA creditor, finalises two invoices for a customer and gives her a space", async () => {
    await signUpInBrowser(merchant, server.url, {
      name: "Camille Rivière",
      email: "camille@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Rivière",
    });
    await hydrated(merchant);
    await merchant.fill("input[name=addressLine1]", "3 rue Basse");
    await merchant.fill("input[name=postalCode]", "34000");
    await merchant.fill("input[name=city]", "Montpellier");
    await merchant.fill("input[name=iban]", ORG_IBAN);
    await merchant.selectOption("select[name=sepaCreditor]", { label: "Mon propre ICS" });
    await merchant.fill("input[name=creditorIdentifier]", ICS);
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Modifications enregistrées.").waitFor();
    // Read back from the server: right after saving, the form still shows the values it had when the page
    // was loaded (empty here) until it is reloaded; the values are stored, though.
    await merchant.reload();
    expect(await merchant.locator("select[name=sepaCreditor]").inputValue()).toBe("own_ics");
    expect(await merchant.locator("input[name=creditorIdentifier]").inputValue()).toBe(ICS);
    await check(merchant);
    await shot(merchant, "01-merchant-own-ics");

    await merchant.goto(`${server.url}/customers/new`);
    await merchant.fill("input[name=name]", CUSTOMER.name);
    await merchant.fill("input[name=company]", CUSTOMER.company);
    await merchant.fill("input[name=email]", CUSTOMER.email);
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.waitForURL(/\/customers\/c[a-z0-9]+$/);
    state.customerId = merchant.url().split("/").pop()!;

    // 120 € and 240 € TTC, both due in the future: a balance of 360 €.
    await finalisedInvoice("Bilan annuel", "100", 20);
    await finalisedInvoice("Accompagnement comptable", "200", 40);

    await merchant.goto(`${server.url}/customers/${state.customerId}`);
    await merchant.getByRole("button", { name: "Inviter à son espace client" }).click();
    await merchant.getByText(`Invitation envoyée à ${CUSTOMER.email}.`).waitFor();
    await check(merchant);
  });

  it("the customer activates her space with the emailed code", async () => {
    await (await openMailbox(mail, server.url, "Votre espace client d'Atelier Rivière")).click();
    const email = await mail.getByTestId("email-text").innerText();
    const code = /\b[A-Z0-9]{5}-[A-Z0-9]{5}\b/.exec(email)![0];
    const activate = /https?:\/\/\S+\/espace\/(\w+)\/activer/.exec(email)!;
    state.orgId = activate[1];

    await customer.goto(activate[0]);
    await hydrated(customer);
    await customer.fill("input[name=email]", CUSTOMER.email);
    await customer.fill("input[name=code]", code);
    await customer.fill("input[name=password]", CUSTOMER.password);
    await customer.fill("input[name=confirm]", CUSTOMER.password);
    await customer.getByRole("button", { name: "Activer et me connecter" }).click();
    await customer.waitForURL(new RegExp(`/espace/${state.orgId}/compte$`));
    expect(await customer.getByTestId("space-balance").innerText()).toMatch(/360,00\s€/);
    await customer.getByTestId("pay-balance").waitFor();
    await check(customer);
    await shot(customer, "02-home-before");
  });

  it("she fills the mandate form: the BIC is proposed, automatic debit over three months shows dates and amounts adding up to her balance", async () => {
    await customer.getByRole("link", { name: "Prélèvement", exact: true }).first().click();
    await customer.waitForURL(new RegExp(`/espace/${state.orgId}/prelevement$`));
    await customer.getByText("Vous n'avez pas de mandat de prélèvement actif.").waitFor();
    await check(customer);
    await shot(customer, "03-debit-empty");

    await customer.getByTestId("sign-mandate").click();
    await customer.waitForURL(new RegExp(`/espace/${state.orgId}/prelevement/mandat$`));
    await hydrated(customer);
    await customer.getByRole("heading", { name: "Payer par prélèvement SEPA" }).waitFor();
    // The email from her customer record; one-off preselected.
    expect(await customer.locator("input[name=email]").inputValue()).toBe(CUSTOMER.email);
    expect(await customer.locator("input[name=type][value=one_off]").isChecked()).toBe(true);

    // A wrong IBAN first: a clear error, nothing started.
    await customer.fill("input[name=iban]", "FR76 1234");
    await customer.fill("input[name=holderName]", CUSTOMER.name);
    await customer.getByRole("button", { name: "Continuer vers le récapitulatif" }).click();
    await customer.getByText("Format de l'IBAN incorrect").first().waitFor();
    expect(customer.url()).toMatch(/\/prelevement\/mandat$/);

    await customer.fill("input[name=bic]", "");
    await customer.fill("input[name=iban]", IBAN);
    await customer.getByText("Proposé d'après le code banque de votre IBAN : vérifiez-le.").waitFor();
    expect(await customer.locator("input[name=bic]").inputValue()).toBe("AGRIFRPPXXX");
    await customer.fill("input[name=holderName]", CUSTOMER.name);
    await customer.check("input[name=type][value=recurrent]");
    await customer.check("input[name=spread]");

    const preview = customer.getByTestId("spread-preview");
    expect(await preview.innerText()).toMatch(/Votre solde de 360,00\s€ serait prélevé ainsi/);
    for (const line of await preview.locator("li").allInnerTexts()) {
      const [, date, amount] = /^(.+?) : (.+)$/.exec(line.trim())!;
      state.schedule.push({ date, amount, minor: minor(amount) });
    }
    expect(state.schedule).toHaveLength(3);
    expect(state.schedule.reduce((sum, c) => sum + c.minor, 0)).toBe(36000);
    expect(new Set(state.schedule.map((c) => c.date)).size).toBe(3);
    await check(customer);
    await shot(customer, "04-mandate-form");

    await customer.getByRole("button", { name: "Continuer vers le récapitulatif" }).click();
    await customer.waitForURL(new RegExp(`/espace/${state.orgId}/prelevement/c[a-z0-9]+$`));
    state.mandateId = customer.url().split("/").pop()!;
  });

  it("she reads the summary with its mentions, signs with the emailed code (a wrong one first) and opens the signed PDF", async () => {
    await hydrated(customer);
    const summary = await customer.getByTestId("mandate-summary").innerText();
    state.reference = /RUM-\d{8}-[0-9A-Z]{10}/.exec(summary)?.[0];
    expect(state.reference).toBeDefined();
    for (const mention of [
      "Mandat de prélèvement SEPA",
      "Atelier Rivière",
      "3 rue Basse",
      ICS,
      CUSTOMER.name,
      "FR76 3000 6000 0112 3456 7890 189",
      "AGRIFRPPXXX",
      "Prélèvement automatique",
      "Étaler le solde sur 3 prélèvements mensuels",
      "8 semaines",
      "En signant ce formulaire de mandat",
    ]) {
      expect(summary, mention).toContain(mention);
    }
    for (const c of state.schedule) expect(summary).toMatch(spaced(`${c.date} : ${c.amount}`));
    await check(customer);
    await shot(customer, "05-summary");

    await customer.check("input[name=consent]");
    await customer.getByRole("button", { name: "Recevoir mon code" }).click();
    await customer.getByText(/Un code à 6 chiffres a été envoyé à l•+@example\.fr\./).waitFor();
    await check(customer);

    await (await openMailbox(mail, server.url, "Votre code de signature du mandat SEPA")).click();
    const code = /\b(\d{6})\b/.exec(await mail.getByTestId("email-text").innerText())![1];
    await check(mail);
    await shot(mail, "06-code-email");

    await customer.fill("input[name=code]", code === "000000" ? "111111" : "000000");
    await customer.getByRole("button", { name: "Signer le mandat" }).click();
    await customer.getByText("Code incorrect : vérifiez le code reçu et réessayez.").waitFor();
    expect(await customer.getByTestId("mandate-signed").count()).toBe(0);
    await check(customer);
    await shot(customer, "07-wrong-code");

    await customer.fill("input[name=code]", code);
    await customer.getByRole("button", { name: "Signer le mandat" }).click();
    await customer.getByTestId("mandate-signed").waitFor();
    await customer.getByText(/Mandat signé le .+\. Un e-mail de confirmation vous a été envoyé\./).waitFor();
    // Masked once signed.
    expect(await customer.getByTestId("mandate-summary").innerText()).not.toContain("FR76 3000 6000 0112 3456 7890 189");
    await check(customer);
    await shot(customer, "08-signed");

    const href = await customer.getByTestId("mandate-pdf").getAttribute("href");
    expect(href).toBe(`/espace/${state.orgId}/prelevement/${state.mandateId}/pdf`);
    const pdf = await customer.context().request.get(`${server.url}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("she receives the confirmation and the schedule by email, and « Payer votre solde » is gone from her home", async () => {
    await (await openMailbox(mail, server.url, "Votre mandat de prélèvement SEPA est signé")).click();
    const confirmation = await mail.getByTestId("email-text").innerText();
    expect(confirmation).toContain(state.reference);
    expect(confirmation).toContain(`/espace/${state.orgId}/prelevement/${state.mandateId}/pdf`);
    await check(mail);
    await shot(mail, "09-confirmation-email");

    await (await openMailbox(mail, server.url, "Échéancier de vos prélèvements")).click();
    const schedule = await mail.getByTestId("email-text").innerText();
    expect(schedule).toContain(state.reference);
    for (const c of state.schedule) expect(schedule).toMatch(spaced(c.amount.replace(/\s*€$/, "")));
    await check(mail);
    await shot(mail, "10-schedule-email");

    await customer.goto(`${server.url}/espace/${state.orgId}/prelevement`);
    const current = await customer.getByTestId("current-mandate").innerText();
    expect(current).toContain(state.reference);
    expect(current).toContain("actif");
    state.ibanMasked = /FR76 [• ]+0 189/.exec(current)?.[0];
    expect(state.ibanMasked).toBeDefined();
    expect(await customer.getByTestId("debit").count()).toBe(3);
    await check(customer);
    await shot(customer, "11-debit-page");

    await customer.goto(`${server.url}/espace/${state.orgId}/compte`);
    await customer.getByTestId("automatic-debit").waitFor();
    expect(await customer.getByTestId("pay-balance").count()).toBe(0);
    expect(await customer.getByTestId("automatic-debit").innerText()).toContain("votre solde est prélevé automatiquement");
    await check(customer);
    await shot(customer, "12-home-automatic");
  });

  it("the merchant sees the mandate and the three upcoming collections on the customer page and in /collections", async () => {
    await merchant.goto(`${server.url}/customers/${state.customerId}`);
    const mandate = await merchant.getByTestId("mandate").first().innerText();
    expect(mandate).toContain("Prélèvement automatique");
    expect(mandate).toContain("actif");
    expect(mandate).toContain(state.reference);
    expect(mandate).toContain(state.ibanMasked);
    expect(mandate).not.toContain("FR76 3000 6000 0112 3456 7890 189");
    const rows = await merchant.getByTestId("debit").allInnerTexts();
    expect(rows).toHaveLength(3);
    state.schedule.forEach((c, i) => {
      expect(rows[i]).toContain(c.date);
      expect(rows[i]).toMatch(spaced(c.amount));
      expect(rows[i]).toContain(`Échéance ${i + 1}/3 du solde`);
    });
    await check(merchant);
    await shot(merchant, "13-merchant-customer");

    await merchant.goto(`${server.url}/collections`);
    await merchant.getByRole("heading", { name: "Prélèvements" }).waitFor();
    const listed = await merchant.getByTestId("debit").allInnerTexts();
    expect(listed).toHaveLength(3);
    state.schedule.forEach((c, i) => {
      expect(listed[i]).toContain(c.date);
      expect(listed[i]).toMatch(spaced(c.amount));
      expect(listed[i]).toContain(CUSTOMER.company);
    });
    await check(merchant);
    await shot(merchant, "14-collections");
  });

  it("the merchant puts the three debits in a bank file: greyed once filed, and a reject reported by hand fails it (issue 16)", async () => {
    await merchant.goto(`${server.url}/debit-files`);
    const ready = merchant.getByTestId("debits-ready").locator("tbody tr");
    expect(await ready.count()).toBe(3);
    // Debits months away are not ticked by default (only those due within two weeks); the merchant sends all three now.
    expect(await ready.last().locator("input[type=checkbox]").isChecked()).toBe(false);
    for (const box of await ready.locator("input[type=checkbox]").all()) await box.check();
    await check(merchant);
    await merchant.getByRole("button", { name: "Générer le fichier de prélèvement" }).click();
    await merchant.getByText("Fichier de prélèvement généré : téléchargez-le").waitFor();
    await merchant.getByText("Aucun prélèvement à émettre").waitFor();
    const filed = merchant.getByTestId("debits-filed").locator("tbody tr");
    expect(await filed.count()).toBe(3);
    // Greyed: never selectable again.
    expect(await filed.locator("input[type=checkbox]:disabled").count()).toBe(3);
    const [download] = await Promise.all([merchant.waitForEvent("download"), merchant.getByRole("link", { name: "Télécharger" }).first().click()]);
    const xml = readFileSync(await download.path(), "utf8");
    expect(xml.match(/<DrctDbtTxInf>/g)).toHaveLength(3);
    expect(xml).toContain(ICS);
    await shot(merchant, "15-debit-file");

    // The bank returns the first one before its date (insufficient funds): reported by hand.
    const first = filed.first();
    await first.getByText("Signaler un rejet").click();
    await first.locator("select[name=reason]").selectOption("AM04");
    await first.getByRole("button", { name: "Enregistrer le rejet" }).click();
    await merchant.getByText("Rejet enregistré").waitFor();
    await merchant.locator('[data-testid=debits-filed] tr[data-status="failed"]').waitFor();
    const statuses = await merchant
      .getByTestId("debits-filed")
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.filter((s) => s === "failed")).toHaveLength(1);
    expect(statuses.filter((s) => s === "submitted")).toHaveLength(2);
    await check(merchant);
    await shot(merchant, "16-debit-returned");
  });

  it("no console error, policy violation or translation key anywhere", () => {
    expect(keys).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(violations).toEqual([]);
  });
});

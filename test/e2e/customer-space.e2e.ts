/**
 * Issue 14's browser test ("How it is checked"): a customer activates their space, sees a balance
 * across three invoices, pays part of it by card and the rest by direct debit, and the merchant sees
 * the account settled. The merchant signs up and connects both providers in the offline sandbox; the
 * customer reads the invitation in the local mailbox and browses on a phone. Every page visited is
 * checked for console errors and untranslated keys, in French and, once, in English. Screenshots in
 * test-results/e2e/14-*.png.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keysIn } from "../helpers/i18n";
import { hydrated, launchChromium, openMailbox, signUpInBrowser, watchConsoleErrors, watchPolicy } from "./browser";
import { startServer } from "./server";

const ARTEFACTS = "test-results/e2e";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The sandbox confirms a debit by itself after this long. */
const DEBIT_SECONDS = 3;
const CUSTOMER = { name: "Lucie Moreau", company: "Rivière Conseil", email: "lucie@example.fr", password: "mon mot de passe de cliente" };

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let merchant: Page;
let customer: Page;
/** Content-Security-Policy violations and script errors on any page visited, and translation keys seen: none of them. */
const violations: string[] = [];
const consoleErrors: string[] = [];
const keys: string[] = [];
/** Shared between the steps. */
const state: { customerId?: string; orgId?: string; numbers: string[] } = { numbers: [] };

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer({ SANDBOX_DEBIT_SECONDS: String(DEBIT_SECONDS) });
  browser = await launchChromium();
  const watch = (page: Page) => watchConsoleErrors(watchPolicy(page, violations), consoleErrors);
  merchant = watch(await (await browser.newContext({ locale: "fr-FR", viewport: DESKTOP })).newPage());
  customer = watch(await (await browser.newContext({ locale: "fr-FR", viewport: PHONE, isMobile: true, hasTouch: true })).newPage());
});

/** A failed step leaves both screens behind, to see what the person saw. */
afterEach(async (test) => {
  if (test.task.result?.state !== "fail") return;
  await shot(merchant, "failed-merchant").catch(() => {});
  await shot(customer, "failed-customer").catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTEFACTS}/14-${name}.png`, fullPage: true });
const text = (page: Page) => page.evaluate(() => document.body.innerText);
/** No translation key left on the page, and nothing wider than the screen (the customer is on a phone). */
async function check(page: Page) {
  keys.push(...keysIn(await text(page)).map((key) => `${page.url()}: ${key}`));
  // The local mailbox stands in for the customer's email program: only the app's pages must fit a phone.
  if (page === customer && !page.url().includes("/mailbox")) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > PHONE.width) keys.push(`${page.url()}: ${width} px wide on a ${PHONE.width} px phone`);
  }
}
const euros = (amount: string) => new RegExp(amount.replace(/\s/g, "\\s"));

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

const isoDay = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

/** A finalised invoice to Lucie (not sent: she sees it in her space), issued and due so many days from today; answers its number. */
async function finalisedInvoice(description: string, unitPrice: string, issuedInDays: number, dueInDays: number) {
  await merchant.goto(`${server.url}/invoices/new?customerId=${state.customerId}`);
  await hydrated(merchant);
  await merchant.selectOption("select[name=customerId]", { label: `${CUSTOMER.company} (${CUSTOMER.name})` });
  await merchant.fill("input[name=issueDate]", isoDay(issuedInDays));
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

/** Reloads `page` until `ready` (webhooks and the worker take their time). */
async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string, seconds = 60) {
  for (let i = 0; i < seconds * 2; i++) {
    if (await ready()) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  throw new Error(`never saw ${what}`);
}

describe("issue 14: the customer space in a real browser", () => {
  it("the merchant, with both providers, finalises three invoices for a customer and invites her to her space", async () => {
    await signUpInBrowser(merchant, server.url, {
      name: "Camille Rivière",
      email: "camille@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Rivière",
    });
    await merchant.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
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

    // Three invoices, due at different dates (the first one overdue): 120 €, 240 € and 360 € TTC.
    state.numbers.push(await finalisedInvoice("Bilan annuel", "100", -40, -10));
    state.numbers.push(await finalisedInvoice("Accompagnement comptable", "200", -20, 10));
    state.numbers.push(await finalisedInvoice("Déclarations de TVA", "300", 0, 30));

    await merchant.goto(`${server.url}/customers/${state.customerId}`);
    expect(await merchant.getByTestId("customer-space-state").innerText()).toBe("Pas d'espace client.");
    await merchant.getByRole("button", { name: "Inviter à son espace client" }).click();
    await merchant.getByText(`Invitation envoyée à ${CUSTOMER.email}.`).waitFor();
    expect(await merchant.getByTestId("space-state").innerText()).toMatch(/^Invitation envoyée à lucie@example\.fr : le code d'accès est valable jusqu'au/);
    await check(merchant);
    await shot(merchant, "01-merchant-invited");
  });

  it("the customer activates her space with the code from the email and sees her balance across the three invoices", async () => {
    await (await openMailbox(customer, server.url, "Votre espace client d'Atelier Rivière")).click();
    const email = await customer.getByTestId("email-text").innerText();
    await check(customer);
    await shot(customer, "02-invitation-email");
    expect(email).toContain("Bonjour Lucie Moreau");
    const code = /\b[A-Z0-9]{5}-[A-Z0-9]{5}\b/.exec(email)![0];
    const activate = /https?:\/\/\S+\/espace\/(\w+)\/activer/.exec(email)!;
    state.orgId = activate[1];

    await customer.goto(activate[0]);
    await hydrated(customer);
    await check(customer);
    await shot(customer, "03-activate");
    // A wrong code first: refused without saying which of the two was wrong.
    await customer.fill("input[name=email]", CUSTOMER.email);
    await customer.fill("input[name=code]", "AAAAA-BBBBB");
    await customer.fill("input[name=password]", CUSTOMER.password);
    await customer.fill("input[name=confirm]", CUSTOMER.password);
    await customer.getByRole("button", { name: "Activer et me connecter" }).click();
    await customer.getByText("Adresse e-mail ou code d'accès incorrect, ou code expiré ou déjà utilisé.").waitFor();
    // Typed as a person would: lower case, a space instead of the dash.
    await customer.fill("input[name=code]", code.toLowerCase().replace("-", " "));
    await customer.fill("input[name=password]", CUSTOMER.password);
    await customer.fill("input[name=confirm]", CUSTOMER.password);
    await customer.getByRole("button", { name: "Activer et me connecter" }).click();
    await customer.waitForURL(new RegExp(`/espace/${state.orgId}/compte$`));

    await customer.getByRole("heading", { name: "Mon compte" }).waitFor();
    expect(await customer.getByTestId("space-balance").innerText()).toMatch(euros("720,00 €"));
    expect(await customer.getByTestId("space-reference").innerText()).not.toBe("");
    await check(customer);
    await shot(customer, "04-home");

    await customer.getByRole("link", { name: "Relevé", exact: true }).first().click();
    await customer.getByRole("heading", { name: "Relevé de compte" }).waitFor();
    const statement = await text(customer);
    for (const number of state.numbers) expect(statement).toContain(`Facture ${number}`);
    expect(statement).toMatch(euros("720,00 €"));
    await check(customer);
    await shot(customer, "05-statement");

    await customer.getByRole("link", { name: "Factures", exact: true }).first().click();
    await customer.getByRole("heading", { name: "Mes factures" }).waitFor();
    for (const number of state.numbers) await customer.getByText(number).first().waitFor();
    await check(customer);
    await shot(customer, "06-invoices");

    await customer.goto(`${server.url}/espace/${state.orgId}/paiements`);
    await customer.getByText("Aucun paiement pour l'instant.").waitFor();
    await check(customer);

    // The merchant sees the space active.
    await merchant.goto(`${server.url}/customers/${state.customerId}`);
    expect(await merchant.getByTestId("customer-space-state").innerText()).toBe("Espace client actif.");
  });

  it("she pays part of it by card; the webhook settles the oldest invoices", async () => {
    await customer.goto(`${server.url}/espace/${state.orgId}/compte`);
    await customer.getByTestId("pay-balance").click();
    await customer.waitForURL(new RegExp(`/espace/${state.orgId}/payer$`));
    await hydrated(customer);
    await customer.getByText(/Reste à payer : 720,00\s€/).waitFor();
    expect(await customer.locator("input[name=amount]").inputValue()).toBe("720,00");
    await check(customer);
    await shot(customer, "07-pay-balance");

    // Above the balance without confirming: refused, with the warning's box to tick.
    await customer.fill("input[name=amount]", "800");
    await customer.getByRole("button", { name: "Payer par carte (Stripe)" }).click();
    await customer.getByText("Ce montant dépasse ce qui reste à payer : confirmez-le, l’excédent restera en crédit sur votre compte.").waitFor();
    await shot(customer, "08-pay-above-refused");

    await customer.fill("input[name=amount]", "300");
    await customer.getByRole("button", { name: "Payer par carte (Stripe)" }).click();
    await customer.waitForURL(/\/pages\/stripe\/checkout\//);
    await shot(customer, "09-stripe-checkout");
    await customer.getByRole("button", { name: /Payer 300,00/ }).click();
    await customer.waitForURL(/return=stripe/);
    // Waiting for the provider's news, or already told how it ended: the form is not offered meanwhile.
    await customer.locator('[data-testid="return-awaiting"], [data-testid="return-outcome"]').first().waitFor();
    await check(customer);
    await shot(customer, "10-back-from-stripe");

    // The webhook processed: the balance is down to 420 €.
    await customer.goto(`${server.url}/espace/${state.orgId}/compte`);
    await reloadUntil(customer, async () => /420,00\s€/.test(await customer.getByTestId("space-balance").innerText()), "the balance at 420,00 €");
    await check(customer);
    await shot(customer, "11-home-after-card");
    await (await openMailbox(customer, server.url, "Confirmation de votre paiement de 300,00 €")).click();
    const receipt = await customer.getByTestId("email-text").innerText();
    expect(receipt).toMatch(/Reste à payer sur votre compte : 420,00\s€/);
    await check(customer);
    await shot(customer, "12-card-receipt-email");

    await customer.goto(`${server.url}/espace/${state.orgId}/paiements`);
    const payments = await customer.getByTestId("space-payments-narrow").innerText();
    expect(payments).toMatch(/300,00\s€/);
    await check(customer);
    await shot(customer, "13-payments-after-card");
  });

  it("she pays the rest by direct debit, which the sandbox confirms by itself", async () => {
    await customer.goto(`${server.url}/espace/${state.orgId}/payer`);
    await hydrated(customer);
    await customer.getByText(/Reste à payer : 420,00\s€/).waitFor();
    expect(await customer.locator("input[name=amount]").inputValue()).toBe("420,00");
    await customer.getByRole("button", { name: "Payer par prélèvement (GoCardless)" }).click();
    await customer.waitForURL(/\/pages\/gocardless\/flow\//);
    await customer.fill("input[name=holder]", CUSTOMER.name);
    await customer.check("input[name=consent]");
    await shot(customer, "14-gocardless-mandate");
    await customer.getByRole("button", { name: "Signer le mandat" }).click();
    await customer.waitForURL(/return=gocardless/);
    // Waiting for the provider's news, or already told how it ended: the form is not offered meanwhile.
    await customer.locator('[data-testid="return-awaiting"], [data-testid="return-outcome"]').first().waitFor();
    await check(customer);
    await shot(customer, "15-back-from-gocardless");

    await customer.goto(`${server.url}/espace/${state.orgId}/compte`);
    await reloadUntil(customer, async () => (await customer.getByTestId("space-balance").innerText()).includes("Soldé"), "the account settled");
    expect(await customer.getByTestId("pay-balance").count()).toBe(0);
    await check(customer);
    await shot(customer, "16-home-settled");
    await (await openMailbox(customer, server.url, "Confirmation de votre paiement de 420,00 €")).click();
    expect(await customer.getByTestId("email-text").innerText()).toContain("Votre compte est entièrement réglé.");
    await check(customer);

    await customer.goto(`${server.url}/espace/${state.orgId}/payer`);
    await customer.getByTestId("nothing-to-pay").waitFor();
    await customer.goto(`${server.url}/espace/${state.orgId}/releve`);
    await check(customer);
    await shot(customer, "17-statement-settled");
    await customer.goto(`${server.url}/espace/${state.orgId}/paiements`);
    await check(customer);
    await shot(customer, "18-payments-settled");
  });

  it("the merchant sees the account settled and each invoice paid", async () => {
    await merchant.goto(`${server.url}/customers/${state.customerId}`);
    await merchant.getByText("Soldé").first().waitFor();
    expect(
      await merchant
        .getByText(/Solde \(EUR\) :/)
        .first()
        .innerText(),
    ).toMatch(/Soldé/);
    // Each invoice, in the customer's list of invoices (not the account's movements): paid.
    for (const number of state.numbers) {
      const row = merchant.getByRole("row").filter({ has: merchant.getByRole("link", { name: number, exact: true }) });
      expect(await row.innerText()).toContain("Payée");
    }
    await check(merchant);
    await shot(merchant, "19-merchant-customer-settled");
    await openMailbox(merchant, server.url, "Paiement reçu : 300,00 € — compte");
    await openMailbox(merchant, server.url, "Paiement reçu : 420,00 € — compte");
  });

  it("the space in English, and no console error, policy violation or translation key anywhere", async () => {
    await customer.goto(`${server.url}/espace/${state.orgId}/compte`);
    await hydrated(customer);
    await customer.getByRole("button", { name: "English" }).click();
    await customer.getByRole("heading", { name: "My account" }).waitFor();
    await check(customer);
    await shot(customer, "20-home-en");
    for (const path of ["/releve", "/factures", "/paiements", "/payer", "/mot-de-passe"]) {
      await customer.goto(`${server.url}/espace/${state.orgId}${path}`);
      await check(customer);
      await shot(customer, `21-en${path.replace("/", "-")}`);
    }
    expect(keys).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(violations).toEqual([]);
  });
});

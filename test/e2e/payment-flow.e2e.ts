import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hydrated, launchChromium, openMailbox, signUpInBrowser, watchPolicy } from "./browser";
import { startServer } from "./server";

const ARTEFACTS = "test-results/e2e";
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let merchant: Page;
/** Content-Security-Policy violations on any page of the flow, the app's or the mailbox's: there must be none. */
const violations: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  merchant = watchPolicy(await (await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage(), violations);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTEFACTS}/${name}.png`, fullPage: true });

async function connect(provider: "GoCardless" | "Stripe") {
  await merchant.goto(`${server.url}/settings/payments`);
  const card = merchant.locator("section", { hasText: `${provider} —` });
  await card.getByRole("button", { name: "Connecter un compte existant" }).click();
  await merchant.waitForURL(/\/pages\/.*\/oauth\/authorize/);
  await shot(merchant, `03-consent-${provider.toLowerCase()}`);
  await merchant.getByRole("button", { name: "Autoriser" }).click();
  await merchant.waitForURL(/connected=/);
  await merchant.getByText(`${provider} est connecté`).waitFor();
}

const openMailboxUntil = (subject: string) => openMailbox(merchant, server.url, subject);

/** Creates, finalises and sends an invoice; returns the consultation link read from the local mailbox. */
async function invoiceAndSend(description: string, amount: string) {
  await merchant.goto(`${server.url}/invoices/new`);
  await merchant.selectOption("select[name=customerId]", { label: "Rivière Conseil (Lucie Moreau)" });
  await merchant.fill("input[name='lines[0].description']", description);
  await merchant.fill("input[name='lines[0].quantity']", "1");
  await merchant.fill("input[name='lines[0].unitPrice']", amount);
  await merchant.fill("input[name='lines[0].vatRate']", "20");
  await merchant.check("input[name=onlinePayment]");
  await merchant.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await merchant.waitForURL(/\/invoices\/c[a-z0-9]+$/);
  await merchant.getByRole("button", { name: "Finaliser" }).click();
  const finalised = await merchant.getByText(/Facture F\d{4}-\d{4} finalisée/).innerText();
  const number = /F\d{4}-\d{4}/.exec(finalised)![0];
  await merchant.getByRole("heading", { name: `Facture ${number}` }).waitFor();
  await merchant.getByRole("button", { name: "Envoyer par e-mail" }).click();
  await merchant.getByText("E-mail en file d'envoi vers lucie@example.fr.").waitFor();
  await shot(merchant, `05-invoice-sent-${number}`);

  await (await openMailboxUntil(`Facture ${number} d'Atelier Rivière`)).click();
  const text = await merchant.getByTestId("email-text").innerText();
  expect(text).toContain(`Facture ${number}`);
  await shot(merchant, `06-mailbox-${number}`);
  return { number, link: /http:\/\/localhost:\d+\/i\/[\w-]+/.exec(text)![0] };
}

async function waitForPaid(page: Page) {
  for (let i = 0; i < 40; i++) {
    if (await page.getByText("Cette facture est réglée. Merci !").isVisible()) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  throw new Error("the invoice never showed as paid");
}

describe("the whole flow in a real browser, offline", () => {
  it("signs up, connects both providers, invoices, sends, and the customer pays by card", async () => {
    await signUpInBrowser(merchant, server.url, {
      name: "Camille Rivière",
      email: "camille@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Rivière",
    });
    await shot(merchant, "01-signed-up");
    await merchant.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 18");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Format de l'IBAN incorrect.").waitFor();
    await merchant.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
    await merchant.fill("input[name=siret]", "73282932000074");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Modifications enregistrées.").waitFor();
    await shot(merchant, "02-organisation");

    await connect("GoCardless");
    await connect("Stripe");
    await shot(merchant, "04-payment-settings");

    await merchant.goto(`${server.url}/customers/new`);
    await merchant.fill("input[name=name]", "Lucie Moreau");
    await merchant.fill("input[name=company]", "Rivière Conseil");
    await merchant.fill("input[name=email]", "lucie@example.fr");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.waitForURL(/\/customers\/c[a-z0-9]+$/);

    const { number, link } = await invoiceAndSend("Accompagnement comptable", "300");
    const customer = watchPolicy(
      await (await browser.newContext({ locale: "fr-FR", viewport: { width: 390, height: 844 }, isMobile: true })).newPage(),
      violations,
    );
    await customer.goto(link);
    await hydrated(customer); // the kept consultation page's inline scripts ran with this answer's nonce
    await customer.getByText(`Facture ${number}`).first().waitFor();
    expect(await customer.getByTestId("amount-due").innerText()).toMatch(/360,00\s€/);
    await shot(customer, "07-consultation-mobile");
    await customer.getByRole("button", { name: "Payer par carte (Stripe)" }).click();
    await customer.waitForURL(/\/pages\/stripe\/checkout\//);
    await shot(customer, "08-stripe-checkout");
    await customer.getByRole("button", { name: /Payer 360,00/ }).click();
    await customer.waitForURL(/return=stripe/);
    await waitForPaid(customer);
    await shot(customer, "09-consultation-paid");

    await merchant.goto(`${server.url}/invoices`);
    await merchant.getByRole("link", { name: number }).click();
    await merchant.getByText("Payée").first().waitFor();
    await shot(merchant, "10-merchant-invoice-paid");
    expect(await merchant.getByTestId("notifications-link").innerText()).toMatch(/1/);
    await openMailboxUntil(`Paiement reçu : 360,00 € — facture ${number}`);
    await openMailboxUntil(`Confirmation de votre paiement — facture ${number}`);
    expect(violations).toEqual([]);
  });

  it("the customer pays the next invoice by SEPA direct debit, through to its confirmation", async () => {
    const { number, link } = await invoiceAndSend("Déclaration de TVA", "100");
    const customer = watchPolicy(await (await browser.newContext({ locale: "fr-FR" })).newPage(), violations);
    await customer.goto(link);
    await customer.getByRole("button", { name: "Payer par prélèvement (GoCardless)" }).click();
    await customer.waitForURL(/\/pages\/gocardless\/flow\//);
    await customer.fill("input[name=holder]", "Lucie Moreau");
    await customer.check("input[name=consent]");
    await shot(customer, "11-gocardless-mandate");
    await customer.getByRole("button", { name: "Signer le mandat" }).click();
    await customer.waitForURL(/return=gocardless/);
    await customer.getByTestId("processing").waitFor();
    await shot(customer, "12-consultation-processing");
    await waitForPaid(customer);

    await merchant.goto(`${server.url}/invoices?status=paid`);
    await merchant.getByRole("link", { name: number }).waitFor();
    await openMailboxUntil(`Paiement reçu : 120,00 € — facture ${number}`);
    await shot(merchant, "13-mailbox-after-debit");
    expect(violations).toEqual([]);
  });
});

/**
 * Issue 11's double payment, in a real browser against the running app and sandbox: the customer starts
 * a direct debit, comes back, is told it is on its way, and can pay by card only after confirming they
 * know; the overpayment that follows is shown, and the merchant refunds the excess in one click.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signUpInBrowser } from "./browser";
import { startServer } from "./server";

const ARTEFACTS = "test-results/e2e";
/** Long enough for the customer to come back and pay by card while the debit is still in flight. */
const DEBIT_SECONDS = 30;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let merchant: Page;

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer({ SANDBOX_DEBIT_SECONDS: String(DEBIT_SECONDS) });
  browser = await launchChromium();
  merchant = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTEFACTS}/${name}.png`, fullPage: true });

async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string, seconds = 60) {
  for (let i = 0; i < seconds * 2; i++) {
    if (await ready()) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  throw new Error(`never saw ${what}`);
}

async function connect(provider: "GoCardless" | "Stripe") {
  await merchant.goto(`${server.url}/settings/payments`);
  await merchant
    .locator("section", { hasText: `${provider} —` })
    .getByRole("button", { name: "Connecter un compte existant" })
    .click();
  await merchant.waitForURL(/\/pages\/.*\/oauth\/authorize/);
  await merchant.getByRole("button", { name: "Autoriser" }).click();
  await merchant.getByText(`${provider} est connecté`).waitFor();
}

/** A merchant with both providers, a customer, and a 120,00 € invoice sent; returns the consultation link. */
async function sentInvoice() {
  await signUpInBrowser(merchant, server.url, {
    name: "Camille Rivière",
    email: "camille@example.fr",
    password: "un mot de passe solide",
    organisationName: "Atelier Rivière",
  });
  await connect("GoCardless");
  await connect("Stripe");

  await merchant.goto(`${server.url}/customers/new`);
  await merchant.fill("input[name=name]", "Lucie Moreau");
  await merchant.fill("input[name=email]", "lucie@example.fr");
  await merchant.getByRole("button", { name: "Enregistrer" }).click();
  await merchant.waitForURL(/\/customers\/c[a-z0-9]+$/);

  await merchant.goto(`${server.url}/invoices/new`);
  await merchant.selectOption("select[name=customerId]", { label: "Lucie Moreau" });
  await merchant.fill("input[name='lines[0].description']", "Tenue de comptabilité");
  await merchant.fill("input[name='lines[0].quantity']", "1");
  await merchant.fill("input[name='lines[0].unitPrice']", "100");
  await merchant.fill("input[name='lines[0].vatRate']", "20");
  await merchant.check("input[name=onlinePayment]");
  await merchant.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await merchant.waitForURL(/\/invoices\/c[a-z0-9]+$/);
  const invoiceUrl = merchant.url();
  await merchant.getByRole("button", { name: "Finaliser" }).click();
  await merchant.getByRole("button", { name: "Envoyer par e-mail" }).click();
  await merchant.getByText("E-mail en file d'envoi vers lucie@example.fr.").waitFor();
  const link = (await merchant.locator('a[href*="/i/"]').first().getAttribute("href"))!;
  return { link, invoiceUrl };
}

describe("a customer who pays twice", () => {
  it("is told the debit is on its way, must confirm to pay by card, and the merchant refunds the excess in one click", async () => {
    const { link, invoiceUrl } = await sentInvoice();
    const customer = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 900, height: 1000 } })).newPage();

    // The direct debit, on the sandbox's GoCardless flow page.
    await customer.goto(link);
    expect(await customer.getByTestId("amount-due").innerText()).toMatch(/120,00\s€/);
    await customer.getByRole("button", { name: "Payer par prélèvement (GoCardless)" }).click();
    await customer.waitForURL(/\/pages\/gocardless\/flow\//);
    await customer.fill("input[name=holder]", "Lucie Moreau");
    await customer.check("input[name=consent]");
    await customer.getByRole("button", { name: "Signer le mandat" }).click();
    await customer.waitForURL(/return=gocardless/);

    // Back on the invoice: the debit is in progress and nothing is offered ready to pay.
    const inProgress = customer.getByTestId("in-flight-payment");
    await reloadUntil(customer, () => inProgress.isVisible(), "the debit in progress");
    expect(await inProgress.innerText()).toMatch(/^Paiement de 120,00\s€ en cours \(prélèvement, lancé le \d{1,2} \S+ \d{4}\)\.$/);
    await customer.getByText("Le paiement en cours couvre le reste à payer").waitFor();
    expect(await customer.getByTestId("amount-due").innerText()).toMatch(/0,00\s€/);
    const cardButton = customer.getByRole("button", { name: "Payer par carte (Stripe)" });
    expect(await cardButton.isVisible()).toBe(false);
    await shot(customer, "20-debit-in-progress");

    // Paying anyway by card: refused until the customer ticks the confirmation.
    await customer.getByText("Payer quand même", { exact: true }).click();
    expect(await customer.locator("input[name=amount]").inputValue()).toBe("");
    await cardButton.click();
    await customer.getByText("Un paiement est déjà en cours pour cette facture : cochez la case pour confirmer").waitFor();
    expect(customer.url()).not.toMatch(/\/pages\/stripe\//);
    await shot(customer, "21-card-needs-confirmation");
    await customer.getByLabel(/Je sais qu'un paiement de 120,00\s€ est déjà en cours/).check();
    await cardButton.click();
    await customer.waitForURL(/\/pages\/stripe\/checkout\//);
    await customer.getByRole("button", { name: /Payer 120,00/ }).click();
    await customer.waitForURL(/return=stripe/);
    await reloadUntil(customer, () => customer.getByText("Cette facture est réglée. Merci !").isVisible(), "the invoice paid by card");

    // The debit is collected as well: the invoice shows the excess on both sides.
    await reloadUntil(customer, () => customer.getByTestId("overpaid-notice").isVisible(), "the overpayment", DEBIT_SECONDS + 30);
    expect(await customer.getByTestId("overpaid-notice").innerText()).toMatch(/Vous avez payé 120,00\s€ de plus que le montant de cette facture/);
    await shot(customer, "22-consultation-overpaid");

    await merchant.goto(invoiceUrl);
    expect(await merchant.getByTestId("overpaid").innerText()).toMatch(/120,00\s€/);
    await shot(merchant, "23-merchant-overpaid");
    await merchant.getByRole("button", { name: /Rembourser l'excédent \(120,00\s€\)/ }).click();
    await merchant.getByText(/Remboursement de 120,00\s€ demandé\. Il sera compté/).waitFor();
    await merchant.getByText(/Remboursement de 120,00\s€ demandé le/).waitFor();
    expect(await merchant.getByRole("button", { name: /Rembourser l'excédent/ }).count()).toBe(0);
    await shot(merchant, "24-merchant-refund-requested");
    // Stripe's refund events arrive: the refund counts and the excess is gone.
    await reloadUntil(merchant, async () => !(await merchant.getByTestId("overpaid").isVisible()), "the refund counted");
    await merchant.getByText(/Remboursement de 120,00\s€ effectué/).waitFor();
    await shot(merchant, "25-merchant-refunded");
  });
});

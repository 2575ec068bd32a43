/**
 * Issue 13 in a real browser, with screenshots at desktop and phone widths (test-results/e2e/13-*.png):
 * the question after the first provider connection and what the invoice page says (item 2), the customer
 * back from Stripe watching the page settle by itself (3), a voided invoice's link and a closed checkout
 * (4), the favicon, focus on the first field in error, the invoice lines on a phone and the duplicate
 * email warning (9), and no translation key on any page or email, in French and English (1).
 *
 * The web, worker and sandbox processes run apart, so the test can hold the worker back: the customer
 * then really is back from Stripe before the payment's news is processed.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER_NOTICE_KINDS, NOTIFICATION_KINDS, notify } from "~/domain/notifications";
import { createDb, type Db } from "~/lib/db.server";
import { keysIn } from "../helpers/i18n";
import { hydrated, launchChromium, openMailbox, signUpInBrowser, watchPolicy } from "./browser";
import { migrate, type RunningProcess, startSandbox, startWeb, startWorker, testEnvironment } from "./server";

const ARTEFACTS = "test-results/e2e";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 740 };

let env: Awaited<ReturnType<typeof testEnvironment>>;
let base: string;
let web: RunningProcess;
let sandbox: RunningProcess;
let worker: RunningProcess;
let db: Db;
let browser: Browser;
let merchant: Page;
let customer: Page;
const violations: string[] = [];
const missingIcons: string[] = [];
/** Shared between the steps: the invoices sent and their consultation links. */
const sent: { paid?: { number: string; link: string; id: string }; voided?: { link: string } } = {};

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  env = await testEnvironment();
  base = env.APP_URL;
  migrate(env);
  web = await startWeb(env, Number(env.PORT));
  sandbox = await startSandbox(env);
  worker = startWorker(env);
  db = createDb(env.DATABASE_URL);
  browser = await launchChromium();
  const watch = (page: Page) => {
    watchPolicy(page, violations);
    page.on("response", (response) => {
      if (/favicon/.test(response.url()) && response.status() >= 400) missingIcons.push(`${response.status()} ${response.url()}`);
    });
    return page;
  };
  merchant = watch(await (await browser.newContext({ locale: "fr-FR", viewport: DESKTOP })).newPage());
  customer = watch(await (await browser.newContext({ locale: "fr-FR", viewport: PHONE, isMobile: true, hasTouch: true })).newPage());
});

afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
  await Promise.all([worker, web, sandbox].map((p) => p?.stop()));
});

/** A full-page screenshot at desktop and at phone width; the page goes back to the size it had. */
async function shots(page: Page, name: string) {
  const size = page.viewportSize() ?? DESKTOP;
  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${ARTEFACTS}/13-${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(size);
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("name") ?? document.activeElement?.tagName);

async function connect(provider: "GoCardless" | "Stripe") {
  await merchant.goto(`${base}/settings/payments`);
  await merchant
    .locator("section", { hasText: `${provider} —` })
    .getByRole("button", { name: "Connecter un compte existant" })
    .click();
  await merchant.waitForURL(/\/oauth\/authorize/);
  await merchant.getByRole("button", { name: "Autoriser" }).click();
  await merchant.waitForURL(/connected=/);
  await merchant.getByText(`${provider} est connecté`).waitFor();
}

/** A new invoice to Lucie; online payment as asked; finalised, sent, its link read from the local mailbox. */
async function invoiceAndSend(description: string, online: boolean) {
  await merchant.goto(`${base}/invoices/new`);
  await hydrated(merchant);
  await merchant.selectOption("select[name=customerId]", { label: "Rivière Conseil (Lucie Moreau)" });
  await merchant.fill("input[name='lines[0].description']", description);
  await merchant.fill("input[name='lines[0].quantity']", "1");
  await merchant.fill("input[name='lines[0].unitPrice']", "300");
  await merchant.fill("input[name='lines[0].vatRate']", "20");
  await merchant.setChecked("input[name=onlinePayment]", online);
  await merchant.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await merchant.waitForURL(/\/invoices\/c[a-z0-9]+$/);
  const id = merchant.url().split("/").pop()!;
  await merchant.getByRole("button", { name: "Finaliser" }).click();
  const number = /F\d{4}-\d{4}/.exec(await merchant.getByText(/Facture F\d{4}-\d{4} finalisée/).innerText())![0];
  await merchant.getByRole("button", { name: "Envoyer par e-mail" }).click();
  await merchant.getByText("E-mail en file d'envoi vers lucie@example.fr.").waitFor();
  await (await openMailbox(merchant, base, `Facture ${number} d'Atelier Rivière`)).click();
  const link = /http:\/\/localhost:\d+\/i\/[\w-]+/.exec(await merchant.getByTestId("email-text").innerText())![0];
  await merchant.goto(`${base}/invoices/${id}`);
  return { id, number, link };
}

describe("issue 13 in the browser", () => {
  it("merchant: favicon, focus on the first field in error, duplicate email, the online-payment question, what the customer will see, confirmation", async () => {
    await signUpInBrowser(merchant, base, {
      name: "Camille Rivière",
      email: "camille@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Rivière",
    });
    // The favicon is linked and served.
    expect(await merchant.locator('link[rel="icon"]').getAttribute("href")).toBe("/favicon.svg");
    expect(await merchant.evaluate(() => fetch("/favicon.svg").then((r) => `${r.status} ${r.headers.get("content-type")}`))).toMatch(/^200 image\/svg\+xml/);

    // A refused save: focus on the field in error.
    await hydrated(merchant);
    await merchant.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 18");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Format de l'IBAN incorrect.").waitFor();
    await expect.poll(() => focusedName(merchant)).toBe("iban");
    await merchant.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Modifications enregistrées.").waitFor();

    await merchant.goto(`${base}/customers/new`);
    await hydrated(merchant);
    await merchant.fill("input[name=email]", "pas-une-adresse");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.getByText("Ce champ est obligatoire.").waitFor();
    await expect.poll(() => focusedName(merchant)).toBe("name"); // the first of the two fields in error
    await shots(merchant, "09-focus-first-error");
    // Without JavaScript too: the page comes back from the server with the cursor in the first field in error.
    const cookies = await merchant.context().cookies();
    const noScript = await browser.newContext({ locale: "fr-FR", viewport: DESKTOP, javaScriptEnabled: false });
    await noScript.addCookies(cookies);
    const plain = await noScript.newPage();
    await plain.goto(`${base}/customers/new`);
    await plain.fill("input[name=email]", "pas-une-adresse");
    await plain.getByRole("button", { name: "Enregistrer" }).click();
    await plain.getByText("Ce champ est obligatoire.").waitFor();
    expect(await focusedName(plain)).toBe("name");
    await noScript.close();
    await merchant.fill("input[name=name]", "Lucie Moreau");
    await merchant.fill("input[name=company]", "Rivière Conseil");
    await merchant.fill("input[name=email]", "lucie@example.fr");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.waitForURL(/\/customers\/c[a-z0-9]+$/);

    // The same email again: saved, with a warning and a link to the other customer.
    await merchant.goto(`${base}/customers/new`);
    await merchant.fill("input[name=name]", "L. Moreau");
    await merchant.fill("input[name=email]", "lucie@example.fr");
    await merchant.getByRole("button", { name: "Enregistrer" }).click();
    await merchant.waitForURL(/\/customers\/c[a-z0-9]+$/);
    const warning = merchant.getByTestId("duplicate-email");
    expect(await warning.innerText()).toContain("Un client avec cet e-mail existe déjà : Rivière Conseil (Lucie Moreau)");
    await shots(merchant, "09-duplicate-email");
    await warning.getByRole("link", { name: "Rivière Conseil (Lucie Moreau)" }).click();
    await merchant.getByRole("heading", { name: "Lucie Moreau" }).waitFor();
    // Her own details in the form, not those of the customer page the link came from (the page stays mounted).
    await hydrated(merchant);
    expect(await merchant.inputValue("input[name=name]")).toBe("Lucie Moreau");
    // Saving them: the form then shows what was stored (the email in lower case), not what it first held.
    await merchant.fill("input[name=city]", "Lyon");
    await merchant.fill("input[name=email]", "Lucie@Example.FR");
    await merchant.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await merchant.getByText("Modifications enregistrées.").waitFor();
    await expect.poll(() => merchant.inputValue("input[name=email]")).toBe("lucie@example.fr");
    expect(await merchant.inputValue("input[name=city]")).toBe("Lyon");

    // Sent before any provider was connected: no online payment on it.
    const early = await invoiceAndSend("Bilan annuel", false);

    // The first provider: the question, yes preselected.
    await connect("GoCardless");
    const question = merchant.getByTestId("online-default-question");
    await question.getByText("Proposer le paiement en ligne sur toutes vos factures ?").waitFor();
    expect(await question.getByLabel("Oui, sur toutes les nouvelles factures").isChecked()).toBe(true);
    await shots(merchant, "02-online-default-question");
    await question.getByLabel("L'activer aussi sur les factures déjà envoyées et non réglées (1)").check();
    await question.getByRole("button", { name: "Enregistrer mon choix" }).click();
    await merchant.getByText("Paiement en ligne activé sur les factures déjà envoyées et non réglées (1).").waitFor();
    await connect("Stripe");
    expect(await merchant.getByTestId("online-default-question").count()).toBe(0);

    await merchant.goto(`${base}/invoices/${early.id}`);
    expect(await merchant.getByTestId("online-summary").innerText()).toBe(
      "Le client peut payer en ligne depuis le lien de la facture : Prélèvement, Carte bancaire.",
    );

    // An invoice with online payment unticked: the page says what the customer sees instead of listing methods.
    const offline = await invoiceAndSend("Conseil ponctuel", false);
    expect(await merchant.getByTestId("online-summary").innerText()).toBe(
      "Paiement en ligne désactivé pour cette facture : le client ne voit que les coordonnées de virement.",
    );
    await shots(merchant, "02-invoice-online-off");

    // Cancelling it (a credit note for the whole of it) takes a confirmation step, opened in place, focus on its question.
    await merchant.getByRole("link", { name: "Émettre un avoir pour la totalité" }).click();
    const step = merchant.getByTestId("confirm-step");
    await step.getByRole("heading", { name: `Émettre un avoir pour la totalité de la facture ${offline.number} ?` }).waitFor();
    await expect.poll(() => merchant.evaluate(() => document.activeElement?.id)).toBe("confirm-title");
    expect(merchant.url()).toContain("?confirm=void#confirm");
    await shots(merchant, "06-confirm-void");
    await step.getByRole("button", { name: "Oui, émettre l'avoir" }).click();
    await step.getByText("Ce champ est obligatoire.").waitFor();
    await expect.poll(() => focusedName(merchant)).toBe("reason");
    await merchant.fill("input[name=reason]", "Erreur de client");
    await step.getByRole("button", { name: "Oui, émettre l'avoir" }).click();
    await merchant.getByText(/Avoir AV\d{4}-\d+ émis pour la totalité : la facture est annulée par avoir\./).waitFor();
    sent.voided = { link: offline.link };
    sent.paid = await invoiceAndSend("Accompagnement comptable", true);
    expect(violations).toEqual([]);
  });

  it("customer: the page on a phone, back from Stripe while the news is on its way, a closed checkout, a voided invoice", async () => {
    const { link, number } = sent.paid!;
    await customer.goto(link);
    await hydrated(customer);
    await customer.getByText(`Facture ${number}`).first().waitFor();
    // Nothing wider than the phone: the lines are blocks, not a five-column table.
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await customer.getByTestId("lines-narrow").isVisible()).toBe(true);
    expect(await customer.getByTestId("lines-narrow").innerText()).toMatch(/Accompagnement comptable\s+1 × 300,00\s€ HT · TVA 20\s%\s+300,00\s€/);
    await shots(customer, "09-consultation");

    // The worker held back: the payment's news waits, as when the provider is slow.
    await worker.stop();
    await customer.getByRole("button", { name: "Payer par carte (Stripe)" }).click();
    await customer.waitForURL(/\/pages\/stripe\/checkout\//);
    const checkout = customer.url();
    await customer.getByRole("button", { name: /Payer 360,00/ }).click();
    await customer.waitForURL(/return=stripe/);
    await hydrated(customer);
    const awaiting = customer.getByTestId("return-awaiting");
    await awaiting.getByText("Votre paiement a été transmis à Stripe. Nous attendons sa confirmation").waitFor();
    await customer.getByTestId("return-live").getByText("Cette page se met à jour d'elle-même dès la confirmation.").waitFor();
    await customer.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await shots(customer, "03-return-awaiting");

    // The news processed: the page settles by itself, without a reload, and ?return= leaves the address.
    worker = startWorker(env);
    await customer.getByText("Cette facture est réglée. Merci !").waitFor({ timeout: 60_000 });
    expect(await awaiting.count()).toBe(0);
    await expect.poll(() => customer.url()).not.toContain("return=");
    expect(await customer.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shots(customer, "03-return-settled");

    // The checkout in a second tab, now closed: it says why and leads back to the invoice.
    await customer.goto(checkout);
    await customer.getByText("Ce paiement est déjà effectué : cette page de paiement est fermée.").waitFor();
    await shots(customer, "04-checkout-closed");
    await customer.getByRole("link", { name: "Revenir à la facture" }).click();
    await customer.getByText("Cette facture est réglée. Merci !").waitFor();

    // The cancelled invoice's link still opens it: nothing to pay, its credit note to download.
    const voided = await customer.goto(sent.voided!.link);
    expect(voided?.status()).toBe(200);
    await customer.getByText("Cette facture est annulée par avoir : rien n'est à payer.").waitFor();
    expect(await customer.getByText("De la part d'Atelier Rivière").count()).toBe(1);
    await shots(customer, "04-voided-link");
    expect(violations).toEqual([]);
  });

  it("no translation key on the pages and emails, in French and in English", async () => {
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: sent.paid!.id } });
    const { organisationId } = invoice;
    // Payments of every other kind and refunds of every status on the paid invoice, and a notice of every kind.
    const payment = (id: string, fields: Record<string, unknown>) =>
      db.payment.create({
        data: {
          organisationId,
          customerId: invoice.customerId,
          invoiceId: invoice.id,
          provider: "stripe",
          providerPaymentId: id,
          method: "card",
          amountMinor: 1000,
          currency: "EUR",
          status: "confirmed",
          ...fields,
        },
      });
    await payment("pi_e2e_failed", { status: "failed" });
    await payment("pi_e2e_disputed", { flag: "dispute" });
    await payment("PM_E2E_PROCESSING", { provider: "gocardless", method: "direct_debit", status: "processing" });
    await payment("PM_E2E_CHARGED_BACK", { provider: "gocardless", method: "direct_debit", status: "charged_back", flag: "chargeback" });
    for (const status of ["pending", "succeeded", "failed", "canceled"]) {
      await db.paymentReversal.create({
        data: {
          organisationId,
          provider: "stripe",
          providerRef: `re_e2e_${status}`,
          providerPaymentId: "pi_e2e_disputed",
          kind: "refund",
          amountMinor: 100,
          currency: "EUR",
          status,
          statusAt: new Date(),
        },
      });
    }
    await db.$transaction(async (tx) => {
      for (const kind of NOTIFICATION_KINDS) {
        const customerToo = (CUSTOMER_NOTICE_KINDS as readonly string[]).includes(kind);
        const facts = { organisationId, kind, dedupeKey: `e2e/${kind}`, invoiceId: invoice.id, amountMinor: 1000, currency: "EUR", excessMinor: 500 };
        await notify(tx, { ...facts, provider: "stripe", method: "card", customer: customerToo }, base);
      }
    });

    const pages = [`/invoices/${invoice.id}`, "/notifications", "/invoices", "/customers", "/settings/payments", "/settings/webhooks"];
    const keysOn = async (page: Page, url: string) => keysIn(await page.evaluate(() => document.body.innerText)).map((key) => `${url}: ${key}`);
    for (const language of ["Français", "English"]) {
      const found: string[] = [];
      if (language === "English") {
        await merchant.goto(`${base}/invoices`);
        await merchant.getByRole("button", { name: "English" }).click();
        await merchant.getByRole("heading", { name: "Invoices" }).waitFor();
        await customer.goto(sent.paid!.link);
        await customer.getByRole("button", { name: "English" }).click();
        await customer.getByText("From Atelier Rivière").waitFor();
      }
      for (const url of pages) {
        await merchant.goto(`${base}${url}`);
        found.push(...(await keysOn(merchant, url)));
      }
      for (const url of [sent.paid!.link, sent.voided!.link]) {
        await customer.goto(url);
        found.push(...(await keysOn(customer, url)));
      }
      expect(found).toEqual([]);
      const suffix = language === "English" ? "en" : "fr";
      await merchant.goto(`${base}/invoices/${invoice.id}`);
      await shots(merchant, `01-invoice-every-kind-${suffix}`);
      await merchant.goto(`${base}/notifications`);
      await shots(merchant, `01-notifications-${suffix}`);
      await customer.goto(sent.paid!.link);
      await shots(customer, `01-consultation-${suffix}`);
    }

    // Every email the worker delivered, as its recipient reads it.
    await merchant.waitForTimeout(2000);
    await merchant.goto(`${base}/mailbox`);
    const emails = await merchant.locator('a[href^="/mailbox/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    expect(emails.length).toBeGreaterThan(15);
    const found: string[] = [];
    for (const href of emails) {
      await merchant.goto(`${base}${href}`);
      const text = `${await merchant.locator("h1").first().innerText()}\n${await merchant.getByTestId("email-text").innerText()}`;
      found.push(...keysIn(text).map((key) => `${href}: ${key}`));
    }
    expect(found).toEqual([]);
    // The customer's receipt (item 5): greeting, payment method, what is left to pay.
    await (await openMailbox(merchant, base, `Confirmation de votre paiement — facture ${sent.paid!.number}`)).click();
    await shots(merchant, "05-receipt-email");
    expect(missingIcons).toEqual([]);
    expect(violations).toEqual([]);
  });
});

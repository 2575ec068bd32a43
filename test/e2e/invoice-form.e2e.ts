import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signUpInBrowser, watchConsoleErrors } from "./browser";
import { startServer } from "./server";

// The invoice form with JavaScript: lines are added and removed in the page, totals follow the typing,
// and the same schema as the server's reports errors next to the right line before anything is posted.

const ARTEFACTS = "test-results/e2e";
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let page: Page;
/** What the browser's console reported as errors (a hydration mismatch would show here). */
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  page = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 1000 } })).newPage();
  watchConsoleErrors(page, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the invoice form in a browser", () => {
  it("adds and removes lines in the page, follows the totals, and shows a line's error next to it", async () => {
    await signUpInBrowser(page, server.url, {
      name: "Paul Formulaire",
      email: "paul@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Formulaire",
    });
    await page.goto(`${server.url}/customers/new`);
    // A refused customer form keeps what was typed (here checked in the browser, after the server's answer).
    await page.fill("input[name=name]", "Lucie Moreau");
    await page.fill("input[name=email]", "pas-une-adresse");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Adresse e-mail invalide.").waitFor();
    expect(await page.inputValue("input[name=name]")).toBe("Lucie Moreau");
    await page.fill("input[name=email]", "lucie@example.fr");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("heading", { name: "Lucie Moreau" }).waitFor();

    await page.goto(`${server.url}/invoices/new`);
    await page.selectOption("select[name=customerId]", { label: "Lucie Moreau" });
    await page.fill("input[name='lines[0].description']", "Audit");
    await page.fill("input[name='lines[0].unitPrice']", "100");
    await page.getByText("120,00 €").first().waitFor(); // total with 20 % VAT, computed as typed

    const url = page.url();
    await page.getByRole("button", { name: "Ajouter une ligne" }).click();
    await page.locator("input[name='lines[1].description']").waitFor();
    expect(page.url()).toBe(url);
    await page.fill("input[name='lines[1].description']", "Déplacement");
    await page.fill("input[name='lines[1].unitPrice']", "douze");
    await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    // Refused in the browser: the message sits in line 1, and nothing was posted.
    await page.getByTestId("line-1").getByText("Montant invalide (ex. 1 234,56).").waitFor();
    expect(await page.getByTestId("line-0").getByText("Montant invalide").count()).toBe(0);
    expect(page.url()).toBe(url);
    await page.screenshot({ path: `${ARTEFACTS}/forms-01-line-error.png`, fullPage: true });

    // Correcting the field clears its message as it is typed.
    await page.fill("input[name='lines[1].unitPrice']", "10");
    await page.getByTestId("line-1").getByText("Montant invalide").waitFor({ state: "detached" });
    await page.getByText("132,00 €").first().waitFor();

    await page.getByTestId("line-0").getByRole("button", { name: "Retirer" }).click();
    await page.locator("input[name='lines[1].description']").waitFor({ state: "detached" });
    expect(await page.inputValue("input[name='lines[0].description']")).toBe("Déplacement");

    await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await page.getByRole("heading", { name: "Brouillon de facture" }).waitFor();
    await page.getByText("12,00 €").first().waitFor();
    expect(consoleErrors).toEqual([]);
  });
});

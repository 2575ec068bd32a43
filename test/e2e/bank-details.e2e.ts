import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signUpInBrowser, watchConsoleErrors } from "./browser";
import { startServer } from "./server";

// The organisation's bank details with JavaScript: the BIC of the IBAN's bank is proposed as the IBAN is
// typed (never over a BIC the merchant typed), and the BIC stored is the one saved.

const ARTEFACTS = "test-results/e2e";
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  page = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 1400 } })).newPage();
  watchConsoleErrors(page, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the bank details in a browser", () => {
  it("proposes the BIC as the IBAN is typed, keeps a BIC typed by hand, and saves what the field holds", async () => {
    await signUpInBrowser(page, server.url, {
      name: "Inès Banque",
      email: "ines@example.fr",
      password: "un mot de passe solide",
      organisationName: "Atelier Banque",
    });

    await page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
    await expect.poll(() => page.inputValue("input[name=bic]")).toBe("AGRIFRPPXXX");
    await page.getByText("Proposé d'après le code banque de l'IBAN : vérifiez-le, puis enregistrez.").waitFor();
    // Another bank's IBAN replaces the proposal; one the tables do not know clears it.
    await page.fill("input[name=iban]", "FR76 3000 4000 0312 3456 7890 143");
    await expect.poll(() => page.inputValue("input[name=bic]")).toBe("BNPAFRPPXXX");
    await page.fill("input[name=iban]", "FR76 1695 8000 0112 3456 7890 177");
    await expect.poll(() => page.inputValue("input[name=bic]")).toBe("");
    // A BIC typed by hand stays; a differing proposal is pointed out.
    await page.fill("input[name=bic]", "AGRIFRPP882");
    await page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
    await page.getByText("D'après le code banque de l'IBAN, le BIC serait AGRIFRPPXXX : vérifiez le vôtre.").waitFor();
    expect(await page.inputValue("input[name=bic]")).toBe("AGRIFRPP882");
    await page.fill("input[name=bic]", "");
    await page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 1890");
    await page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189");
    await expect.poll(() => page.inputValue("input[name=bic]")).toBe("AGRIFRPPXXX");
    await page.screenshot({ path: `${ARTEFACTS}/bank-01-bic-proposed.png`, fullPage: true });

    await page.fill("input[name=city]", "Lyon");
    await page.fill("input[name=country]", "be");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Modifications enregistrées.").waitFor();
    // Without a reload, the form shows what was stored (the country as saved, not as typed nor as it first was).
    await expect.poll(() => page.inputValue("input[name=country]")).toBe("BE");
    expect(await page.inputValue("input[name=city]")).toBe("Lyon");
    expect(await page.inputValue("input[name=bic]")).toBe("AGRIFRPPXXX");
    expect(await page.inputValue("input[name=iban]")).toBe("FR76 3000 6000 0112 3456 7890 189");
    expect(await page.getByText("Proposé d'après").count()).toBe(0);
    await page.reload();
    expect(await page.inputValue("input[name=city]")).toBe("Lyon");
    expect(await page.inputValue("input[name=country]")).toBe("BE");
    expect(await page.inputValue("input[name=bic]")).toBe("AGRIFRPPXXX");
    await expect.poll(() => page.getByText("Proposé d'après").count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});

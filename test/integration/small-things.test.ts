/**
 * Issue 13, item 9 (what needs no browser; focus and the phone layout are in test/e2e/issue13.e2e.ts):
 * a favicon on every page, and a warning, never a refusal, for a customer email already used.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { createCustomer, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("the favicon", () => {
  it("is served, and linked from the app's pages and the customer's page", async () => {
    const icon = await fetch(`${app.baseUrl}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toContain("<svg");
    const m = await sentInvoice(app);
    for (const page of [
      await app.browser().get("/login"),
      await m.browser.get("/invoices"),
      await app.browser().get(m.link),
      await app.browser().get("/nowhere"),
    ]) {
      expect(page.html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    }
  });
});

describe("focus on the first field in error", () => {
  it("without JavaScript, the refused form comes back with its first field in error marked autofocus (the browser focuses the first)", async () => {
    const { browser } = await signUpMerchant(app);
    const page = await browser.post("/customers/new", { name: "", email: "pas-une-adresse", locale: "fr" });
    expect(page.status).toBe(200);
    const first = /<(?:input|select|textarea)\b[^>]*\bautofocus=""[^>]*>/.exec(page.html)?.[0] ?? "";
    expect(first).toContain('name="name"');
    expect(first).toContain('aria-invalid="true"');
    // The field without error is not one of them.
    expect(page.html).not.toMatch(/<input\b[^>]*autofocus=""[^>]*name="company"/);
  });
});

describe("a customer email already used", () => {
  it("is accepted, and both customers' pages say so with a link to the other", async () => {
    const { browser } = await signUpMerchant(app);
    const first = await createCustomer(browser, { name: "Lucie Moreau", company: "Rivière Conseil", email: "lucie@example.fr" });
    expect((await browser.get(`/customers/${first}`)).html).not.toContain('data-testid="duplicate-email"');

    const second = await createCustomer(browser, { name: "L. Moreau", email: "Lucie@Example.fr" });
    const page = await browser.get(`/customers/${second}`);
    expect(textOf(page.html)).toContain(
      "Un client avec cet e-mail existe déjà : Rivière Conseil (Lucie Moreau) Vérifiez qu'il ne s'agit pas d'un doublon (rien n'est bloqué : deux clients peuvent partager une adresse).",
    );
    expect(page.html).toMatch(new RegExp(`href="/customers/${first}"[^>]*>Rivière Conseil \\(Lucie Moreau\\)</a>`));
    expect(textOf((await browser.get(`/customers/${first}`)).html)).toContain("Un client avec cet e-mail existe déjà : L. Moreau");

    // Changed to another address: no warning any more.
    await browser.post(`/customers/${second}`, { intent: "save", name: "L. Moreau", email: "l.moreau@example.fr", locale: "fr" });
    expect((await browser.get(`/customers/${second}`)).html).not.toContain('data-testid="duplicate-email"');
  });

  it("another organisation's customer with the same email is none of this merchant's business", async () => {
    const one = await signUpMerchant(app);
    const other = await signUpMerchant(app);
    await createCustomer(other.browser, { email: "partage@example.fr" });
    const mine = await createCustomer(one.browser, { email: "partage@example.fr" });
    expect((await one.browser.get(`/customers/${mine}`)).html).not.toContain('data-testid="duplicate-email"');
  });
});

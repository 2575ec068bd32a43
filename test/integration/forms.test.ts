import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { createCustomer, createDraftInvoice, signUpMerchant } from "../helpers/merchant";

// Forms are posted as a browser without JavaScript posts them: the page that comes back is what a person sees.

let app: TestApp;
let browser: TestBrowser;
let organisationId: string;
let customerId: string;
beforeAll(async () => {
  app = await startTestApp();
  ({ browser, organisationId } = await signUpMerchant(app, { organisationName: "Formulaires SARL" }));
  customerId = await createCustomer(browser, { name: "Client des formulaires" });
});
afterAll(() => app.close());

const header = { customerId: "", currency: "EUR", issueDate: "2026-11-01", dueDate: "2026-12-01" };

/** The HTML of one line of the invoice form (the lines are marked `data-testid="line-N"`). */
function lineHtml(html: string, index: number) {
  const start = html.indexOf(`data-testid="line-${index}"`);
  expect(start, `line ${index} is on the page`).toBeGreaterThan(-1);
  const end = html.indexOf('data-testid="line-', start + 1);
  return html.slice(start, end === -1 ? undefined : end);
}

/** The value attribute of the input named `name` (attributes in any order). */
function inputValue(html: string, name: string) {
  const tag = new RegExp(`<input[^>]*name="${name.replace(/[[\].]/g, "\\$&")}"[^>]*>`).exec(html)?.[0];
  return tag ? (/value="([^"]*)"/.exec(tag)?.[1] ?? "") : null;
}

describe("invoice lines are a nested list", () => {
  it("shows each line's error next to that line's field, whatever blank lines precede it", async () => {
    const page = await browser.post("/invoices/new", {
      ...header,
      customerId,
      // A blank first line is dropped, but the errors below stay on the lines where they were typed.
      "lines[0].description": "",
      "lines[0].quantity": "",
      "lines[0].unitPrice": "",
      "lines[1].description": "Conseil",
      "lines[1].quantity": "2",
      "lines[1].unitPrice": "douze",
      "lines[1].vatRate": "20",
      "lines[2].description": "",
      "lines[2].quantity": "-1",
      "lines[2].unitPrice": "10",
      "lines[2].vatRate": "20",
    });
    expect(page.status).toBe(200);
    expect(await app.db.invoice.count({ where: { organisationId } })).toBe(0);
    expect(textOf(page.html)).toContain("Corrigez les champs signalés.");

    expect(textOf(lineHtml(page.html, 0))).not.toMatch(/invalide|obligatoire/);
    const second = lineHtml(page.html, 1);
    expect(textOf(second)).toContain("Montant invalide (ex. 1 234,56).");
    expect(textOf(second)).not.toContain("Quantité invalide");
    // The message is tied to its field for screen readers.
    expect(second).toMatch(
      /name="lines\[1\]\.unitPrice"[^>]*aria-describedby="invoice-lines\[1\]\.unitPrice-error"|aria-describedby="invoice-lines\[1\]\.unitPrice-error"[^>]*name="lines\[1\]\.unitPrice"/,
    );
    expect(second).toContain('id="invoice-lines[1].unitPrice-error"');
    const third = lineHtml(page.html, 2);
    expect(textOf(third)).toContain("Quantité invalide : un nombre positif, 3 décimales au plus.");
    expect(textOf(third)).toContain("Ce champ est obligatoire.");
    expect(textOf(third)).not.toContain("Montant invalide");
  });

  it("translates the errors into the reader's language", async () => {
    const english = (await signUpMerchant(app)).browser;
    const customer = await createCustomer(english);
    await english.post("/locale", { locale: "en", redirectTo: "/invoices/new" });
    const page = await english.post("/invoices/new", {
      ...header,
      customerId: customer,
      "lines[0].description": "Advice",
      "lines[0].unitPrice": "twelve",
    });
    const text = textOf(lineHtml(page.html, 0));
    expect(text).toContain("Invalid amount (e.g. 1,234.56).");
    expect(text).not.toContain("Montant invalide");
  });

  it("adds and removes lines without JavaScript, keeping what was typed", async () => {
    let page = await browser.post("/invoices/new", {
      ...header,
      customerId,
      "lines[0].description": "Première ligne",
      "lines[0].unitPrice": "10",
      __intent__: JSON.stringify({ type: "insert", payload: { name: "lines", defaultValue: { quantity: "1", vatRate: "20" } } }),
    });
    expect(page.status).toBe(200);
    expect(inputValue(page.html, "lines[0].description")).toBe("Première ligne");
    expect(inputValue(page.html, "lines[1].description")).toBe("");
    expect(inputValue(page.html, "lines[1].vatRate")).toBe("20");
    // Adding a line is not saving: no error is shown yet, nothing is stored.
    expect(textOf(page.html)).not.toContain("Corrigez les champs signalés.");
    expect(await app.db.invoice.count({ where: { organisationId } })).toBe(0);

    page = await browser.post("/invoices/new", {
      ...header,
      customerId,
      "lines[0].description": "Première ligne",
      "lines[1].description": "Seconde ligne",
      __intent__: JSON.stringify({ type: "remove", payload: { name: "lines", index: 0 } }),
    });
    expect(inputValue(page.html, "lines[0].description")).toBe("Seconde ligne");
    expect(inputValue(page.html, "lines[1].description")).toBeNull();
  });

  it("refuses list indexes and conform intents that no page of ours sends, with a 400", async () => {
    const started = Date.now();
    let page = await browser.post("/invoices/new", { ...header, customerId, "lines[99999999].description": "x" });
    expect(page.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(5000);
    page = await browser.post("/invoices/new", { ...header, customerId, __intent__: "{not json" });
    expect(page.status).toBe(400);
    page = await browser.post("/invoices/new", {
      ...header,
      customerId,
      __intent__: JSON.stringify({ type: "update", payload: { name: "lines", index: 99999999, value: {} } }),
    });
    expect(page.status).toBe(400);
    expect(await app.db.invoice.count({ where: { organisationId } })).toBe(0);
  });
});

describe("an action a page does not offer", () => {
  it("is refused on the invoice page with a clear message, not a 500, and changes nothing", async () => {
    const invoiceId = await createDraftInvoice(browser, customerId);
    const attempts: Record<string, string>[] = [{ intent: "explode" }, { intent: "" }, {}, { intent: "void ", reason: "x" }];
    for (const fields of attempts) {
      const page = await browser.post(`/invoices/${invoiceId}`, fields);
      expect(page.status, JSON.stringify(fields)).toBe(400);
      expect(textOf(page.html)).toContain("Action inconnue : rechargez la page et réessayez.");
      // The page itself is shown again, with its buttons.
      expect(textOf(page.html)).toContain("Brouillon de facture");
    }
    expect(await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "draft", number: null });
  });

  it("is refused the same way on every page with several actions", async () => {
    const pages: [string, Record<string, string>][] = [
      [`/customers/${customerId}`, { intent: "delete", name: "Effacé", locale: "fr" }],
      ["/settings/payments", { intent: "steal", connectionId: "x" }],
      ["/notifications", { intent: "unreadAll" }],
      ["/settings/webhooks", { intent: "purge", eventId: "x" }],
    ];
    for (const [path, fields] of pages) {
      const page = await browser.post(path, fields);
      expect(page.status, path).toBe(400);
      expect(textOf(page.html), path).toContain("Action inconnue : rechargez la page et réessayez.");
    }
    expect(await app.db.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({ name: "Client des formulaires", archivedAt: null });
  });

  it("is answered in English too", async () => {
    const english = await signUpMerchant(app);
    await english.browser.post("/locale", { locale: "en", redirectTo: "/notifications" });
    const page = await english.browser.post("/notifications", { intent: "explode" });
    expect(page.status).toBe(400);
    expect(textOf(page.html)).toContain("Unknown action: reload the page and try again.");
  });
});

describe("a refused form comes back as it was typed", () => {
  it("keeps the customer's fields and shows each error next to its field", async () => {
    const page = await browser.post("/customers/new", {
      intent: "save",
      name: "Marie Curie",
      company: "Institut du Radium",
      email: "pas-une-adresse",
      locale: "en",
      city: "Paris",
      reference: "R-88",
    });
    expect(page.status).toBe(200);
    expect(inputValue(page.html, "name")).toBe("Marie Curie");
    expect(inputValue(page.html, "company")).toBe("Institut du Radium");
    expect(inputValue(page.html, "email")).toBe("pas-une-adresse");
    expect(inputValue(page.html, "city")).toBe("Paris");
    expect(inputValue(page.html, "reference")).toBe("R-88");
    expect(page.html).toMatch(/<option value="en" selected="">/);
    expect(page.html).toContain('id="customer-email-error"');
    expect(textOf(page.html)).toContain("Adresse e-mail invalide.");
    expect(await app.db.customer.count({ where: { name: "Marie Curie" } })).toBe(0);
  });

  it("keeps the invoice's header and every line, including the one in error", async () => {
    const page = await browser.post("/invoices/new", {
      customerId,
      currency: "EUR",
      issueDate: "2026-11-10",
      dueDate: "2026-11-01",
      notes: "Merci de votre confiance",
      onlinePayment: "on",
      "lines[0].description": "Audit",
      "lines[0].quantity": "1,5",
      "lines[0].unitPrice": "1 200,00",
      "lines[0].vatRate": "20",
      "lines[1].description": "Déplacement",
      "lines[1].unitPrice": "12,345",
      "lines[1].vatRate": "10",
    });
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("L'échéance ne peut pas précéder la date d'émission.");
    expect(textOf(lineHtml(page.html, 1))).toContain("Montant invalide");
    expect(inputValue(page.html, "issueDate")).toBe("2026-11-10");
    expect(inputValue(page.html, "dueDate")).toBe("2026-11-01");
    expect(inputValue(page.html, "lines[0].description")).toBe("Audit");
    expect(inputValue(page.html, "lines[0].quantity")).toBe("1,5");
    expect(inputValue(page.html, "lines[0].unitPrice")).toBe("1 200,00");
    expect(inputValue(page.html, "lines[1].description")).toBe("Déplacement");
    expect(inputValue(page.html, "lines[1].unitPrice")).toBe("12,345");
    expect(inputValue(page.html, "lines[1].vatRate")).toBe("10");
    expect(page.html).toContain("Merci de votre confiance</textarea>");
    expect(page.html).toMatch(/<input[^>]*name="onlinePayment"[^>]*checked=""|<input[^>]*checked=""[^>]*name="onlinePayment"/);
    expect(page.html).toMatch(new RegExp(`<option value="${customerId}" selected="">`));
  });

  it("keeps the email of a refused login and sign-up, never a password", async () => {
    let page = await app.browser().post("/login", { email: "quelquun@example.fr", password: "mot de passe secret 1" });
    expect(textOf(page.html)).toContain("E-mail ou mot de passe incorrect.");
    expect(inputValue(page.html, "email")).toBe("quelquun@example.fr");
    expect(page.html).not.toContain("mot de passe secret 1");

    page = await app.browser().post("/signup", { name: "Jeanne", email: "jeanne@example.fr", password: "xq-court", organisationName: "" });
    expect(inputValue(page.html, "name")).toBe("Jeanne");
    expect(inputValue(page.html, "email")).toBe("jeanne@example.fr");
    expect(page.html).not.toContain("xq-court");
    expect(textOf(page.html)).toContain("Le mot de passe doit contenir au moins 10 caractères.");
  });
});

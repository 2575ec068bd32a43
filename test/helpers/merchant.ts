import { expect } from "vitest";
import type { TestApp, TestBrowser } from "./app";

let counter = 0;

/** Signs a merchant up through the real form; returns its browser and organisation id. */
export async function signUpMerchant(app: TestApp, overrides: Partial<Record<"name" | "email" | "password" | "organisationName", string>> = {}) {
  counter++;
  const browser = app.browser();
  const email = overrides.email ?? `merchant${counter}-${Date.now()}@example.fr`;
  const page = await browser.post("/signup", {
    name: overrides.name ?? "Marie Dupont",
    email,
    password: overrides.password ?? "correct horse battery",
    organisationName: overrides.organisationName ?? `Organisation ${counter}`,
  });
  expect(page.status, page.html.slice(0, 500)).toBe(302);
  const user = await app.db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
  return { browser, email, userId: user.id, organisationId: user.memberships[0].organisationId };
}

export async function createCustomer(browser: TestBrowser, fields: Record<string, string> = {}) {
  const page = await browser.post("/customers/new", { name: "Jean Client", email: "jean@example.fr", locale: "fr", ...fields });
  expect(page.status, page.html.slice(0, 300)).toBe(302);
  return page.location!.split("/").pop()!;
}

export async function createDraftInvoice(browser: TestBrowser, customerId: string, fields: Record<string, string> = {}) {
  const page = await browser.post("/invoices/new", {
    customerId,
    currency: "EUR",
    issueDate: "2026-11-01",
    dueDate: "2026-12-01",
    "lines[0][description]": "Prestation de conseil",
    "lines[0][quantity]": "2",
    "lines[0][unitPrice]": "150,00",
    "lines[0][vatRate]": "20",
    ...fields,
  });
  expect(page.status, page.html.slice(0, 300)).toBe(302);
  return page.location!.split("/").pop()!;
}

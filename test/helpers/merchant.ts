import { expect } from "vitest";
import { SANDBOX_PAGES_ORIGIN } from "../../integrations/sandbox";
import type { TestApp, TestBrowser } from "./app";

let counter = 0;

/**
 * The link in the newest email of this kind to this address, whether the worker has delivered it yet
 * (its text) or not (account emails are queued as a template and its props, rendered at delivery).
 */
export async function emailLink(app: TestApp, address: string, kind: string, pattern: RegExp) {
  const email = await app.db.outboxEmail.findFirstOrThrow({ where: { toAddress: address, kind }, orderBy: { createdAt: "desc" } });
  const match = pattern.exec(email.template ?? email.text);
  if (!match) throw new Error(`no ${pattern} in the ${kind} email to ${address}`);
  return match[0];
}

/** Signs a merchant up through the real forms (sign-up, then the link of the email); returns its browser and organisation id. */
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
  expect(page.status, page.html.slice(0, 500)).toBe(200);
  const confirmed = await browser.post(await emailLink(app, email, "signup_confirm", /\/signup\/[\w-]+/), {});
  expect(confirmed.location, confirmed.html.slice(0, 500)).toBe("/settings/organisation");
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
    "lines[0].description": "Prestation de conseil",
    "lines[0].quantity": "2",
    "lines[0].unitPrice": "150,00",
    "lines[0].vatRate": "20",
    ...fields,
  });
  expect(page.status, page.html.slice(0, 300)).toBe(302);
  return page.location!.split("/").pop()!;
}

const local = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

/** Clicks "Connect", answers the provider's (sandbox) consent page; returns the callback URL the provider redirects to. */
export async function consent(app: TestApp, browser: TestBrowser, provider: "gocardless" | "stripe", answer: "approve" | "deny", accountId?: string) {
  const start = await browser.post("/settings/payments", { intent: "connect", provider, mode: "login" });
  expect(start.status).toBe(302);
  const authorize = new URL(start.location!);
  expect(authorize.origin).toBe(SANDBOX_PAGES_ORIGIN);
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${app.baseUrl}/oauth/${provider}/callback`);
  expect(authorize.searchParams.get("state")!.length).toBeGreaterThanOrEqual(43);
  const page = await browser.get(start.location!);
  expect(page.html).toContain("Autoriser");
  const fields: Record<string, string> = { intent: answer, name: `Compte ${provider}`, email: "pay@example.fr" };
  if (accountId) fields.accountId = accountId;
  const answered = await browser.post(start.location!, fields);
  expect(answered.status).toBe(302);
  return local(answered.location!);
}

export async function followCallback(browser: TestBrowser, callback: string) {
  const result = await browser.get(callback);
  expect(result.status).toBe(302);
  return { location: result.location!, page: await browser.get(result.location!) };
}

export async function connectProvider(app: TestApp, browser: TestBrowser, provider: "gocardless" | "stripe", accountId?: string) {
  const { location } = await followCallback(browser, await consent(app, browser, provider, "approve", accountId));
  expect(location).toContain(`connected=${provider}`);
}

/** A merchant with both providers connected and a finalised invoice (360,00 € due), sent to its customer. */
export async function sentInvoice(
  app: TestApp,
  options: { customer?: Record<string, string>; invoice?: Record<string, string>; providers?: ("gocardless" | "stripe")[] } = {},
) {
  const merchant = await signUpMerchant(app, { organisationName: "Atelier Rivière" });
  for (const provider of options.providers ?? ["gocardless", "stripe"]) await connectProvider(app, merchant.browser, provider);
  const customerId = await createCustomer(merchant.browser, { name: "Lucie Moreau", email: "lucie@example.fr", ...options.customer });
  const invoiceId = await createDraftInvoice(merchant.browser, customerId, { onlinePayment: "on", ...options.invoice });
  await merchant.browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
  const sent = await merchant.browser.post(`/invoices/${invoiceId}`, { intent: "send", sendKey: `key-${invoiceId}` });
  expect(sent.status).toBe(200);
  const sentEmail = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId }, orderBy: { createdAt: "desc" } });
  const link = /\/i\/[\w-]+/.exec(sentEmail.text)![0];
  return { ...merchant, customerId, invoiceId, sentEmail, link };
}

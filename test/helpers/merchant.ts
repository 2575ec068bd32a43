import { expect } from "vitest";
import { BEARER_TOKEN } from "~/domain/outbox";
import { SANDBOX_PAGES_ORIGIN } from "../../integrations/sandbox";
import type { TestApp, TestBrowser } from "./app";

let counter = 0;

/**
 * The links matching `pattern` in the emails of this kind to this address, oldest first, as their recipient
 * got them: each email is delivered first if it is still queued (the outbox holds only a placeholder for a
 * bearer link's token, put in at delivery), then read from the local mailbox.
 */
export async function emailLinks(app: TestApp, address: string, kind: string, pattern: RegExp) {
  const emails = await app.db.outboxEmail.findMany({ where: { toAddress: address, kind }, orderBy: { createdAt: "asc" }, select: { id: true } });
  const links: string[] = [];
  for (const { id } of emails) {
    const { text } = await app.deliveredEmail(id);
    const match = pattern.exec(text);
    if (!match) throw new Error(`no ${pattern} in the ${kind} email to ${address}`);
    expect(match[0]).not.toContain(BEARER_TOKEN);
    links.push(match[0]);
  }
  return links;
}

/** The link matching `pattern` in the newest email of this kind to this address, as its recipient got it (see `emailLinks`). */
export async function emailLink(app: TestApp, address: string, kind: string, pattern: RegExp) {
  const link = (await emailLinks(app, address, kind, pattern)).at(-1);
  if (!link) throw new Error(`no ${kind} email to ${address}`);
  return link;
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

type Merchant = Awaited<ReturnType<typeof signUpMerchant>>;

/** `owner` invites `invitee` (who has an account), who accepts from their list of organisations and works in it. */
export async function joinOrganisation(owner: Merchant, invitee: Merchant, role: string) {
  await owner.browser.post("/settings/members", { email: invitee.email, role });
  const invitationId = /name="invitationId" value="([^"]+)"/.exec((await invitee.browser.get("/orgs")).html)![1];
  expect((await invitee.browser.post("/orgs", { intent: "accept", invitationId })).location).toBe("/invoices");
}

/** A complete organisation profile, as posted to /settings/organisation (a valid SIRET and VAT number). */
export const organisationProfile = {
  legalName: "Atelier Rivière SARL",
  addressLine1: "3 rue Basse",
  postalCode: "34000",
  city: "Montpellier",
  country: "FR",
  siret: "73282932000074",
  vatNumber: "FR44732829320",
  defaultCurrency: "EUR",
  locale: "fr",
  paymentTermsDays: "30",
  invoiceNumberFormat: "AR-{SEQ:3}",
};

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
  const queued = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId }, orderBy: { createdAt: "desc" } });
  const sentEmail = await app.deliveredEmail(queued.id);
  const link = /\/i\/[\w-]+/.exec(sentEmail.text)![0];
  return { ...merchant, customerId, invoiceId, sentEmail, link };
}

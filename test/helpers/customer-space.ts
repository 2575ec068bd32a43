import { expect } from "vitest";
import type { TestApp, TestBrowser } from "./app";

/** An access code as emailed or printed ("ABCDE-FGH23"). */
export const CODE = /\b[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}\b/;

/** The code in the newest invitation email to this address, as its recipient got it (delivered from the outbox first). */
export async function invitationCode(app: TestApp, address: string) {
  const email = await app.db.outboxEmail.findFirstOrThrow({ where: { toAddress: address, kind: "customer_space_invitation" }, orderBy: { createdAt: "desc" } });
  const { text } = await app.deliveredEmail(email.id);
  const code = CODE.exec(text)?.[0];
  if (!code) throw new Error(`no access code in the invitation to ${address}`);
  return { code, text };
}

/**
 * A customer with their space open, signed in in a new browser: the merchant hands over a temporary
 * password, the customer logs in and chooses their own.
 */
export async function openSpace(
  app: TestApp,
  merchant: TestBrowser,
  organisationId: string,
  customerId: string,
  email: string,
  password = "mon mot de passe client",
) {
  const given = await merchant.post(`/customers/${customerId}/space`, { intent: "temporary", password: "temporaire 123456", confirm: "temporaire 123456" });
  expect(given.status, given.html.slice(0, 300)).toBe(200);
  const browser = app.browser();
  const login = await browser.post(`/espace/${organisationId}/connexion`, { email, password: "temporaire 123456" });
  expect(login.location).toBe(`/espace/${organisationId}/mot-de-passe`);
  const changed = await browser.post(`/espace/${organisationId}/mot-de-passe`, { password, confirm: password });
  expect(changed.location).toBe(`/espace/${organisationId}/compte`);
  return browser;
}

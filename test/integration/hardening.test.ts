/**
 * Issue 12 (hardening), items 2, 3 and 7: each test replays the attack the issue describes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app";
import { signUpMerchant } from "../helpers/merchant";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Logs in through the form with a given redirectTo; answers the response's Location (or the status when there is none). */
async function loginRedirect(redirectTo: string) {
  const password = "correct horse battery";
  const { email } = await signUpMerchant(app, { password });
  const page = await app.browser().post("/login", { email, password, redirectTo });
  return { status: page.status, location: page.location };
}

/** Where a browser goes with this Location header, from a page of the app. */
const followedOrigin = (location: string) => new URL(location, app.baseUrl).origin;

describe("redirect targets (item 2)", () => {
  const attacks = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/invoices",
    "/.//evil.example",
    "/%2F/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "http:evil.example",
  ];

  it.each(attacks)("login never sends the browser to another site (%j)", async (redirectTo) => {
    const { status, location } = await loginRedirect(redirectTo);
    expect(status).toBe(302);
    expect(location).not.toMatch(/[\t\r\n]/);
    expect(followedOrigin(location!)).toBe(app.baseUrl);
    expect(location!.startsWith("//")).toBe(false);
  });

  it("keeps a same-origin target, path and query", async () => {
    expect((await loginRedirect("/customers?page=2")).location).toBe("/customers?page=2");
    expect((await loginRedirect(`${app.baseUrl}/customers`)).location).toBe("/customers");
  });

  it.each(attacks)("the language switch never sends the browser to another site (%j)", async (redirectTo) => {
    const page = await app.browser().post("/locale", { locale: "en", redirectTo });
    expect(page.status).toBe(302);
    expect(followedOrigin(page.location!)).toBe(app.baseUrl);
    expect(page.location!.startsWith("//")).toBe(false);
  });
});

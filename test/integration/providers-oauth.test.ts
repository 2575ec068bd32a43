import { existsSync, readFileSync } from "node:fs";
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret } from "~/lib/crypto.server";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { consent as consentWith, followCallback, joinOrganisation, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

const mocks = useProviderMocks();
const consent = (browser: TestBrowser, provider: "gocardless" | "stripe", answer: "approve" | "deny", accountId?: string) =>
  consentWith(app, browser, provider, answer, accountId);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("connecting Stripe by OAuth", () => {
  it("stores the account with its token encrypted, and shows who connected it", async () => {
    const { browser, organisationId } = await signUpMerchant(app, { name: "Paul Martin" });
    const callback = await consent(browser, "stripe", "approve", "acct_1StripeOk");
    const { page } = await followCallback(browser, callback);
    const text = textOf(page.html);
    expect(text).toContain("Stripe est connecté (Compte stripe).");
    expect(text).toContain("acct_1StripeOk");
    expect(text).toContain("Connecté par Paul Martin");

    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId, provider: "stripe" } });
    expect(connection).toMatchObject({ accountId: "acct_1StripeOk", environment: "sandbox", accountName: "Compte stripe" });
    const token = decryptSecret(app.config.ENCRYPTION_KEY, connection.encryptedToken);
    expect(token).toMatch(/^sk_test_/);
    const file = app.config.DATABASE_URL.replace(/^file:/, "");
    const databaseBytes = [file, `${file}-wal`].map((f) => (existsSync(f) ? readFileSync(f, "latin1") : "")).join("");
    expect(databaseBytes).toContain("acct_1StripeOk"); // the check reads where the rows really are
    expect(databaseBytes).not.toContain(token);
    expect(app.logs.join("")).not.toContain(token);
  });

  it("refuses a wrong state, a reused state and a state from another session, storing nothing", async () => {
    const { browser, organisationId, email } = await signUpMerchant(app, { password: "correct horse battery" });
    const callback = await consent(browser, "stripe", "approve");
    const forged = callback.replace(/state=[^&]+/, "state=forged-state-value");
    let result = await followCallback(browser, forged);
    expect(textOf(result.page.html)).toContain("Cette demande de connexion est invalide ou a expiré.");

    const otherSession = app.browser();
    await otherSession.post("/login", { email, password: "correct horse battery" });
    result = await followCallback(otherSession, callback);
    expect(textOf(result.page.html)).toContain("Cette demande de connexion est invalide ou a expiré.");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(0);

    result = await followCallback(browser, callback);
    expect(result.location).toContain("connected=stripe");
    result = await followCallback(browser, callback);
    expect(textOf(result.page.html)).toContain("Cette demande de connexion est invalide ou a expiré.");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(1);
  });

  it("refuses an expired state", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    const callback = await consent(browser, "stripe", "approve");
    await app.db.oAuthState.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const { page } = await followCallback(browser, callback);
    expect(textOf(page.html)).toContain("Cette demande de connexion est invalide ou a expiré.");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(0);
  });

  it("says the merchant declined when the consent page answers access_denied", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    const callback = await consent(browser, "stripe", "deny");
    expect(callback).toContain("error=access_denied");
    const { page } = await followCallback(browser, callback);
    expect(textOf(page.html)).toContain("La connexion a été refusée sur la page du prestataire.");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(0);
  });

  it("explains a failed code exchange and stores nothing", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    const callback = await consent(browser, "stripe", "approve");
    mocks.server.use(
      http.post("https://connect.stripe.com/oauth/token", () =>
        HttpResponse.json({ error: "invalid_grant", error_description: "Authorization code expired" }, { status: 400 }),
      ),
    );
    const { page } = await followCallback(browser, callback);
    expect(textOf(page.html)).toContain("Le code d'autorisation a expiré ou a déjà servi.");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(0);
  });

  it("lets one Stripe account serve one organisation only", async () => {
    const first = await signUpMerchant(app);
    await followCallback(first.browser, await consent(first.browser, "stripe", "approve", "acct_Shared"));
    const second = await signUpMerchant(app);
    const { page } = await followCallback(second.browser, await consent(second.browser, "stripe", "approve", "acct_Shared"));
    expect(textOf(page.html)).toContain("Ce compte est déjà connecté à une autre organisation.");
    expect(await app.db.providerConnection.count({ where: { accountId: "acct_Shared" } })).toBe(1);
  });

  it("disconnects: deauthorizes at Stripe and deletes the token; another organisation cannot", async () => {
    const owner = await signUpMerchant(app);
    await followCallback(owner.browser, await consent(owner.browser, "stripe", "approve", "acct_ToRemove"));
    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: owner.organisationId } });

    const intruder = await signUpMerchant(app);
    expect((await intruder.browser.post("/settings/payments", { intent: "disconnect", connectionId: connection.id, confirmed: "yes" })).status).toBe(404);
    expect(await app.db.providerConnection.count({ where: { id: connection.id } })).toBe(1);

    const result = await owner.browser.post("/settings/payments", { intent: "disconnect", connectionId: connection.id, confirmed: "yes" });
    expect(result.location).toBe("/settings/payments?disconnected=stripe");
    expect(await app.db.providerConnection.count({ where: { id: connection.id } })).toBe(0);
    const deauthorize = mocks.calls().filter((c) => c.url === "https://connect.stripe.com/oauth/deauthorize");
    expect(deauthorize.map((c) => JSON.parse(c.body).stripe_user_id)).toContain("acct_ToRemove");
  });

  it("lets only owners and admins connect", async () => {
    const owner = await signUpMerchant(app);
    const member = await signUpMerchant(app);
    await joinOrganisation(owner, member, "member");
    expect((await member.browser.post("/settings/payments", { intent: "connect", provider: "stripe", mode: "login" })).status).toBe(403);
    expect(textOf((await member.browser.get("/settings/payments")).html)).toContain("Seuls les propriétaires et administrateurs");
  });
});

describe("connecting GoCardless by OAuth", () => {
  it("exchanges the code for a token and the organisation id, and reads the creditor's name", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    const { page } = await followCallback(browser, await consent(browser, "gocardless", "approve", "OR000GCOK"));
    expect(textOf(page.html)).toContain("GoCardless est connecté (Compte gocardless).");
    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId, provider: "gocardless" } });
    expect(connection).toMatchObject({ accountId: "OR000GCOK", accountName: "Compte gocardless", environment: "sandbox" });
    expect(decryptSecret(app.config.ENCRYPTION_KEY, connection.encryptedToken)).toMatch(/^sandbox_live_/);
    const exchange = mocks.calls().find((c) => c.url === "https://connect-sandbox.gocardless.com/oauth/access_token");
    expect(JSON.parse(exchange!.body)).toMatchObject({ grant_type: "authorization_code", redirect_uri: `${app.baseUrl}/oauth/gocardless/callback` });
  });

  it("tells the merchant when GoCardless is down, storing nothing", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    const callback = await consent(browser, "gocardless", "approve");
    mocks.server.use(
      http.post("https://connect-sandbox.gocardless.com/oauth/access_token", () => HttpResponse.json({ error: "internal_error" }, { status: 503 })),
    );
    const { page } = await followCallback(browser, callback);
    expect(textOf(page.html)).toContain("Le prestataire ne répond pas pour le moment.");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(0);
  });

  it("deletes the token on disconnect even when GoCardless refuses the revoke", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    await followCallback(browser, await consent(browser, "gocardless", "approve"));
    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId } });
    mocks.server.use(http.post("https://connect-sandbox.gocardless.com/oauth/revoke", () => HttpResponse.json({ error: "server_error" }, { status: 500 })));
    const result = await browser.post("/settings/payments", { intent: "disconnect", connectionId: connection.id, confirmed: "yes" });
    expect(result.location).toBe("/settings/payments?disconnected=gocardless");
    expect(await app.db.providerConnection.count({ where: { organisationId } })).toBe(0);
  });

  it("offers the connected methods on the invoice's online payment switch", async () => {
    const { browser } = await signUpMerchant(app);
    await followCallback(browser, await consent(browser, "gocardless", "approve"));
    await followCallback(browser, await consent(browser, "stripe", "approve"));
    const customer = await browser.post("/customers/new", { name: "Client", locale: "fr" });
    const customerId = customer.location!.split("/").pop()!;
    const created = await browser.post("/invoices/new", {
      customerId,
      currency: "EUR",
      issueDate: "2026-11-01",
      dueDate: "2026-12-01",
      "lines[0].description": "X",
      "lines[0].quantity": "1",
      "lines[0].unitPrice": "10",
      "lines[0].vatRate": "20",
    });
    const invoiceId = created.location!.split("/").pop()!;
    const page = await browser.post(`/invoices/${invoiceId}`, { intent: "onlinePayment", onlinePayment: "on" });
    expect(textOf(page.html)).toContain("Dès l'envoi de la facture par e-mail, le client pourra payer en ligne depuis son lien : Prélèvement, Carte bancaire.");
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).onlinePayment).toBe(true);
  });
});

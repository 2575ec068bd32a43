import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { joinOrganisation, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** The newest email to `address` as it reached the local mailbox, with its kind and status in the outbox's log. */
async function lastEmailTo(address: string) {
  const delivered = await app.lastEmailTo(address);
  const row = await app.db.outboxEmail.findFirstOrThrow({ where: { toAddress: address }, orderBy: { createdAt: "desc" } });
  expect(delivered.subject).toBe(row.subject);
  return { ...delivered, kind: row.kind, status: row.status };
}

describe("sign-up and login", () => {
  it("rejects each invalid sign-up field with its own message", async () => {
    const page = await app.browser().post("/signup", { name: "", email: "not-an-email", password: "short", organisationName: "" });
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Adresse e-mail invalide.");
    expect(text).toContain("Le mot de passe doit contenir au moins 10 caractères.");
    expect(text.match(/Ce champ est obligatoire\./g)).toHaveLength(2);
    expect(await app.db.user.count({ where: { email: "not-an-email" } })).toBe(0);
  });

  it("creates the account only once its email's link is followed, in a click", async () => {
    const browser = app.browser();
    const page = await browser.post("/signup", { name: "Paul", email: "Paul@Example.fr", password: "a long password", organisationName: "Paul SARL" });
    expect(textOf(page.html)).toContain("Vérifiez votre boîte mail : un e-mail vient de partir vers paul@example.fr.");
    expect(await app.db.user.count({ where: { email: "paul@example.fr" } })).toBe(0);
    const message = await lastEmailTo("paul@example.fr");
    expect(message).toMatchObject({ status: "sent", kind: "signup_confirm", subject: "Confirmez la création de votre compte" });
    const link = /\/signup\/[\w-]+/.exec(message.text)![0];
    // Opening the link (a mail scanner does) creates nothing.
    expect(textOf((await app.browser().get(link)).html)).toContain("Compte pour paul@example.fr, organisation « Paul SARL ».");
    expect(await app.db.user.count({ where: { email: "paul@example.fr" } })).toBe(0);
    const created = await browser.post(link, {});
    expect(created.location).toBe("/settings/organisation");
    expect((await browser.get("/settings/organisation")).status).toBe(200);
    // Single use.
    expect(textOf((await app.browser().get(link)).html)).toContain("Ce lien de création de compte est invalide ou a expiré.");
    expect((await app.browser().post("/login", { email: "paul@example.fr", password: "a long password" })).location).toBe("/invoices");
  });

  it("answers a sign-up with an address that has an account like any other, and tells its owner by email", async () => {
    const { userId } = await signUpMerchant(app, { email: "same@example.fr", password: "the owner's password" });
    const fresh = await app.browser().post("/signup", { name: "Autre", email: "other@example.fr", password: "another password", organisationName: "Autre" });
    const taken = await app.browser().post("/signup", { name: "Autre", email: "SAME@example.fr", password: "another password", organisationName: "Autre" });
    const answer = (html: string, address: string) => textOf(html).replace(address, "ADDRESS");
    expect(taken.status).toBe(fresh.status);
    expect(answer(taken.html, "same@example.fr")).toBe(answer(fresh.html, "other@example.fr"));
    expect(textOf(taken.html)).not.toContain("Un compte existe déjà");

    const message = await lastEmailTo("same@example.fr");
    expect(message).toMatchObject({ kind: "signup_existing", subject: "Vous avez déjà un compte" });
    expect(message.text).toContain("Mot de passe oublié ? Choisissez-en un nouveau");
    expect(message.text).not.toMatch(/\/signup\//);
    // Nothing changed on the account: one user, its own password.
    expect(await app.db.user.count({ where: { email: "same@example.fr" } })).toBe(1);
    expect((await app.db.user.findUniqueOrThrow({ where: { email: "same@example.fr" } })).id).toBe(userId);
    expect((await app.browser().post("/login", { email: "same@example.fr", password: "another password" })).status).toBe(200);
    expect((await app.browser().post("/login", { email: "same@example.fr", password: "the owner's password" })).location).toBe("/invoices");
  });

  it("logs in, logs out, and the old session cookie no longer works", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    const browser = app.browser();
    let page = await browser.post("/login", { email: email.toUpperCase(), password: "correct horse battery", redirectTo: "/customers" });
    expect(page.location).toBe("/customers");
    expect(page.headers.getSetCookie().join()).toMatch(/sid=.*HttpOnly.*SameSite=Lax/i);
    expect((await browser.get("/customers")).status).toBe(200);
    page = await browser.post("/logout", {});
    expect(page.location).toBe("/login");
    expect((await browser.get("/customers")).location).toBe("/login?redirectTo=%2Fcustomers");
  });

  it("never redirects outside the app after login", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    const page = await app.browser().post("/login", { email, password: "correct horse battery", redirectTo: "//evil.example.com" });
    expect(page.location).toBe("/invoices");
  });

  it("refuses a client for 15 minutes after 5 failed attempts on an account, even with the right password", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    const browser = app.browser();
    for (let i = 0; i < 5; i++) {
      const page = await browser.post("/login", { email, password: `wrong password ${i}` });
      expect(textOf(page.html)).toContain("E-mail ou mot de passe incorrect.");
    }
    const page = await browser.post("/login", { email, password: "correct horse battery" });
    expect(page.status).toBe(429);
    expect(textOf(page.html)).toContain("Trop de tentatives. Réessayez dans 15 min.");
    // The rule is the client's on that account: the owner elsewhere is not locked out (see brute-force.test.ts).
    expect((await app.browser().post("/login", { email, password: "correct horse battery" })).location).toBe("/invoices");
  });

  it("gives the same answer for an unknown email", async () => {
    const page = await app.browser().post("/login", { email: "nobody@example.fr", password: "whatever password" });
    expect(textOf(page.html)).toContain("E-mail ou mot de passe incorrect.");
  });
});

describe("forgotten password", () => {
  it("emails a reset link that works once and closes other sessions", async () => {
    const { email, browser: oldSession } = await signUpMerchant(app, { password: "old password 123" });
    const page = await app.browser().post("/forgot-password", { email });
    expect(textOf(page.html)).toContain("Si un compte existe pour cette adresse");
    const message = await lastEmailTo(email);
    expect(message).toMatchObject({ status: "sent", subject: "Réinitialisez votre mot de passe" });
    const link = /\/reset-password\/[\w-]+/.exec(message.text)![0];

    const resetter = app.browser();
    expect(textOf((await resetter.get(link)).html)).toContain("Choisir un nouveau mot de passe");
    let result = await resetter.post(link, { password: "new password 456", confirm: "different 456" });
    expect(textOf(result.html)).toContain("Les deux mots de passe ne correspondent pas.");
    result = await resetter.post(link, { password: "new password 456", confirm: "new password 456" });
    expect(result.location).toBe("/invoices");
    expect((await oldSession.get("/invoices")).location).toMatch(/^\/login/);

    const again = app.browser();
    expect(textOf((await again.get(link)).html)).toContain("Ce lien de réinitialisation est invalide ou a expiré.");
    result = await again.post(link, { password: "third password 789", confirm: "third password 789" });
    expect(textOf(result.html)).toContain("Ce lien de réinitialisation est invalide ou a expiré.");
    expect((await app.browser().post("/login", { email, password: "new password 456" })).location).toBe("/invoices");
  });

  it("answers the same and sends nothing for an unknown address", async () => {
    const before = await app.db.outboxEmail.count();
    const page = await app.browser().post("/forgot-password", { email: "ghost@example.fr" });
    expect(textOf(page.html)).toContain("Si un compte existe pour cette adresse");
    expect(await app.db.outboxEmail.count()).toBe(before);
  });
});

describe("members and roles", () => {
  it("invites a member by email; their first login forces a password choice", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Cabinet Invite" });
    const page = await owner.browser.post("/settings/members", { email: "new.member@example.fr", role: "accountant" });
    expect(textOf(page.html)).toContain("Invitation envoyée à new.member@example.fr.");
    const message = await lastEmailTo("new.member@example.fr");
    expect(message.subject).toBe("Marie Dupont vous invite à rejoindre Cabinet Invite");
    expect(message.text).toContain("en tant que Comptable");
    const link = /\/invitation\/[\w-]+/.exec(message.text)![0];

    const member = app.browser();
    expect((await member.get(link)).status).toBe(200);
    let result = await member.post(link, { intent: "accept" });
    expect(result.location).toBe("/account/password");
    // Until a password is chosen, every page leads back to the password form.
    expect((await member.get("/invoices")).location).toBe("/account/password");
    result = await member.post("/account/password", { password: "member password 1", confirm: "member password 1" });
    expect(result.location).toBe("/invoices");
    expect((await member.get("/invoices")).status).toBe(200);
    // The link is single-use.
    expect((await app.browser().post(link, { intent: "accept" })).location).toBe(link);

    // An accountant reads invoices but cannot change customers or the organisation.
    expect((await member.get("/settings/organisation")).status).toBe(403);
    expect((await member.post("/customers/new", { name: "X", locale: "fr" })).status).toBe(403);
    expect((await member.post("/settings/members", { email: "x@example.fr", role: "member" })).status).toBe(403);
  });

  it("lets an existing user who accepted an invitation switch organisation", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence A" });
    const other = await signUpMerchant(app, { organisationName: "Agence B" });
    await joinOrganisation(owner, other, "admin");
    const page = await other.browser.get("/orgs");
    expect(textOf(page.html)).toContain("Agence A");
    const switched = await other.browser.post("/orgs", { organisationId: owner.organisationId });
    expect(switched.location).toBe("/invoices");
    expect(textOf((await other.browser.get("/invoices")).html)).toContain("Agence A");
  });

  it("lets only an owner make someone an owner", async () => {
    const owner = await signUpMerchant(app);
    const admin = await signUpMerchant(app);
    await joinOrganisation(owner, admin, "admin");
    await admin.browser.post("/orgs", { organisationId: owner.organisationId });
    const page = await admin.browser.post("/settings/members", { email: "boss@example.fr", role: "owner" });
    expect(page.status).toBe(403);
  });

  it("changes the password after checking the current one", async () => {
    const { browser, email } = await signUpMerchant(app, { password: "first password 1" });
    let page = await browser.post("/account/password", { currentPassword: "wrong one", password: "second password 2", confirm: "second password 2" });
    expect(textOf(page.html)).toContain("Mot de passe actuel incorrect.");
    page = await browser.post("/account/password", { currentPassword: "first password 1", password: "second password 2", confirm: "second password 2" });
    expect(textOf(page.html)).toContain("Mot de passe modifié.");
    expect((await app.browser().post("/login", { email, password: "second password 2" })).location).toBe("/invoices");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { emailLink, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function isMember(userId: string, organisationId: string) {
  return (await app.db.membership.count({ where: { userId, organisationId } })) === 1;
}

/** The invitation link from the email, as the invitee receives it. */
const invitationLink = (email: string) => emailLink(app, email, "invitation", /\/invitation\/[\w-]+/);

describe("inviting someone who already has an account", () => {
  it("adds nobody without their consent, and shows the inviter only the email address", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence Curieuse" });
    const victim = await signUpMerchant(app, { name: "Victor Victime", organisationName: "Cabinet Victime" });
    const page = await owner.browser.post("/settings/members", { email: victim.email, role: "admin" });
    expect(textOf(page.html)).toContain(`Invitation envoyée à ${victim.email}.`);
    expect(await isMember(victim.userId, owner.organisationId)).toBe(false);
    const members = textOf((await owner.browser.get("/settings/members")).html);
    expect(members).not.toContain("Victor Victime");
    expect(members).toContain(victim.email); // among the pending invitations
    // Nor can the invitee be switched into the organisation before accepting.
    expect((await victim.browser.post("/orgs", { organisationId: owner.organisationId })).status).toBe(404);
  });

  it("shows the pending invitation to the invitee when logged in; accepting makes them a member", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence Accueil" });
    const invitee = await signUpMerchant(app, { name: "Inès Invitée" });
    await owner.browser.post("/settings/members", { email: invitee.email, role: "member" });
    // Every page of the app says so, and the organisations page offers accept and decline.
    expect(textOf((await invitee.browser.get("/invoices")).html)).toContain("Vous avez 1 invitation en attente");
    const orgs = await invitee.browser.get("/orgs");
    expect(textOf(orgs.html)).toContain("Agence Accueil");
    const invitationId = /name="invitationId" value="([^"]+)"/.exec(orgs.html)![1];
    const accepted = await invitee.browser.post("/orgs", { intent: "accept", invitationId });
    expect(accepted.location).toBe("/invoices");
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(true);
    expect(textOf((await invitee.browser.get("/invoices")).html)).toContain("Agence Accueil");
    // Now the inviter sees who joined.
    expect(textOf((await owner.browser.get("/settings/members")).html)).toContain("Inès Invitée");
    // Accepted once: it is no longer pending.
    expect((await invitee.browser.post("/orgs", { intent: "accept", invitationId })).status).toBe(404);
  });

  it("lets the invitee decline; nothing changes for them and the inviter's pending list forgets it", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence Refusée" });
    const invitee = await signUpMerchant(app);
    await owner.browser.post("/settings/members", { email: invitee.email, role: "member" });
    const orgs = await invitee.browser.get("/orgs");
    const invitationId = /name="invitationId" value="([^"]+)"/.exec(orgs.html)![1];
    await invitee.browser.post("/orgs", { intent: "decline", invitationId });
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(false);
    expect(textOf((await invitee.browser.get("/orgs")).html)).not.toContain("Agence Refusée");
    expect(textOf((await owner.browser.get("/settings/members")).html)).not.toContain(invitee.email);
  });

  it("accepts an invitation someone else received only for its invitee", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence Ciblée" });
    const invitee = await signUpMerchant(app);
    const other = await signUpMerchant(app);
    await owner.browser.post("/settings/members", { email: invitee.email, role: "member" });
    const invitationId = (await app.db.invitation.findFirstOrThrow({ where: { email: invitee.email } })).id;
    expect((await other.browser.post("/orgs", { intent: "accept", invitationId })).status).toBe(404);
    expect(await isMember(other.userId, owner.organisationId)).toBe(false);
  });

  it("through the email link: logged out it asks to log in, as another account it refuses, as the invitee it accepts", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence Lien" });
    const invitee = await signUpMerchant(app);
    const other = await signUpMerchant(app);
    await owner.browser.post("/settings/members", { email: invitee.email, role: "accountant" });
    const link = await invitationLink(invitee.email);

    const stranger = app.browser();
    expect(textOf((await stranger.get(link)).html)).toContain(`Connectez-vous avec ${invitee.email} pour accepter`);
    const attempt = await stranger.post(link, { intent: "accept" });
    expect(attempt.location).toMatch(/^\/login/);
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(false);

    expect(textOf((await other.browser.get(link)).html)).toContain(`Cette invitation est adressée à ${invitee.email}`);
    await other.browser.post(link, { intent: "accept" });
    expect(await isMember(other.userId, owner.organisationId)).toBe(false);
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(false);

    const page = await invitee.browser.get(link);
    expect(textOf(page.html)).toContain("Agence Lien");
    const accepted = await invitee.browser.post(link, { intent: "accept" });
    expect(accepted.location).toBe("/invoices");
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(true);
  });

  it("through the email link, can be declined", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Agence Non Merci" });
    const invitee = await signUpMerchant(app);
    await owner.browser.post("/settings/members", { email: invitee.email, role: "member" });
    const link = await invitationLink(invitee.email);
    const page = await app.browser().post(link, { intent: "decline" });
    expect(textOf(page.html)).toContain("Invitation refusée.");
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(false);
    expect((await invitee.browser.post(link, { intent: "accept" })).location).toBe(link);
    expect(await isMember(invitee.userId, owner.organisationId)).toBe(false);
  });
});

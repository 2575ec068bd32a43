import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueEmails } from "~/domain/outbox";
import { PermanentError } from "~/domain/queue";
import { createLogger } from "~/lib/logger.server";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { emailLink, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Everything a stolen copy of the database holds: the file and its write-ahead log, byte for byte. */
function databaseBytes() {
  const file = app.config.DATABASE_URL.replace(/^file:/, "");
  return ["", "-wal"].map((suffix) => (existsSync(file + suffix) ? readFileSync(file + suffix).toString("latin1") : "")).join("");
}

/** What the outbox holds, in every column. */
async function outboxDump() {
  return JSON.stringify(await app.db.outboxEmail.findMany());
}

const tokenOf = (link: string) => link.split("/").pop()!;

describe("bearer links in the outbox (a database leak hands out none)", () => {
  it("never stores a password reset link in clear, before or after sending, and the link works", async () => {
    const { email } = await signUpMerchant(app);
    await app.browser().post("/forgot-password", { email });
    const queued = await outboxDump();
    const message = await app.lastEmailTo(email, /Réinitialisez/);
    const link = /\/reset-password\/[\w-]+/.exec(message.text)![0];
    expect(queued).not.toContain(tokenOf(link));
    expect(await outboxDump()).not.toContain(tokenOf(link));
    expect(databaseBytes()).not.toContain(tokenOf(link));
    // What the log keeps: recipient, subject, status.
    const row = await app.db.outboxEmail.findFirstOrThrow({ where: { toAddress: email, kind: "password_reset" } });
    expect(row).toMatchObject({ status: "sent", subject: "Réinitialisez votre mot de passe", secret: null });
    // The person who got the email can still use it.
    expect(textOf((await app.browser().get(link)).html)).toContain("Choisir un nouveau mot de passe");
  });

  it("never stores a sign-up link in clear, before or after sending, and the link works", async () => {
    const email = `sealed-signup-${Date.now()}@example.fr`;
    const page = await app.browser().post("/signup", { name: "Scellé", email, password: "a long password", organisationName: "Scellé SARL" });
    expect(page.status).toBe(200);
    const queued = await outboxDump();
    const row = await app.db.outboxEmail.findFirstOrThrow({ where: { toAddress: email, kind: "signup_confirm" } });
    expect(row.secret).not.toBeNull();
    const link = await emailLink(app, email, "signup_confirm", /\/signup\/[\w-]+/);
    expect(queued).not.toContain(tokenOf(link));
    expect(await outboxDump()).not.toContain(tokenOf(link));
    expect(JSON.stringify(await app.db.signupRequest.findMany())).not.toContain(tokenOf(link));
    expect(databaseBytes()).not.toContain(tokenOf(link));
    expect(await app.db.outboxEmail.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "sent", secret: null });
    // The person who got the email can still use it.
    const browser = app.browser();
    expect(textOf((await browser.get(link)).html)).toContain(`Compte pour ${email}, organisation « Scellé SARL ».`);
    expect((await browser.post(link, {})).location).toBe("/settings/organisation");
  });

  it("never stores an invitation link in clear", async () => {
    const owner = await signUpMerchant(app, { organisationName: "Cabinet Secret" });
    await owner.browser.post("/settings/members", { email: "invitee@example.fr", role: "member" });
    const queued = await outboxDump();
    const message = await app.lastEmailTo("invitee@example.fr");
    const link = /\/invitation\/[\w-]+/.exec(message.text)![0];
    expect(queued).not.toContain(tokenOf(link));
    expect(await outboxDump()).not.toContain(tokenOf(link));
    expect(databaseBytes()).not.toContain(tokenOf(link));
    expect((await app.browser().get(link)).status).toBe(200);
  });

  it("never stores an invoice's consultation link in clear; the invoice still lists what was sent", async () => {
    const { invoiceId, browser, link } = await sentInvoice(app, { providers: [] });
    await app.deliverEmails();
    expect(await outboxDump()).not.toContain(tokenOf(link));
    const page = textOf((await browser.get(`/invoices/${invoiceId}`)).html);
    expect(page).toMatch(/Facture envoyée → lucie@example.fr : envoyé/);
    // A reminder, sent and then given up (refused for good: "rejected"), keeps no link either.
    await browser.post(`/invoices/${invoiceId}`, { intent: "remind", sendKey: `remind-${invoiceId}` });
    const refusing = {
      name: "refusing",
      send: async () => {
        throw new PermanentError("address refused");
      },
    };
    await deliverDueEmails({
      db: app.db,
      transport: refusing,
      from: app.config.EMAIL_FROM,
      log: createLogger("silent"),
      encryptionKey: app.config.ENCRYPTION_KEY,
    });
    expect(await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId, kind: "invoice_reminder" } })).toMatchObject({ status: "rejected", secret: null });
    expect(await outboxDump()).not.toContain(tokenOf(link));
    expect(databaseBytes()).not.toContain(tokenOf(link));
  });
});

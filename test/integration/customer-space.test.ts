/**
 * Issue 14, the customer space: a merchant invites a customer (email or letter), the customer activates
 * the space with the access code, logs in and out, resets a forgotten password, and sees their balance,
 * statement (page and PDF), invoices, payments and how to pay by transfer. One space per merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { CODE, invitationCode, openSpace } from "../helpers/customer-space";
import { emailLink } from "../helpers/merchant";
import { createCustomer, createDraftInvoice, organisationProfile, signUpMerchant } from "../helpers/merchant";
import { pdfText as readPdf } from "../helpers/pdf-text";

const pdfText = (body: ArrayBuffer) => readPdf(new Uint8Array(body));

let app: TestApp;
let a: Awaited<ReturnType<typeof signUpMerchant>>;
let b: Awaited<ReturnType<typeof signUpMerchant>>;
let lucie: string; // a customer of A
let paul: string; // another customer of A
let lucieAtB: string; // the same person, a customer of B
const invoices: { id: string; number: string }[] = [];
let paulInvoice: string;
let bInvoice: string;
const space = (orgId: string, rest = "") => `/espace/${orgId}${rest}`;
const PASSWORD = "mon mot de passe secret";

async function finalised(browser: TestBrowser, customerId: string, fields: Record<string, string> = {}) {
  const id = await createDraftInvoice(browser, customerId, fields);
  await browser.post(`/invoices/${id}`, { intent: "finalise" });
  return { id, number: (await app.db.invoice.findUniqueOrThrow({ where: { id } })).number! };
}

beforeAll(async () => {
  app = await startTestApp();
  a = await signUpMerchant(app, { organisationName: "Atelier Rivière" });
  await a.browser.post("/settings/organisation", { ...organisationProfile, iban: "FR7630006000011234567890189", bic: "AGRIFRPP882" });
  lucie = await createCustomer(a.browser, {
    name: "Lucie Moreau",
    email: "lucie@example.fr",
    addressLine1: "12 rue des Lilas",
    postalCode: "34000",
    city: "Montpellier",
    reference: "A 606 0001",
  });
  invoices.push(await finalised(a.browser, lucie), await finalised(a.browser, lucie, { issueDate: "2026-11-02" }));
  const recorded = await a.browser.post(`/customers/${lucie}/receipts/new`, {
    intent: "record",
    method: "transfer",
    receivedOn: "2026-11-20",
    currency: "EUR",
    amount: "100,00",
    reference: "VIR LUCIE",
  });
  expect(recorded.status, textOf(recorded.html).slice(0, 400)).toBe(302);
  paul = await createCustomer(a.browser, { name: "Paul Martin", email: "paul@example.fr" });
  paulInvoice = (await finalised(a.browser, paul)).id;
  b = await signUpMerchant(app, { organisationName: "Boutique Bleue" });
  lucieAtB = await createCustomer(b.browser, { name: "Lucie Moreau", email: "lucie@example.fr", locale: "en" });
  bInvoice = (await finalised(b.browser, lucieAtB)).id;
});
afterAll(() => app.close());

describe("invitation and activation with the access code", () => {
  let code: string;

  it("the merchant invites from the customer's page; the customer gets the code and the activation link by email", async () => {
    const page = await a.browser.get(`/customers/${lucie}`);
    expect(textOf(page.html)).toContain("Inviter à son espace client");
    expect(textOf(page.html)).toContain("Pas d'espace client.");
    const invited = await a.browser.post(`/customers/${lucie}/space`, { intent: "invite" });
    expect(invited.status).toBe(200);
    expect(textOf(invited.html)).toContain("Invitation envoyée à lucie@example.fr.");
    const email = await invitationCode(app, "lucie@example.fr");
    code = email.code;
    expect(email.text).toContain(`${app.baseUrl}${space(a.organisationId, "/activer")}`);
    expect(email.text).toContain("Atelier Rivière");
    // Hashed at rest, and gone from the kept email once sent.
    const access = await app.db.customerAccess.findUniqueOrThrow({ where: { customerId: lucie } });
    expect(access.codeHash).not.toContain(code.replace("-", ""));
    const kept = await app.db.outboxEmail.findFirstOrThrow({ where: { toAddress: "lucie@example.fr", kind: "customer_space_invitation" } });
    expect(`${kept.html}${kept.text}`).not.toContain(code);
    expect(textOf((await a.browser.get(`/customers/${lucie}`)).html)).toContain("Invité, en attente d'activation.");
  });

  it("refuses a wrong code and a right code with another address", async () => {
    const browser = app.browser();
    let page = await browser.post(space(a.organisationId, "/activer"), {
      email: "lucie@example.fr",
      code: "ABCDE-FGHJK",
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Adresse e-mail ou code d'accès incorrect");
    page = await browser.post(space(a.organisationId, "/activer"), { email: "paul@example.fr", code, password: PASSWORD, confirm: PASSWORD });
    expect(textOf(page.html)).toContain("Adresse e-mail ou code d'accès incorrect");
    // The same code at another merchant's space opens nothing.
    page = await browser.post(space(b.organisationId, "/activer"), { email: "lucie@example.fr", code, password: PASSWORD, confirm: PASSWORD });
    expect(textOf(page.html)).toContain("Adresse e-mail ou code d'accès incorrect");
  });

  it("a new invitation replaces the code; an expired code is refused", async () => {
    await a.browser.post(`/customers/${lucie}/space`, { intent: "invite" });
    const second = (await invitationCode(app, "lucie@example.fr")).code;
    expect(second).not.toBe(code);
    const browser = app.browser();
    const old = await browser.post(space(a.organisationId, "/activer"), { email: "lucie@example.fr", code, password: PASSWORD, confirm: PASSWORD });
    expect(textOf(old.html)).toContain("Adresse e-mail ou code d'accès incorrect");
    await app.db.customerAccess.update({ where: { customerId: lucie }, data: { codeExpiresAt: new Date(Date.now() - 1000) } });
    const expired = await browser.post(space(a.organisationId, "/activer"), { email: "lucie@example.fr", code: second, password: PASSWORD, confirm: PASSWORD });
    expect(textOf(expired.html)).toContain("Adresse e-mail ou code d'accès incorrect");
    expect(textOf((await a.browser.get(`/customers/${lucie}/space`)).html)).toContain("a expiré");
    await a.browser.post(`/customers/${lucie}/space`, { intent: "invite" });
    code = (await invitationCode(app, "lucie@example.fr")).code;
  });

  it("the right code, typed loosely, activates the space and logs the customer in; it works once", async () => {
    const browser = app.browser();
    const loose = ` ${code.toLowerCase().replace("-", " ")} `;
    const page = await browser.post(space(a.organisationId, "/activer"), { email: "Lucie@Example.fr", code: loose, password: PASSWORD, confirm: PASSWORD });
    expect(page.status, textOf(page.html).slice(0, 300)).toBe(302);
    expect(page.location).toBe(space(a.organisationId, "/compte"));
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith("csid="))!;
    expect(cookie).toContain(`Path=${space(a.organisationId)}`);
    expect(cookie).toMatch(/HttpOnly/i);
    // The space's address leads to its home, a page under the cookie's path, its data (`/compte.data`) too.
    const entry = await browser.get(space(a.organisationId));
    expect(entry.location).toBe(space(a.organisationId, "/compte"));
    const home = await browser.get(space(a.organisationId, "/compte"));
    expect(home.status).toBe(200);
    expect(home.headers.get("cache-control")).toBe("no-store");
    expect(textOf(home.html)).toContain("Espace client — Atelier Rivière");
    const again = await app
      .browser()
      .post(space(a.organisationId, "/activer"), { email: "lucie@example.fr", code, password: "autre mot de passe", confirm: "autre mot de passe" });
    expect(textOf(again.html)).toContain("Adresse e-mail ou code d'accès incorrect");
    expect(textOf((await a.browser.get(`/customers/${lucie}`)).html)).toContain("Espace client actif.");
  });

  it("the code can be printed as a letter, which replaces the emailed one", async () => {
    const letter = await a.browser.post(`/customers/${paul}/space/letter`, {});
    expect(letter.status).toBe(200);
    expect(letter.headers.get("content-type")).toBe("application/pdf");
    const text = pdfText(letter.body);
    const printed = CODE.exec(text)?.[0];
    expect(printed).toBeTruthy();
    expect(text).toContain("Atelier Rivière");
    expect(text).toContain("Paul Martin");
    expect(text).toContain(`${app.baseUrl}${space(a.organisationId, "/activer")}`);
    expect(text).toContain("paul@example.fr");
    // Refused without the form's CSRF token.
    expect((await a.browser.post(`/customers/${paul}/space/letter`, {}, { csrf: false })).status).toBe(403);
    const page = await app
      .browser()
      .post(space(a.organisationId, "/activer"), { email: "paul@example.fr", code: printed!, password: PASSWORD, confirm: PASSWORD });
    expect(page.location).toBe(space(a.organisationId, "/compte"));
    await a.browser.post(`/customers/${paul}/space`, { intent: "revoke" });
    expect(await app.db.customerAccess.count({ where: { customerId: paul } })).toBe(0);
  });

  it("a customer without an email cannot be invited", async () => {
    const nobody = await createCustomer(a.browser, { name: "Sans Adresse", email: "" });
    const page = await a.browser.post(`/customers/${nobody}/space`, { intent: "invite" });
    expect(textOf(page.html)).toContain("Renseignez l'adresse e-mail du client");
  });
});

describe("what the customer sees", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = app.browser();
    const login = await browser.post(space(a.organisationId, "/connexion"), { email: "lucie@example.fr", password: PASSWORD });
    expect(login.location).toBe(space(a.organisationId, "/compte"));
  });

  it("the home shows the balance, money in progress, the bank details, the reference and « Payer votre solde »", async () => {
    await app.db.payment.create({
      data: {
        organisationId: a.organisationId,
        customerId: lucie,
        invoiceId: invoices[0].id,
        provider: "gocardless",
        providerPaymentId: "PM_in_progress",
        method: "direct_debit",
        amountMinor: 5000,
        currency: "EUR",
        status: "processing",
      },
    });
    const text = textOf((await browser.get(space(a.organisationId, "/compte"))).html);
    expect(text).toContain("Solde (EUR) : 620,00 € dû");
    expect(text).toContain("Paiements en cours");
    expect(text).toContain("50,00 € par prélèvement");
    expect(text).toContain("FR76 3000 6000 0112 3456 7890 189");
    expect(text).toContain("AGRIFRPP882");
    expect(text).toContain("A 606 0001");
    expect(text).toContain("Payer votre solde");
    const pay = await browser.get(space(a.organisationId, "/payer"));
    expect(pay.status).toBe(200);
    // What is left once the debit on its way arrives.
    expect(textOf(pay.html)).toContain("Reste à payer : 570,00 €");
    expect(textOf(pay.html)).toContain("Un paiement de 50,00 € est en cours");
  });

  it("the statement: carried-forward balance, movements with the running balance, closing balance; and its PDF, FR and EN", async () => {
    const query = "?from=2026-11-15&to=2026-12-31&currency=EUR";
    const page = textOf((await browser.get(space(a.organisationId, `/releve${query}`))).html);
    expect(page).toContain("Report précédent 720,00 €");
    expect(page).toContain("Règlement enregistré (Virement) — VIR LUCIE");
    expect(page).toContain("Solde fin de période 620,00 €");
    const pdf = await browser.get(space(a.organisationId, `/releve/pdf${query}`));
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = pdfText(pdf.body);
    expect(text).toContain("Relevé de compte");
    expect(text).toContain("Report précédent");
    expect(text).toContain("720,00");
    expect(text).toContain("Solde fin de période");
    expect(text).toContain("620,00");
    expect(text).toContain("A 606 0001");
    const carried = 72000;
    const movements = -10000;
    expect(carried + movements).toBe(62000);
    const english = pdfText((await browser.get(space(a.organisationId, `/releve/pdf${query}&lang=en`))).body);
    expect(english).toContain("Brought forward");
    expect(english).toContain("€720.00");
    expect(english).toContain("Closing balance");
    expect(english).toContain("€620.00");
    // The whole history: nothing carried forward, both invoices, the payment.
    const all = pdfText((await browser.get(space(a.organisationId, "/releve/pdf?from=2026-01-01&to=2026-12-31"))).body);
    expect(all).toContain(`Facture ${invoices[0].number}`);
    expect(all).toContain(`Facture ${invoices[1].number}`);
    expect(all).toContain("0,00");
  });

  it("the merchant's statement page links to the same statement as a PDF", async () => {
    const query = "from=2026-11-15&to=2026-12-31&currency=EUR";
    const page = await a.browser.get(`/customers/${lucie}/statement?${query}`);
    expect(page.html).toContain(`/customers/${lucie}/statement/pdf?${query.replace(/&/g, "&amp;")}`);
    const pdf = await a.browser.get(`/customers/${lucie}/statement/pdf?${query}`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = pdfText(pdf.body);
    expect(text).toContain("Report précédent");
    expect(text).toContain("Solde fin de période");
    expect(text).toContain("620,00");
    expect(pdfText((await a.browser.get(`/customers/${lucie}/statement/pdf?${query}&lang=en`)).body)).toContain("Closing balance");
  });

  it("the invoices, each with its PDF", async () => {
    const page = await browser.get(space(a.organisationId, "/factures"));
    const text = textOf(page.html);
    for (const invoice of invoices) {
      expect(text).toContain(invoice.number);
      expect(page.html).toContain(space(a.organisationId, `/factures/${invoice.id}/pdf`));
    }
    expect(text).not.toContain((await app.db.invoice.findUniqueOrThrow({ where: { id: paulInvoice } })).number!);
    const pdf = await browser.get(space(a.organisationId, `/factures/${invoices[0].id}/pdf`));
    expect(pdf.status).toBe(200);
    expect(pdfText(pdf.body)).toContain(invoices[0].number);
  });

  it("the payments and their states, in progress included", async () => {
    const text = textOf((await browser.get(space(a.organisationId, "/paiements"))).html);
    // A recorded transfer says which invoice it settled.
    expect(text).toContain(`Règlement reçu — Virement — facture ${invoices[0].number} — VIR LUCIE`);
    expect(text).toContain("100,00 €");
    expect(text).toContain(`Paiement en ligne — facture ${invoices[0].number}`);
    expect(text).toContain("en cours");
  });

  it("in English when the customer reads English", async () => {
    await browser.post("/locale", { locale: "en", redirectTo: space(a.organisationId) });
    const text = textOf((await browser.get(space(a.organisationId, "/compte"))).html);
    expect(text).toContain("Balance (EUR):");
    expect(text).toContain("Pay your balance");
    await browser.post("/locale", { locale: "fr", redirectTo: space(a.organisationId) });
  });

  it("no « Payer votre solde » when nothing is due", async () => {
    const settled = await createCustomer(a.browser, { name: "Client à jour", email: "ajour@example.fr" });
    const own = await openSpace(app, a.browser, a.organisationId, settled, "ajour@example.fr");
    const text = textOf((await own.get(space(a.organisationId, "/compte"))).html);
    expect(text).not.toContain("Payer votre solde");
  });
});

describe("log in, log out, forgotten password", () => {
  it("logs in with email and password, and out", async () => {
    const browser = app.browser();
    const wrong = await browser.post(space(a.organisationId, "/connexion"), { email: "lucie@example.fr", password: "pas le bon" });
    expect(textOf(wrong.html)).toContain("E-mail ou mot de passe incorrect.");
    const page = await browser.post(space(a.organisationId, "/connexion"), {
      email: "lucie@example.fr",
      password: PASSWORD,
      redirectTo: space(a.organisationId, "/factures"),
    });
    expect(page.location).toBe(space(a.organisationId, "/factures"));
    // A target outside this space is not followed.
    const elsewhere = await app
      .browser()
      .post(space(a.organisationId, "/connexion"), { email: "lucie@example.fr", password: PASSWORD, redirectTo: "/customers" });
    expect(elsewhere.location).toBe(space(a.organisationId, "/compte"));
    const out = await browser.post(space(a.organisationId, "/deconnexion"), {});
    expect(out.location).toBe(space(a.organisationId, "/connexion"));
    const after = await browser.get(space(a.organisationId, "/releve"));
    expect(after.status).toBe(302);
    expect(after.location).toBe(`${space(a.organisationId, "/connexion")}?redirectTo=${encodeURIComponent(space(a.organisationId, "/releve"))}`);
  });

  it("resets a forgotten password by an emailed link, once", async () => {
    const browser = app.browser();
    const asked = await browser.post(space(a.organisationId, "/mot-de-passe-oublie"), { email: "lucie@example.fr" });
    expect(textOf(asked.html)).toContain("Si un compte existe");
    const unknown = await browser.post(space(a.organisationId, "/mot-de-passe-oublie"), { email: "personne@example.fr" });
    expect(textOf(unknown.html)).toBe(textOf(asked.html));
    const link = await emailLink(app, "lucie@example.fr", "customer_space_reset", new RegExp(`/espace/${a.organisationId}/reinitialiser/[\\w-]+`));
    const reset = await browser.post(link, { password: "nouveau mot de passe", confirm: "nouveau mot de passe" });
    expect(reset.location).toBe(space(a.organisationId, "/compte"));
    expect((await browser.get(space(a.organisationId, "/compte"))).status).toBe(200);
    const reused = await app.browser().post(link, { password: "encore un autre", confirm: "encore un autre" });
    expect(textOf(reused.html)).toContain("Ce lien");
    const old = await app.browser().post(space(a.organisationId, "/connexion"), { email: "lucie@example.fr", password: PASSWORD });
    expect(old.status).toBe(200);
    const fresh = await app.browser().post(space(a.organisationId, "/connexion"), { email: "lucie@example.fr", password: "nouveau mot de passe" });
    expect(fresh.location).toBe(space(a.organisationId, "/compte"));
    // The link of the reset email is not usable at another merchant's space.
    expect(link).toContain(a.organisationId);
  });

  it("a temporary password must be changed before anything else", async () => {
    const given = await a.browser.post(`/customers/${paul}/space`, { intent: "temporary", password: "temporaire 123456", confirm: "temporaire 123456" });
    expect(textOf(given.html)).toContain("Accès créé");
    const browser = app.browser();
    const login = await browser.post(space(a.organisationId, "/connexion"), { email: "paul@example.fr", password: "temporaire 123456" });
    expect(login.location).toBe(space(a.organisationId, "/mot-de-passe"));
    for (const path of ["/compte", "/releve", "/factures", "/paiements", `/factures/${paulInvoice}/pdf`, "/releve/pdf"]) {
      const page = await browser.get(space(a.organisationId, path));
      expect(page.status, path).toBe(302);
      expect(page.location, path).toBe(space(a.organisationId, "/mot-de-passe"));
    }
    const form = textOf((await browser.get(space(a.organisationId, "/mot-de-passe"))).html);
    expect(form).toContain("mot de passe temporaire");
    const same = await browser.post(space(a.organisationId, "/mot-de-passe"), { password: "temporaire 123456", confirm: "temporaire 123456" });
    expect(textOf(same.html)).toContain("différent du mot de passe temporaire");
    const changed = await browser.post(space(a.organisationId, "/mot-de-passe"), { password: "le mien desormais", confirm: "le mien desormais" });
    expect(changed.location).toBe(space(a.organisationId, "/compte"));
    expect((await browser.get(space(a.organisationId, "/factures"))).status).toBe(200);
  });
});

describe("one space per merchant", () => {
  it("the same email at two merchants: two accounts, two passwords; logging in at one never opens the other", async () => {
    const atB = await openSpace(app, b.browser, b.organisationId, lucieAtB, "lucie@example.fr", "le mot de passe chez B");
    const home = textOf((await atB.get(space(b.organisationId, "/compte"))).html);
    expect(home).toContain("Customer space — Boutique Bleue"); // the customer's language at B: English
    expect(home).not.toContain("Atelier Rivière");
    expect(home).toContain("360.00");
    expect(home).not.toContain("620");
    // B's session does not open A's space, and B's password does not open A's account.
    const atA = await atB.get(space(a.organisationId, "/compte"));
    expect(atA.status).toBe(302);
    expect(atA.location).toContain(space(a.organisationId, "/connexion"));
    const cross = await atB.post(space(a.organisationId, "/connexion"), { email: "lucie@example.fr", password: "le mot de passe chez B" });
    expect(cross.status).toBe(200);
    // A's invoice through B's space is a 404.
    expect((await atB.get(space(b.organisationId, `/factures/${invoices[0].id}/pdf`))).status).toBe(404);
    expect((await atB.get(space(b.organisationId, `/factures/${bInvoice}/pdf`))).status).toBe(200);
  });
});

describe("rate limits", () => {
  it("access code tries are limited per client", async () => {
    const browser = app.browser();
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (
        await browser.post(space(a.organisationId, "/activer"), { email: `x${i}@example.fr`, code: "ABCDE-FGHJK", password: PASSWORD, confirm: PASSWORD })
      ).status;
    }
    expect(last).toBe(429);
  });

  it("access code tries are limited per address, from any client", async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (
        await app.browser().post(space(a.organisationId, "/activer"), { email: "cible@example.fr", code: "ABCDE-FGHJK", password: PASSWORD, confirm: PASSWORD })
      ).status;
    }
    expect(last).toBe(429);
  });

  it("login tries are limited like the merchants'", async () => {
    const browser = app.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await browser.post(space(a.organisationId, "/connexion"), { email: "paul@example.fr", password: `faux ${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
  });

  it("nothing secret was logged: no code, no password", async () => {
    const logs = app.logs.join("\n");
    const emailed = await app.db.outboxEmail.findMany({ where: { kind: "customer_space_invitation" }, select: { id: true } });
    for (const { id } of emailed) {
      const code = CODE.exec((await app.deliveredEmail(id)).text)?.[0];
      if (code) expect(logs).not.toContain(code);
    }
    expect(logs).not.toContain(PASSWORD);
  });
});

describe("an archived customer", () => {
  it("can no longer log in, and an open session ends", async () => {
    const gone = await createCustomer(a.browser, { name: "Client parti", email: "parti@example.fr" });
    const browser = await openSpace(app, a.browser, a.organisationId, gone, "parti@example.fr", "mot de passe du parti");
    expect((await browser.get(space(a.organisationId, "/compte"))).status).toBe(200);
    await a.browser.post(`/customers/${gone}`, { intent: "archive" });
    const page = await browser.get(space(a.organisationId, "/compte"));
    expect(page.status).toBe(302);
    const login = await browser.get(page.location!);
    expect(login.status).toBe(200);
    const again = await browser.post(space(a.organisationId, "/connexion"), { email: "parti@example.fr", password: "mot de passe du parti" });
    expect(again.status).toBe(200);
    expect(textOf(again.html)).toContain("E-mail ou mot de passe incorrect.");
  });
});

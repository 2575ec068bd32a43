/**
 * Issue 15: SEPA mandates signed from an invoice's pay tab, with a code by email or SMS; own-ICS creditors
 * (the app signs and prints the mandate) and GoCardless creditors (GoCardless's flow, then its events).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { organisationProfile, sentInvoice } from "../helpers/merchant";
import { pdfText } from "../helpers/pdf";
import { useProviderMocks } from "../mocks/providers";
import { gcEvent, gocardlessBody, postWebhook } from "../mocks/webhooks";
import gocardlessFixtures from "../fixtures/providers/gocardless-examples.json";
import { fulfilBillingRequest } from "../../integrations/sandbox/gocardless-payments";

const mocks = useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const IBAN = "FR7630006000011234567890189"; // Crédit Agricole (30006): BIC AGRIFRPPXXX proposed
const OTHER_IBAN = "FR7630004000031234567890143"; // BNP Paribas
const ICS = "FR13ZZZ437149";

type Merchant = Awaited<ReturnType<typeof sentInvoice>>;

/** A merchant that is its own SEPA creditor (ICS), with an invoice sent to Lucie Moreau. */
async function ownIcsMerchant(): Promise<Merchant> {
  const merchant = await sentInvoice(app, { providers: [] });
  const saved = await merchant.browser.post("/settings/organisation", {
    ...organisationProfile,
    sepaCreditor: "own_ics",
    creditorIdentifier: "fr13 zzz 437149",
  });
  expect(saved.status).toBe(200);
  expect(await app.db.organisation.findUniqueOrThrow({ where: { id: merchant.organisationId } })).toMatchObject({
    sepaCreditor: "own_ics",
    creditorIdentifier: ICS,
  });
  return merchant;
}

async function startMandate(customer: TestBrowser, link: string, fields: Record<string, string> = {}) {
  const page = await customer.post(`${link}/mandate`, {
    iban: IBAN,
    bic: "",
    holderName: "Lucie Moreau",
    email: "lucie@example.fr",
    type: "one_off",
    ...fields,
  });
  expect(page.status, textOf(page.html).slice(0, 400)).toBe(303);
  const mandateId = page.location!.split("/").pop()!;
  return { mandateId, url: `${link}/mandate/${mandateId}` };
}

/** Asks for a code and reads it as the customer does (the local mailbox: email to the address, SMS to the number). */
async function askCode(customer: TestBrowser, url: string, to = "lucie@example.fr", fields: Record<string, string> = {}) {
  const page = await customer.post(url, { intent: "send", consent: "on", channel: "email", ...fields });
  expect(page.status, textOf(page.html).slice(0, 400)).toBe(200);
  const message = await app.lastEmailTo(to);
  return /\b(\d{6})\b/.exec(message.text)![1];
}

/** A radio button checked in the page (React writes `checked` before or after `value`). */
const checked = (html: string, value: string) =>
  [...html.matchAll(/<input[^>]*>/g)].some(([input]) => input.includes(`value="${value}"`) && input.includes("checked"));

const mandateRow = (id: string) => app.db.mandate.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { createdAt: "asc" } } } });

describe("the organisation's SEPA creditor", () => {
  it("needs a well-formed creditor identifier (ICS) to be its own creditor", async () => {
    const m = await sentInvoice(app, { providers: [] });
    const missing = await m.browser.post("/settings/organisation", { ...organisationProfile, sepaCreditor: "own_ics", creditorIdentifier: "" });
    expect(textOf(missing.html)).toContain("Indiquez votre identifiant créancier SEPA (ICS)");
    const wrong = await m.browser.post("/settings/organisation", { ...organisationProfile, sepaCreditor: "own_ics", creditorIdentifier: "FR14ZZZ437149" });
    expect(textOf(wrong.html)).toContain("Identifiant créancier SEPA (ICS) invalide");
    expect(await app.db.organisation.findUniqueOrThrow({ where: { id: m.organisationId } })).toMatchObject({
      sepaCreditor: "gocardless",
      creditorIdentifier: "",
    });
    // Neither GoCardless connected nor an ICS: no mandate is offered.
    expect((await app.browser().get(m.link)).html).not.toContain(`${m.link}/mandate`);
    expect(textOf((await app.browser().get(`${m.link}/mandate`)).html)).toContain("pas encore proposé par ce créancier");
  });
});

describe("an own-ICS creditor's mandate, signed from the invoice's pay tab", () => {
  let m: Merchant;
  let customer: TestBrowser;
  beforeAll(async () => {
    m = await ownIcsMerchant();
    customer = app.browser();
  });

  it("offers the mandate from the pay tab, checks the IBAN clearly and proposes the BIC", async () => {
    const invoicePage = await customer.get(m.link);
    expect(invoicePage.html).toContain(`href="${m.link}/mandate"`);
    const form = await customer.get(`${m.link}/mandate`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="lucie@example.fr"'); // from the customer record, editable
    expect(checked(form.html, "one_off")).toBe(true); // one-off preselected
    const refused = await customer.post(`${m.link}/mandate`, {
      iban: "FR76 1234",
      bic: "",
      holderName: "Lucie Moreau",
      email: "lucie@example.fr",
      type: "one_off",
    });
    expect(refused.status).toBe(200);
    expect(textOf(refused.html)).toContain("Format de l'IBAN incorrect");
    expect(await app.db.mandate.count({ where: { organisationId: m.organisationId } })).toBe(0);
  });

  it("shows every mandatory mention, signs with the right code, and gives the signed PDF and a confirmation email", async () => {
    const { mandateId, url } = await startMandate(customer, m.link);
    let mandate = await mandateRow(mandateId);
    expect(mandate).toMatchObject({
      status: "pending_verification",
      creditorKind: "own_ics",
      creditorIdentifier: ICS,
      bic: "AGRIFRPPXXX",
      type: "one_off",
      amountMinor: 36000,
    });
    expect(mandate.reference).toMatch(/^RUM-\d{8}-[0-9A-Z]{10}$/);
    expect(mandate.encryptedIban).not.toContain("30006000011234567890189");
    expect(mandate.ibanMasked).toMatch(/^FR76 [• ]+0 189$/);

    const summary = textOf((await customer.get(url)).html);
    for (const mention of [
      "Mandat de prélèvement SEPA",
      "Atelier Rivière SARL",
      "3 rue Basse",
      ICS,
      "Lucie Moreau",
      "FR76 3000 6000 0112 3456 7890 189",
      "AGRIFRPPXXX",
      mandate.reference,
      "Prélèvement ponctuel",
      "360,00",
      "8 semaines",
      "En signant ce formulaire de mandat",
    ]) {
      expect(summary, mention).toContain(mention);
    }
    // No code without consent.
    const noConsent = await customer.post(url, { intent: "send", channel: "email" });
    expect(textOf(noConsent.html)).toContain("Cochez la case pour accepter et signer le mandat.");
    expect(await app.db.mandateCode.count({ where: { mandateId } })).toBe(0);

    const code = await askCode(customer, url);
    const stored = await app.db.mandateCode.findFirstOrThrow({ where: { mandateId } });
    expect(stored.codeHash).not.toContain(code);
    // The code is not kept in the outbox once the email is sent.
    const outbox = await app.db.outboxEmail.findFirstOrThrow({ where: { kind: "mandate_code", organisationId: m.organisationId } });
    expect(`${outbox.html}${outbox.text}${outbox.secret ?? ""}`).not.toContain(code);

    const wrong = await customer.post(url, { intent: "verify", code: code === "000000" ? "111111" : "000000" });
    expect(textOf(wrong.html)).toContain("Code incorrect");
    expect((await mandateRow(mandateId)).status).toBe("pending_verification");

    const signed = await customer.post(url, { intent: "verify", code });
    expect(signed.status).toBe(303);
    mandate = await mandateRow(mandateId);
    expect(mandate.status).toBe("active");
    expect(mandate.signedAt).not.toBeNull();
    expect(JSON.parse(mandate.signatureTrace)).toMatchObject({
      channel: "email",
      destination: "l•••@example.fr",
      textHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(mandate.events.map((e) => [e.status, e.origin, e.action])).toEqual([["active", "customer", "signed"]]);

    const after = textOf((await customer.get(url)).html);
    expect(after).toContain("Mandat signé le");
    expect(after).not.toContain("FR76 3000 6000 0112 3456 7890 189"); // masked once signed
    const pdf = await customer.get(`${url}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const printed = pdfText(pdf.body);
    for (const mention of [
      mandate.reference,
      ICS,
      "Atelier Rivière SARL",
      "Lucie Moreau",
      "FR76 3000 6000 0112 3456 7890 189",
      "AGRIFRPPXXX",
      "Prélèvement ponctuel",
      "8 semaines",
      "code à usage unique",
    ]) {
      expect(printed, mention).toContain(mention);
    }
    const confirmation = await app.lastEmailTo("lucie@example.fr", /signé/);
    expect(confirmation.text).toContain(mandate.reference);
    expect(confirmation.text).toMatch(new RegExp(`/i/[\\w-]+/mandate/${mandateId}/pdf`));
    // The IBAN is never logged.
    expect(app.logs.join("\n")).not.toContain("30006000011234567890189");
  });

  it("refuses an expired code, and a code after five wrong tries, until a new one is asked for (not sooner than a minute)", async () => {
    const { mandateId, url } = await startMandate(customer, m.link);
    const code = await askCode(customer, url);
    const tooSoon = await customer.post(url, { intent: "send", consent: "on", channel: "email" });
    expect(textOf(tooSoon.html)).toContain("patientez une minute");
    await app.db.mandateCode.updateMany({ where: { mandateId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await customer.post(url, { intent: "verify", code });
    expect(textOf(expired.html)).toContain("Ce code a expiré");

    // A new code (a minute later), then five wrong tries: the right code no longer works.
    await app.db.mandateCode.updateMany({ where: { mandateId }, data: { createdAt: new Date(Date.now() - 120_000) } });
    const second = await askCode(customer, url);
    const wrong = second === "000000" ? "111111" : "000000";
    for (let i = 0; i < 4; i++) expect(textOf((await customer.post(url, { intent: "verify", code: wrong })).html)).toContain("Code incorrect");
    expect(textOf((await customer.post(url, { intent: "verify", code: wrong })).html)).toContain("Trop d'essais");
    expect(textOf((await customer.post(url, { intent: "verify", code: second })).html)).toContain("Trop d'essais");
    expect((await mandateRow(mandateId)).status).toBe("pending_verification");
  });

  it("signs with a code by SMS (the offline sandbox puts it in the local mailbox), replaces the previous mandate, and never goes back from automatic", async () => {
    const before = await app.db.mandate.findFirstOrThrow({ where: { organisationId: m.organisationId, status: "active" } });
    const { mandateId, url } = await startMandate(customer, m.link, { iban: OTHER_IBAN, type: "recurrent" });
    const code = await askCode(customer, url, "+33612345678", { channel: "sms", phone: "06 12 34 56 78" });
    const sentPage = textOf((await customer.get(url)).html);
    expect(sentPage.slice(sentPage.indexOf("code à 6"), sentPage.indexOf("code à 6") + 120)).toContain("+33 6 •• •• •• 78");
    expect((await customer.post(url, { intent: "verify", code })).status).toBe(303);
    const recurrent = await mandateRow(mandateId);
    expect(recurrent).toMatchObject({ status: "active", type: "recurrent", bic: "BNPAFRPPXXX" });
    expect(JSON.parse(recurrent.signatureTrace)).toMatchObject({ channel: "sms", destination: "+33 6 •• •• •• 78" });
    expect(await mandateRow(before.id)).toMatchObject({ status: "replaced", replacedById: mandateId });

    // No way back: one-off is no longer offered, and refused if posted anyway.
    const form = await customer.get(`${m.link}/mandate`);
    expect(form.html).not.toContain('value="one_off"');
    expect(checked(form.html, "recurrent")).toBe(true);
    const refused = await customer.post(`${m.link}/mandate`, { iban: IBAN, bic: "", holderName: "Lucie Moreau", email: "lucie@example.fr", type: "one_off" });
    expect(refused.status).toBe(200);
    expect(textOf(refused.html)).toContain("le retour au prélèvement ponctuel n'est pas possible");
    // New bank details: a new automatic mandate replaces this one.
    const next = await startMandate(customer, m.link, { type: "recurrent" });
    expect((await customer.post(next.url, { intent: "verify", code: await askCode(customer, next.url) })).status).toBe(303);
    expect((await mandateRow(mandateId)).status).toBe("replaced");
    expect((await mandateRow(next.mandateId)).status).toBe("active");
  });

  it("shows the merchant the customer's mandates and lets them cancel one, after a confirmation", async () => {
    const active = await app.db.mandate.findFirstOrThrow({ where: { organisationId: m.organisationId, status: "active" } });
    const page = textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(page).toContain(active.reference);
    expect(page).toContain(active.ibanMasked);
    expect(page).not.toContain("FR76 3000 6000 0112 3456 7890 189");
    const path = `/customers/${m.customerId}/mandates/${active.id}`;
    const unconfirmed = await m.browser.post(path, { intent: "cancelMandate" });
    expect(unconfirmed.status).toBe(302);
    expect(unconfirmed.location).toContain("confirm=cancelMandate");
    expect((await mandateRow(active.id)).status).toBe("active");
    const done = await m.browser.post(path, { intent: "cancelMandate", confirmed: "yes" });
    expect(done.status).toBe(302);
    const cancelled = await mandateRow(active.id);
    expect(cancelled).toMatchObject({ status: "cancelled" });
    expect(cancelled.events.at(-1)).toMatchObject({ status: "cancelled", origin: "merchant" });
  });

  it("answers 404 for a mandate of another invoice's customer, by the wrong link", async () => {
    const other = await ownIcsMerchant();
    const theirs = await app.db.mandate.findFirstOrThrow({ where: { organisationId: m.organisationId } });
    for (const path of [`${other.link}/mandate/${theirs.id}`, `${other.link}/mandate/${theirs.id}/pdf`]) {
      expect((await app.browser().get(path)).status, path).toBe(404);
    }
    expect((await app.browser().post(`${other.link}/mandate/${theirs.id}`, { intent: "verify", code: "123456" })).status).toBe(404);
  });
});

describe("a GoCardless creditor's mandate", () => {
  /** The mandate event of GoCardless's published webhook fixture, with our ids. */
  const fixtureEvent = gocardlessFixtures.sdk_fixture.events.find((e) => e.resource_type === "mandates")!;
  const mandateEvent = (action: string, mandate: string, organisation: string, at: Date, extra: Record<string, string> = {}) => ({
    ...structuredClone(fixtureEvent),
    ...gcEvent("mandates", action, { mandate, organisation, ...extra }, { at, details: { ...fixtureEvent.details, cause: `mandate_${action}` } }),
  });

  it("goes through GoCardless's flow after the code, records GoCardless's mandate, follows its events exactly once, and can be cancelled", async () => {
    const m = await sentInvoice(app);
    const gcAccount = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "gocardless" } })).accountId;
    const customer = app.browser();
    const { mandateId, url } = await startMandate(customer, m.link, { type: "recurrent" });
    expect(textOf((await customer.get(url)).html)).toContain("attribuée par GoCardless");
    const code = await askCode(customer, url);
    const toFlow = await customer.post(url, { intent: "verify", code });
    expect(toFlow.status).toBe(303);
    expect(toFlow.location).toMatch(/\/pages\/gocardless\/flow\/BRF/);
    let mandate = await mandateRow(mandateId);
    expect(mandate).toMatchObject({ status: "pending", creditorKind: "gocardless", providerMandateId: null });
    expect(mandate.providerRequestId).toMatch(/^BRQ/);

    const { billingRequest, mandateId: gcMandate } = fulfilBillingRequest(toFlow.location!.split("/").pop()!)!;
    const t0 = Date.now();
    const created = mandateEvent("created", gcMandate, gcAccount, new Date(t0));
    // GoCardless's own order: the mandate's creation may come before the billing request's fulfilment.
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([
        created,
        gcEvent(
          "billing_requests",
          "fulfilled",
          { billing_request: billingRequest.id, mandate_request_mandate: gcMandate, organisation: gcAccount },
          { at: new Date(t0) },
        ),
      ]),
    );
    await app.processWebhooks();
    await app.processWebhooks(new Date(Date.now() + 10 * 60_000)); // the retried `created`
    mandate = await mandateRow(mandateId);
    expect(mandate).toMatchObject({ status: "pending", providerMandateId: gcMandate });
    expect(mandate.reference).toMatch(/^SBX-/); // GoCardless's reference
    expect(mocks.calls().some((c) => c.url.endsWith("/payments") && c.body.includes(gcMandate))).toBe(true);

    const submitted = mandateEvent("submitted", gcMandate, gcAccount, new Date(t0 + 1000));
    const active = mandateEvent("active", gcMandate, gcAccount, new Date(t0 + 2000));
    await postWebhook(app, "gocardless", gocardlessBody([active, submitted]));
    await postWebhook(app, "gocardless", gocardlessBody([active])); // replayed
    await app.processWebhooks();
    mandate = await mandateRow(mandateId);
    expect(mandate.status).toBe("active"); // the older `submitted`, processed after, changes nothing
    expect(mandate.events.filter((e) => e.providerEventId === active.id)).toHaveLength(1);
    expect(mandate.events.map((e) => e.action)).toEqual(expect.arrayContaining(["signed", "set_up", "created", "active", "submitted"]));

    // The signed mandate's PDF is GoCardless's (asked for on each click).
    const pdf = await customer.get(`${url}/pdf`);
    expect(pdf.status).toBe(303);
    expect(pdf.location).toContain(`/pages/gocardless/mandate-pdf/${gcMandate}`);

    // The merchant cancels it: through GoCardless, then GoCardless's own event changes nothing more.
    expect((await m.browser.post(`/customers/${m.customerId}/mandates/${mandateId}`, { intent: "cancelMandate", confirmed: "yes" })).status).toBe(302);
    expect(mocks.calls().some((c) => c.url.endsWith(`/mandates/${gcMandate}/actions/cancel`))).toBe(true);
    await postWebhook(app, "gocardless", gocardlessBody([mandateEvent("cancelled", gcMandate, gcAccount, new Date())]));
    await app.processWebhooks();
    mandate = await mandateRow(mandateId);
    expect(mandate.status).toBe("cancelled");
    expect(mandate.events.filter((e) => e.status === "cancelled" && e.fromStatus === "active")).toHaveLength(1);
  });

  it("maps failed, expired, reinstated and replaced from GoCardless's events", async () => {
    const m = await sentInvoice(app);
    const gcAccount = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "gocardless" } })).accountId;
    const customer = app.browser();
    const { mandateId, url } = await startMandate(customer, m.link, { type: "recurrent" });
    const toFlow = await customer.post(url, { intent: "verify", code: await askCode(customer, url) });
    const { billingRequest, mandateId: gcMandate } = fulfilBillingRequest(toFlow.location!.split("/").pop()!)!;
    const t0 = Date.now();
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([
        gcEvent("billing_requests", "fulfilled", { billing_request: billingRequest.id, mandate_request_mandate: gcMandate, organisation: gcAccount }),
      ]),
    );
    await app.processWebhooks();
    const steps: [string, string][] = [
      ["failed", "failed"],
      ["reinstated", "active"],
      ["expired", "expired"],
      ["reinstated", "active"],
    ];
    for (const [i, [action, status]] of steps.entries()) {
      await postWebhook(app, "gocardless", gocardlessBody([mandateEvent(action, gcMandate, gcAccount, new Date(t0 + (i + 1) * 1000))]));
      await app.processWebhooks();
      expect((await mandateRow(mandateId)).status, action).toBe(status);
    }
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([mandateEvent("replaced", gcMandate, gcAccount, new Date(t0 + 9000), { new_mandate: "MDNEW0000001" })]),
    );
    await app.processWebhooks();
    // The merchant is told each time the mandate stopped (failed, expired), once per event; not when it came back or was replaced.
    const notices = await app.db.notification.findMany({ where: { organisationId: m.organisationId, kind: "mandate_ended" } });
    expect(notices).toHaveLength(2);
    expect(JSON.parse(notices[0].data)).toMatchObject({ customer: "Lucie Moreau", invoiceId: m.invoiceId });
    expect(textOf((await m.browser.get("/notifications")).html)).toContain("Mandat SEPA de Lucie Moreau arrêté");
    const replaced = await mandateRow(mandateId);
    expect(replaced.status).toBe("replaced");
    const successor = await app.db.mandate.findUniqueOrThrow({ where: { providerMandateId: "MDNEW0000001" } });
    expect(replaced.replacedById).toBe(successor.id);
    expect(successor).toMatchObject({ status: "active", customerId: replaced.customerId, organisationId: m.organisationId });
  });
});

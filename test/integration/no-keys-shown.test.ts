/**
 * Issue 13, item 1, rendered: the main pages and every email, in French and in English, never show a
 * translation key (`notify.payment_received.customer.subject`) or a variable left in braces (`{merchant}`).
 * The merchant's invoice carries payments of every status and flag, refunds of every status, a notice of
 * every kind and emails of every status, so every key pattern of those pages is rendered at least once.
 * (test/unit/i18n-keys.test.ts checks the keys the code names, the PDF's included.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMailboxEmail } from "~/domain/outbox";
import { CUSTOMER_NOTICE_KINDS, NOTIFICATION_KINDS, notify } from "~/domain/notifications";
import { recomputeInvoice } from "~/domain/payments";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { keysIn } from "../helpers/i18n";
import { pdfText } from "../helpers/pdf";
import { openSpace } from "../helpers/customer-space";
import { createCustomer, createDraftInvoice, sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, postWebhook, stripeEvent } from "../mocks/webhooks";

useProviderMocks();
let app: TestApp;
let m: Awaited<ReturnType<typeof sentInvoice>>;
/** Pages of the merchant app, and of the customer (a consultation link in several states). */
const merchantPages: string[] = [];
/** PDFs of the invoice in each state (open with payments, draft, voided), as the merchant downloads them. */
const pdfs: string[] = [];
const customerPages: string[] = [];
/** The customer space (issue 14): its pages signed in, and those before signing in. */
const spacePages: string[] = [];
let spaceBrowser: TestBrowser;

/** What a person reads of a page: its text, and the attributes a browser shows or reads out. */
function readable(html: string) {
  const attributes = [...html.matchAll(/\s(?:title|aria-label|placeholder|alt)="([^"]*)"/g)].map(([, value]) => value);
  return [textOf(html), ...attributes].join(" \n ");
}

async function keysOnPages(browser: TestBrowser, paths: string[]) {
  const found: string[] = [];
  for (const path of paths) {
    const page = await browser.get(path);
    expect(page.status, path).toBeLessThan(500);
    found.push(...keysIn(readable(page.html)).map((key) => `${path}: ${key}`));
  }
  return found;
}

/** A notice of every kind about the invoice, to the merchant and (for the kinds they get) to the customer. */
async function noticesOfEveryKind(organisationId: string, invoiceId: string) {
  await app.db.$transaction(async (tx) => {
    for (const kind of NOTIFICATION_KINDS) {
      const facts = { organisationId, kind, dedupeKey: `every-kind/${kind}/${invoiceId}`, invoiceId, amountMinor: 1000, currency: "EUR", excessMinor: 500 };
      const customer = (CUSTOMER_NOTICE_KINDS as readonly string[]).includes(kind);
      await notify(tx, { ...facts, provider: "stripe", method: "card", customer }, app.baseUrl);
    }
  });
}

beforeAll(async () => {
  app = await startTestApp();
  m = await sentInvoice(app, { invoice: { allowPartialPayment: "on" } });
  const { organisationId, invoiceId, browser } = m;
  const account = async (provider: string) => (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId, provider } })).accountId;

  // Payments of every status and flag on the invoice, and refunds of every status.
  const { customerId: payer } = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
  const payment = (id: string, fields: Record<string, unknown>) =>
    app.db.payment.create({
      data: {
        organisationId,
        customerId: payer,
        invoiceId,
        provider: "stripe",
        providerPaymentId: id,
        method: "card",
        amountMinor: 1000,
        currency: "EUR",
        status: "confirmed",
        ...fields,
      },
    });
  await payment("pi_confirmed", {});
  await payment("pi_failed", { status: "failed", failureReason: "card_declined" });
  await payment("pi_disputed", { flag: "dispute" });
  await payment("PM_processing", { provider: "gocardless", method: "direct_debit", status: "processing" });
  await payment("PM_charged_back", { provider: "gocardless", method: "direct_debit", status: "charged_back", flag: "chargeback" });
  for (const status of ["pending", "succeeded", "failed", "canceled"]) {
    await app.db.paymentReversal.create({
      data: {
        organisationId,
        provider: "stripe",
        providerRef: `re_${status}`,
        providerPaymentId: "pi_confirmed",
        kind: "refund",
        amountMinor: 100,
        currency: "EUR",
        status,
        statusAt: new Date(),
      },
    });
  }
  await app.db.$transaction((tx) => recomputeInvoice(tx, invoiceId));
  await noticesOfEveryKind(organisationId, invoiceId);
  await browser.post(`/invoices/${invoiceId}`, { intent: "remind", sendKey: "reminder" });
  await app.deliverEmails();
  // The invoice's email history with every delivery status.
  const emails = await app.db.outboxEmail.findMany({ where: { invoiceId }, orderBy: { createdAt: "asc" } });
  for (const [i, status] of ["pending", "sending", "sent", "failed", "rejected"].entries()) {
    await app.db.outboxEmail.update({ where: { id: emails[i].id }, data: { status, ...(status === "pending" ? { attempts: 2 } : {}) } });
  }
  // The webhook log with every status.
  for (const status of ["pending", "processing", "processed", "ignored", "failed", "rejected", "conflict"]) {
    await app.db.webhookEvent.create({
      data: { provider: "stripe", eventId: `evt_${status}`, type: "checkout.session.completed", organisationId, payload: "{}", status, lastError: "x" },
    });
  }

  // Other consultation links: paid in full, overpaid, voided, back from Stripe with the checkout still open.
  const customerId = await createCustomer(browser, { name: "Paul Martin", email: "paul@example.fr" });
  const another = async () => {
    const id = await createDraftInvoice(browser, customerId, { onlinePayment: "on" });
    await browser.post(`/invoices/${id}`, { intent: "finalise" });
    await browser.post(`/invoices/${id}`, { intent: "send", sendKey: `send-${id}` });
    const email = await app.db.outboxEmail.findFirstOrThrow({ where: { invoiceId: id, kind: "invoice_sent" } });
    const link = /\/i\/[\w-]+/.exec((await app.deliveredEmail(email.id)).text)![0];
    return { id, link };
  };
  const stripeAccount = await account("stripe");
  const pay = async (invoice: string, pi: string) => {
    const session = checkoutSession({ invoiceId: invoice, amount: 36000, paymentIntent: pi });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, stripeAccount)));
    await app.processWebhooks();
  };
  const paid = await another();
  await pay(paid.id, "pi_paid_full");
  const voided = await another();
  await browser.post(`/invoices/${voided.id}`, { intent: "void", reason: "Erreur", confirmed: "yes" });
  // Issue 14: a credit note on a paid invoice (credit on the account, refundable), sent by email.
  await browser.post(`/invoices/${paid.id}/credit-notes/new`, { kind: "amount", reason: "Geste commercial", amount: "10,00" });
  const creditNote = await app.db.creditNote.findFirstOrThrow({ where: { invoiceId: paid.id } });
  await browser.post(`/credit-notes/${creditNote.id}`, { intent: "send", sendKey: "credit-note" });
  const returning = await another();
  await app.browser().post(returning.link, { provider: "stripe", amount: "" });
  // Last: the excess is credit that the customer's next invoice would use at once.
  const overpaid = await another();
  await pay(overpaid.id, "pi_over_1");
  await pay(overpaid.id, "pi_over_2");
  const draft = await createDraftInvoice(browser, customerId);
  // The same notices and an invoice email in English: an English-speaking merchant and customer.
  await app.db.user.update({ where: { id: m.userId }, data: { locale: "en" } });
  const english = await createCustomer(browser, { name: "Emma Jones", email: "emma@example.com", locale: "en" });
  const inEnglish = await createDraftInvoice(browser, english, { onlinePayment: "on" });
  await browser.post(`/invoices/${inEnglish}`, { intent: "finalise" });
  await browser.post(`/invoices/${inEnglish}`, { intent: "send", sendKey: "english" });
  await noticesOfEveryKind(organisationId, inEnglish);
  await app.db.user.update({ where: { id: m.userId }, data: { locale: "fr" } });
  await app.deliverEmails();

  const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId, provider: "stripe" } });
  merchantPages.push(
    "/invoices",
    "/invoices?status=paid",
    `/invoices/${invoiceId}`,
    `/invoices/${invoiceId}?confirm=refundExcess`,
    `/invoices/${overpaid.id}`,
    `/invoices/${overpaid.id}?confirm=refundExcess`,
    `/invoices/${paid.id}`,
    `/invoices/${voided.id}`,
    `/invoices/${returning.id}`,
    `/invoices/${returning.id}?confirm=void`,
    `/invoices/${draft}`,
    `/invoices/${draft}?confirm=delete`,
    `/invoices/${draft}/edit`,
    `/invoices/${invoiceId}/credit-notes/new`,
    `/invoices/${voided.id}/credit-notes/new`,
    `/credit-notes/${creditNote.id}`,
    `/credit-notes/${creditNote.id}?confirm=refund`,
    "/invoices/new",
    "/notifications",
    "/customers",
    `/customers/${customerId}`,
    `/customers/${m.customerId}`,
    `/customers/${m.customerId}/statement`,
    `/customers/${m.customerId}/receipts/new`,
    "/customers/new",
    "/settings/organisation",
    "/settings/payments",
    `/settings/payments?connected=stripe&name=Compte&ask=onlineDefault`,
    `/settings/payments?confirm=disconnect&connection=${connection.id}`,
    "/settings/members",
    "/settings/webhooks",
    // Issue 16: the books (the draft journal is filled from the payments above on the visit).
    "/settings/accounting",
    "/journal",
    "/journal?view=entries",
    "/journal?view=entries&state=all",
    "/orgs",
    "/orgs/new",
    "/account/password",
    "/mailbox",
    "/nowhere",
  );
  // Issue 16: an imported file with a line of every kind, status and way of matching; the debit files.
  const lineStates = [
    ["credit", "pending", "invoice_number"],
    ["credit", "manual", "none"],
    ["credit", "recorded", "customer_reference"],
    ["credit", "pending", "payer_name"],
    ["credit", "pending", "manual"],
    ["return", "pending", "end_to_end"],
    ["return", "manual", "none"],
    ["ignored", "ignored", "none"],
  ] as const;
  const imported = await app.db.importFile.create({
    data: {
      organisationId,
      kind: "camt053",
      fileName: "releve.xml",
      sha256: "f".repeat(64),
      sizeBytes: 10,
      sealedContent: "v1.sealed",
      uploadedById: m.userId,
      lines: {
        create: lineStates.map(([kind, status, matchedBy], i) => ({
          organisationId,
          lineNo: i + 1,
          kind,
          status,
          matchedBy,
          bookedOn: new Date("2026-11-20T00:00:00Z"),
          amountMinor: 1000 + i,
          currency: "EUR",
          reference: "Virement",
          returnReason: kind === "return" ? "AM04" : "",
          customerId: matchedBy === "none" ? null : m.customerId,
          invoiceId: matchedBy === "invoice_number" ? invoiceId : null,
        })),
      },
    },
  });
  await app.db.importFile.create({
    data: { organisationId, kind: "csv", fileName: "borne.csv", sha256: "e".repeat(64), sizeBytes: 10, sealedContent: "v1.sealed", uploadedById: m.userId },
  });
  await app.db.debitFile.create({
    data: {
      organisationId,
      messageId: "DF-NOKEYS-1",
      format: "pain.008.001.02",
      sealedXml: "v1.sealed",
      sha256: "0".repeat(64),
      transactionCount: 2,
      controlSumMinor: 12345,
      currency: "EUR",
      createdById: m.userId,
    },
  });
  merchantPages.push("/imports", `/imports/${imported.id}`, `/imports/${imported.id}?imported=8`, "/debit-files");
  pdfs.push(
    `/invoices/${invoiceId}/pdf`,
    `/invoices/${draft}/pdf`,
    `/invoices/${voided.id}/pdf`,
    `/invoices/${paid.id}/pdf`,
    `/credit-notes/${creditNote.id}/pdf`,
  );
  // The customer space of the invoice's customer: invited by email, opened with a temporary password, a reset asked.
  await browser.post(`/customers/${m.customerId}/space`, { intent: "invite" });
  spaceBrowser = await openSpace(app, browser, organisationId, m.customerId, "lucie@example.fr");
  await app.browser().post(`/espace/${organisationId}/mot-de-passe-oublie`, { email: "lucie@example.fr" });
  const space = (rest = "") => `/espace/${organisationId}${rest}`;
  spacePages.push(space("/compte"), space("/releve"), space("/factures"), space("/paiements"), space("/payer"), space("/mot-de-passe"));
  merchantPages.push(`/customers/${m.customerId}/space`, `/customers/${customerId}/space`);
  customerPages.push(m.link, paid.link, overpaid.link, voided.link, `${returning.link}?return=stripe`, "/login", "/signup", "/forgot-password");
  customerPages.push(space("/connexion"), space("/activer"), space("/mot-de-passe-oublie"), space("/reinitialiser/unknown-token-000000000000"));
});
afterAll(() => app.close());

describe("no translation key is shown", () => {
  it("on the merchant's pages, in French and in English", async () => {
    expect(await keysOnPages(m.browser, merchantPages)).toEqual([]);
    await app.db.user.update({ where: { id: m.userId }, data: { locale: "en" } });
    expect(await keysOnPages(m.browser, merchantPages)).toEqual([]);
    // The pages did render the kinds and statuses (not just an empty list).
    const invoice = textOf((await m.browser.get(`/invoices/${m.invoiceId}`)).html);
    expect(invoice).toContain("charged back");
    expect(invoice).toContain("Payment account disconnected notice"); // every notice named in the email history, in the reader's language
    expect(invoice).toContain("Refund of");
    expect(textOf((await m.browser.get("/notifications")).html)).toContain("Dispute lost");
  });

  it("on the customer's pages, in French and in English", async () => {
    const customer = app.browser();
    expect(await keysOnPages(customer, customerPages)).toEqual([]);
    await customer.post("/locale", { locale: "en", redirectTo: "/" });
    expect(await keysOnPages(customer, customerPages)).toEqual([]);
    expect(textOf((await customer.get(customerPages[4])).html)).toContain("Your payment was passed on to Stripe.");
  });

  it("in the customer space, in French and in English, pages and PDFs", async () => {
    expect(await keysOnPages(spaceBrowser, spacePages)).toEqual([]);
    expect(textOf((await spaceBrowser.get(spacePages[0])).html)).toContain("Payer votre solde");
    const pdfsOf = async () => {
      const found: string[] = [];
      const invoice = await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } });
      const space = spacePages[0].replace(/\/compte$/, ""); // the home is /espace/<org>/compte
      for (const path of [`${space}/releve/pdf?from=2026-01-01`, `${space}/factures/${invoice.id}/pdf`]) {
        const text = pdfText((await spaceBrowser.get(path)).body);
        expect(text).toContain(invoice.number!);
        found.push(...keysIn(text).map((key) => `${path}: ${key}`));
      }
      return found;
    };
    expect(await pdfsOf()).toEqual([]);
    await spaceBrowser.post("/locale", { locale: "en", redirectTo: "/" });
    expect(await keysOnPages(spaceBrowser, spacePages)).toEqual([]);
    expect(textOf((await spaceBrowser.get(spacePages[0])).html)).toContain("Pay your balance");
    expect(await pdfsOf()).toEqual([]);
    // The merchant's statement PDF and the access letter, in both languages.
    for (const lang of ["fr", "en"]) {
      const text = pdfText((await m.browser.get(`/customers/${m.customerId}/statement/pdf?from=2026-01-01&lang=${lang}`)).body);
      expect(text).toContain(lang === "fr" ? "Solde fin de période" : "Closing balance");
      expect(keysIn(text)).toEqual([]);
    }
    for (const locale of ["fr", "en"]) {
      await app.db.customer.update({ where: { id: m.customerId }, data: { locale } });
      const letter = pdfText((await m.browser.post(`/customers/${m.customerId}/space/letter`, {})).body);
      expect(letter).toContain(locale === "fr" ? "Votre espace client" : "Your customer space");
      expect(keysIn(letter)).toEqual([]);
    }
    await app.db.customer.update({ where: { id: m.customerId }, data: { locale: "fr" } });
  });

  it("in any email, subject or body (HTML and text)", async () => {
    await app.deliverEmails();
    const messages = await app.db.mailboxMessage.findMany({ select: { id: true } });
    expect(messages.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const { id } of messages) {
      const email = (await getMailboxEmail(app.db, app.config.ENCRYPTION_KEY, id))!;
      found.push(...keysIn(`${email.subject}\n${email.text}\n${readable(email.html)}`).map((key) => `${email.subject}: ${key}`));
    }
    expect(found).toEqual([]);
  });

  it("in the PDF, in French and in English", async () => {
    const found: string[] = [];
    for (const path of pdfs) {
      for (const [lang, title] of [
        ["fr", "Facture"],
        ["en", "Invoice"],
      ]) {
        const page = await m.browser.get(`${path}?lang=${lang}`);
        expect(page.headers.get("content-type")).toBe("application/pdf");
        const text = pdfText(page.body);
        expect(text.toLowerCase()).toContain(title.toLowerCase()); // the text really was read (a credit note names its invoice)
        found.push(...keysIn(text).map((key) => `${path}?lang=${lang}: ${key}`));
      }
    }
    const customerPdf = pdfText((await app.browser().get(`${m.link}/pdf`)).body);
    expect(customerPdf).toContain("Facture");
    found.push(...keysIn(customerPdf));
    expect(found).toEqual([]);
  });

  it("the check itself finds a key or a variable left in a text", () => {
    expect(keysIn("Paiement reçu notify.payment_received.merchant.subject et sending.kind.invoice_sent")).toEqual([
      "notify.payment_received.merchant.subject",
      "sending.kind.invoice_sent",
    ]);
    expect(keysIn("Facture F2026-0001 {de:merchant} pour {customer}")).toEqual(["{de:merchant}", "{customer}"]);
    expect(keysIn("Écrivez à lucie@example.fr ou sur http://127.0.0.1:3000/i/abc. Ex. F{YYYY}-{SEQ:4}")).toEqual([]);
    // Stripe's event names, shown as they are in the webhook log, are not keys (though "checkout" is a namespace).
    expect(keysIn("checkout.session.completed")).toEqual([]);
    expect(keysIn("checkout.errors.amountPositive")).toEqual(["checkout.errors.amountPositive"]);
    expect(keysIn("PDF.SELLER Atelier Rivière")).toEqual(["PDF.SELLER"]); // a label in capitals
  });
});

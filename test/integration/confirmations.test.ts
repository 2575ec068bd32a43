/**
 * Issue 13, item 6: deleting a draft, voiding an invoice, refunding and disconnecting a provider each
 * take a confirmation step that says what will happen; it works without JavaScript (these requests are a
 * browser without it), and the server does nothing without the confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { connectProvider, createCustomer, createDraftInvoice, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, postWebhook, stripeEvent } from "../mocks/webhooks";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const decode = (html: string) => html.replace(/&amp;/g, "&");
/** The confirmation step's section of a page, as text. */
const step = (html: string) => textOf(/<section id="confirm"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "").trim();

describe("confirmation before destructive actions", () => {
  it("deleting a draft: a link to the step, which says what happens; nothing is deleted without it", async () => {
    const { browser } = await signUpMerchant(app);
    const draftId = await createDraftInvoice(browser, await createCustomer(browser));
    const page = decode((await browser.get(`/invoices/${draftId}`)).html);
    expect(page).toContain(`href="/invoices/${draftId}?confirm=delete#confirm"`);
    expect(page).not.toMatch(/name="intent" value="delete"|value="delete"[^>]*name="intent"/);

    const unconfirmed = await browser.post(`/invoices/${draftId}`, { intent: "delete" });
    expect(unconfirmed.status).toBe(302);
    expect(unconfirmed.location).toBe(`/invoices/${draftId}?confirm=delete#confirm`);
    expect(await app.db.invoice.findUnique({ where: { id: draftId } })).not.toBeNull();

    const confirm = await browser.get(`/invoices/${draftId}?confirm=delete`);
    expect(step(confirm.html)).toBe(
      "Supprimer ce brouillon ? Le brouillon et ses lignes seront supprimés définitivement. Il n'a pas encore de numéro : la numérotation de vos factures ne change pas. Oui, supprimer le brouillon Non, garder le brouillon",
    );
    expect(confirm.html).toMatch(/<input type="hidden" name="confirmed" value="yes"\/>/);
    expect(confirm.html).toContain(`href="/invoices/${draftId}"`);

    const done = await browser.post(`/invoices/${draftId}?confirm=delete`, { intent: "delete", confirmed: "yes" });
    expect(done.location).toBe("/invoices");
    expect(await app.db.invoice.findUnique({ where: { id: draftId } })).toBeNull();
  });

  it("cancelling by a full credit note: the step asks for the reason and says what follows; without confirmation or reason nothing changes", async () => {
    const { browser } = await signUpMerchant(app);
    const invoiceId = await createDraftInvoice(browser, await createCustomer(browser));
    await browser.post(`/invoices/${invoiceId}`, { intent: "finalise" });
    const { number } = await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const page = await browser.get(`/invoices/${invoiceId}`);
    expect(textOf(page.html)).toContain("Une facture finalisée ne se supprime pas et ne se modifie pas : elle s'annule par un avoir");
    expect(decode(page.html)).toContain(`href="/invoices/${invoiceId}?confirm=void#confirm"`);
    expect(page.html).not.toContain('name="reason"');

    const unconfirmed = await browser.post(`/invoices/${invoiceId}`, { intent: "void", reason: "Erreur" });
    expect(unconfirmed.location).toBe(`/invoices/${invoiceId}?confirm=void#confirm`);
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).status).toBe("open");

    const confirm = await browser.get(`/invoices/${invoiceId}?confirm=void`);
    const text = step(confirm.html);
    expect(text).toContain(`Émettre un avoir pour la totalité de la facture ${number} ?`);
    expect(text).toContain("C'est définitif.");
    expect(text).toContain("marquée « Annulée par avoir »");
    expect(text).toContain("Motif de l'avoir");
    expect(text).toContain("Oui, émettre l'avoir Non, garder la facture");

    // No reason: the step stays open with its error (a browser without JavaScript gets it in the same page).
    const noReason = await browser.post(`/invoices/${invoiceId}?confirm=void`, { intent: "void", confirmed: "yes", reason: "" });
    expect(step(noReason.html)).toContain("Ce champ est obligatoire.");
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).status).toBe("open");
    const noReasonWithoutQuery = await browser.post(`/invoices/${invoiceId}`, { intent: "void", confirmed: "yes", reason: "" });
    expect(step(noReasonWithoutQuery.html)).toContain("Ce champ est obligatoire.");

    const voided = await browser.post(`/invoices/${invoiceId}?confirm=void`, { intent: "void", confirmed: "yes", reason: "Erreur de client" });
    expect(textOf(voided.html)).toContain("émis pour la totalité : la facture est annulée par avoir.");
    expect(step(voided.html)).toBe("");
    expect((await app.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).status).toBe("credited");
    expect(await app.db.creditNote.count({ where: { invoiceId } })).toBe(1);
  });

  it("refunding an overpayment: the step names the amount and that it cannot be undone; no refund without it", async () => {
    const m = await sentInvoice(app);
    // Paid by card on the sandbox's page (a payment the sandbox can refund), and once more by another way.
    const customer = app.browser();
    const checkout = (await customer.post(m.link, { provider: "stripe", amount: "" })).location!;
    await customer.post(checkout, { intent: "pay", card: "4242 4242 4242 4242" });
    await app.processWebhooks();
    const account = (await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId, provider: "stripe" } })).accountId;
    const session = checkoutSession({ invoiceId: m.invoiceId, amount: 36000, paymentIntent: `pi_other_${m.invoiceId}` });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, account)));
    await app.processWebhooks();
    // The refund goes to the most recent payment: make it the sandbox's.
    await app.db.payment.updateMany({
      where: { invoiceId: m.invoiceId, NOT: { providerPaymentId: `pi_other_${m.invoiceId}` } },
      data: { createdAt: new Date(Date.now() + 1000) },
    });
    const here = `/invoices/${m.invoiceId}`;
    expect(decode((await m.browser.get(here)).html)).toContain(`href="${here}?confirm=refundExcess#confirm"`);

    const unconfirmed = await m.browser.post(here, { intent: "refundExcess" });
    expect(unconfirmed.location).toBe(`${here}?confirm=refundExcess#confirm`);
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId } })).toBe(0);

    const text = step((await m.browser.get(`${here}?confirm=refundExcess`)).html);
    expect(text).toContain("Rembourser 360,00 € au client ?");
    expect(text).toContain("Une fois demandé, le remboursement ne peut plus être annulé.");
    expect(text).toContain("Oui, rembourser 360,00 € Non, ne pas rembourser");

    const done = await m.browser.post(`${here}?confirm=refundExcess`, { intent: "refundExcess", confirmed: "yes" });
    expect(textOf(done.html)).toContain("Remboursement de 360,00 € demandé.");
    expect(await app.db.paymentReversal.count({ where: { organisationId: m.organisationId, kind: "refund" } })).toBe(1);
  });

  it("disconnecting a provider: the step says what stops, warns of payments in flight; nothing is disconnected without it", async () => {
    const m = await sentInvoice(app, { providers: ["gocardless"] });
    const connection = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId: m.organisationId } });
    const confirmUrl = `/settings/payments?confirm=disconnect&connection=${connection.id}`;
    expect(decode((await m.browser.get("/settings/payments")).html)).toContain(`href="${confirmUrl}#confirm"`);

    const unconfirmed = await m.browser.post("/settings/payments", { intent: "disconnect", connectionId: connection.id });
    expect(unconfirmed.location).toBe(`${confirmUrl}#confirm`);
    expect(await app.db.providerConnection.count({ where: { organisationId: m.organisationId } })).toBe(1);

    let text = step((await m.browser.get(confirmUrl)).html);
    expect(text).toContain("Déconnecter GoCardless ?");
    expect(text).toContain("Le paiement par prélèvement ne sera plus proposé sur vos factures tant que vous ne reconnecterez pas GoCardless.");
    expect(text).not.toContain("Attention");
    expect(text).toContain("Oui, déconnecter GoCardless Non, rester connecté");

    // A debit on its way: the step says it will no longer be followed.
    await app.db.payment.create({
      data: {
        organisationId: m.organisationId,
        customerId: (await app.db.invoice.findUniqueOrThrow({ where: { id: m.invoiceId } })).customerId,
        invoiceId: m.invoiceId,
        provider: "gocardless",
        providerPaymentId: "PMINFLIGHT",
        method: "direct_debit",
        amountMinor: 36000,
        currency: "EUR",
        status: "processing",
      },
    });
    text = step((await m.browser.get(confirmUrl)).html);
    expect(text).toContain("Attention : 1 paiement(s) GoCardless en cours ne seront plus suivis.");

    const done = await m.browser.post(confirmUrl, { intent: "disconnect", connectionId: connection.id, confirmed: "yes" });
    expect(done.location).toBe("/settings/payments?disconnected=gocardless");
    expect(await app.db.providerConnection.count({ where: { organisationId: m.organisationId } })).toBe(0);
  });

  it("the step of one connection is not shown on another's card", async () => {
    const { browser, organisationId } = await signUpMerchant(app);
    await connectProvider(app, browser, "stripe");
    await connectProvider(app, browser, "gocardless");
    const stripe = await app.db.providerConnection.findFirstOrThrow({ where: { organisationId, provider: "stripe" } });
    const html = (await browser.get(`/settings/payments?confirm=disconnect&connection=${stripe.id}`)).html;
    expect(step(html)).toContain("Déconnecter Stripe ?");
    expect(html.match(/data-testid="confirm-step"/g)).toHaveLength(1);
  });
});

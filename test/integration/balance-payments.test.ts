import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountToPay, balanceAmount } from "~/domain/accounts/pay-balance";
import { accountMovements } from "~/domain/accounts/receipts";
import { startTestApp, textOf, type TestApp, type TestBrowser } from "../helpers/app";
import { openSpace } from "../helpers/customer-space";
import { createDraftInvoice, sentInvoice } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";
import { checkoutSession, gcEvent, gocardlessBody, postWebhook, stripeEvent, stripeObject } from "../mocks/webhooks";
import { fulfilBillingRequest } from "../../integrations/sandbox/gocardless-payments";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** A customer with three invoices due on different days: 100 €, 200 € and 300 € (250 € HT and 20 % VAT, the one sent by email). */
async function customerWithThreeInvoices() {
  const m = await sentInvoice(app, { invoice: { dueDate: "2026-12-20", "lines[0].quantity": "1", "lines[0].unitPrice": "250,00" } });
  const invoice = async (dueDate: string, unitPrice: string) => {
    const id = await createDraftInvoice(m.browser, m.customerId, {
      dueDate,
      "lines[0].quantity": "1",
      "lines[0].unitPrice": unitPrice,
      "lines[0].vatRate": "0",
    });
    expect((await m.browser.post(`/invoices/${id}`, { intent: "finalise" })).status).toBeLessThan(400);
    return id;
  };
  const oldest = await invoice("2026-12-01", "100,00");
  const middle = await invoice("2026-12-10", "200,00");
  const connections = await app.db.providerConnection.findMany({ where: { organisationId: m.organisationId } });
  const account = (provider: string) => connections.find((c) => c.provider === provider)!.accountId;
  const customer = await openSpace(app, m.browser, m.organisationId, m.customerId, "lucie@example.fr");
  // The sent invoice (300 €, due last) is the newest.
  return { ...m, customer, oldest, middle, newest: m.invoiceId, stripeAccount: account("stripe"), gcAccount: account("gocardless") };
}

const statusOf = async (id: string) =>
  app.db.invoice.findUniqueOrThrow({ where: { id }, select: { status: true, amountPaidMinor: true, amountDueMinor: true } });
const payPage = (m: { organisationId: string }) => `/espace/${m.organisationId}/payer`;

/** « Payer votre solde » in the customer's space: the form's answer is the provider's page. */
async function openBalanceCheckout(
  m: { organisationId: string; customerId: string; customer: TestBrowser },
  provider: "stripe" | "gocardless",
  amountMinor: number,
) {
  const amount = (amountMinor / 100).toFixed(2).replace(".", ",");
  const page = await m.customer.post(payPage(m), { currency: "EUR", provider, amount, confirmAbove: "on" });
  expect(page.status, textOf(page.html).slice(0, 500)).toBe(303);
  const attempt = await app.db.checkoutAttempt.findFirstOrThrow({
    where: { customerId: m.customerId, invoiceId: null, provider },
    orderBy: { createdAt: "desc" },
  });
  expect(attempt.amountMinor).toBe(amountMinor);
  return { url: page.location!, attempt };
}

async function paidByCard(m: Awaited<ReturnType<typeof customerWithThreeInvoices>>, amountMinor: number, paymentIntent: string) {
  const { attempt } = await openBalanceCheckout(m, "stripe", amountMinor);
  const session = checkoutSession({ invoiceId: "", amount: amountMinor, paymentIntent, attemptId: attempt.id });
  session.client_reference_id = m.customerId;
  session.metadata = { customer_id: m.customerId, attempt_id: attempt.id };
  await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, m.stripeAccount)));
  await app.processWebhooks();
}

describe("paying the account's balance", () => {
  it("offers the balance, spreads a card payment over the oldest invoices due, and tells the customer once what is left", async () => {
    const m = await customerWithThreeInvoices();
    const [toPay] = await accountToPay(app.db, m.organisationId, m.customerId);
    expect(toPay).toMatchObject({ currency: "EUR", balanceMinor: 60000, inFlightMinor: 0, toPayMinor: 60000 });
    expect(balanceAmount("", toPay, false)).toEqual({ ok: true, amountMinor: 60000 });
    expect(balanceAmount("250,00", toPay, false)).toEqual({ ok: true, amountMinor: 25000 });
    expect(balanceAmount("650,00", toPay, false)).toMatchObject({ ok: false, field: "confirmAbove" });
    expect(balanceAmount("0", toPay, false)).toMatchObject({ ok: false, field: "amount" });
    expect(textOf((await m.customer.get(`/espace/${m.organisationId}/compte`)).html)).toContain("Payer votre solde");
    const form = textOf((await m.customer.get(payPage(m))).html);
    expect(form).toContain("Reste à payer : 600,00 €");
    expect(form).toContain("Payer par carte");
    const above = await m.customer.post(payPage(m), { currency: "EUR", provider: "stripe", amount: "650,00" });
    expect(textOf(above.html)).toContain("Ce montant dépasse ce qui reste à payer");
    expect(await app.db.checkoutAttempt.count({ where: { customerId: m.customerId } })).toBe(0);

    await paidByCard(m, 25000, "pi_balance_250");
    // A replayed delivery changes nothing.
    expect(await statusOf(m.oldest)).toEqual({ status: "paid", amountPaidMinor: 10000, amountDueMinor: 0 });
    expect(await statusOf(m.middle)).toEqual({ status: "partially_paid", amountPaidMinor: 15000, amountDueMinor: 5000 });
    expect(await statusOf(m.newest)).toMatchObject({ status: "open", amountDueMinor: 30000 });
    const payment = await app.db.payment.findFirstOrThrow({ where: { providerPaymentId: "pi_balance_250" } });
    expect(payment).toMatchObject({ invoiceId: null, customerId: m.customerId, status: "confirmed", amountMinor: 25000 });

    const [after] = await accountToPay(app.db, m.organisationId, m.customerId);
    expect(after.toPayMinor).toBe(35000);
    expect(textOf((await m.customer.get(payPage(m))).html)).toContain("Reste à payer : 350,00 €");
    const movements = await accountMovements(app.db, m.organisationId, m.customerId);
    expect(movements.filter((mv) => mv.kind === "payment").map((mv) => mv.amountMinor)).toEqual([-25000]);

    const receipt = await app.lastEmailTo("lucie@example.fr", /Confirmation de votre paiement de 250,00/);
    expect(receipt.text).toContain("votre paiement de 250,00 € sur votre compte d'Atelier Rivière");
    expect(receipt.text).toContain("Reste à payer sur votre compte : 350,00 €.");
    const notices = await app.db.outboxEmail.count({ where: { kind: "payment_received_customer", toAddress: "lucie@example.fr", invoiceId: null } });
    expect(notices).toBe(1);
  });

  it("collects the rest by direct debit: in flight, nothing more to pay, then every invoice paid", async () => {
    const m = await customerWithThreeInvoices();
    await paidByCard(m, 25000, "pi_balance_first");
    const { url } = await openBalanceCheckout(m, "gocardless", 35000);
    const { billingRequest, mandateId } = fulfilBillingRequest(url.split("/").pop()!)!;
    const fulfilled = gcEvent("billing_requests", "fulfilled", {
      billing_request: billingRequest.id,
      mandate_request_mandate: mandateId,
      organisation: m.gcAccount,
    });
    await postWebhook(app, "gocardless", gocardlessBody([fulfilled]));
    await app.processWebhooks();

    const debit = await app.db.payment.findFirstOrThrow({ where: { customerId: m.customerId, provider: "gocardless" } });
    expect(debit).toMatchObject({ invoiceId: null, status: "processing", amountMinor: 35000 });
    expect((await accountToPay(app.db, m.organisationId, m.customerId))[0]).toMatchObject({ inFlightMinor: 35000, toPayMinor: 0 });
    // Nothing more is asked while the debit is on its way.
    expect(textOf((await m.customer.get(`/espace/${m.organisationId}/compte`)).html)).not.toContain("Payer votre solde");
    expect(textOf((await m.customer.get(payPage(m))).html)).toContain("Un paiement de 350,00 € est en cours");

    await postWebhook(app, "gocardless", gocardlessBody([gcEvent("payments", "confirmed", { payment: debit.providerPaymentId, organisation: m.gcAccount })]));
    await app.processWebhooks();
    for (const id of [m.oldest, m.middle, m.newest]) expect((await statusOf(id)).status).toBe("paid");
    expect((await accountToPay(app.db, m.organisationId, m.customerId))[0]).toMatchObject({ balanceMinor: 0, toPayMinor: 0 });

    // The debit charged back: the invoices it settled are due again, the card's share stays.
    await postWebhook(
      app,
      "gocardless",
      gocardlessBody([gcEvent("payments", "charged_back", { payment: debit.providerPaymentId, organisation: m.gcAccount })]),
    );
    await app.processWebhooks();
    expect(await statusOf(m.oldest)).toMatchObject({ status: "paid" });
    expect(await statusOf(m.middle)).toMatchObject({ status: "partially_paid", amountDueMinor: 5000 });
    expect(await statusOf(m.newest)).toMatchObject({ status: "open", amountDueMinor: 30000 });
  });

  it("a refund takes from the latest invoice settled; paying beyond the balance leaves credit the next invoice uses", async () => {
    const m = await customerWithThreeInvoices();
    await paidByCard(m, 70000, "pi_balance_above");
    for (const id of [m.oldest, m.middle, m.newest]) expect((await statusOf(id)).status).toBe("paid");
    expect((await accountToPay(app.db, m.organisationId, m.customerId))[0]).toMatchObject({ balanceMinor: -10000, toPayMinor: 0 });

    // The next invoice (150 €) is paid by the credit of 100 € at once.
    const next = await createDraftInvoice(m.browser, m.customerId, { "lines[0].quantity": "1", "lines[0].unitPrice": "150,00", "lines[0].vatRate": "0" });
    await m.browser.post(`/invoices/${next}`, { intent: "finalise" });
    expect(await statusOf(next)).toEqual({ status: "partially_paid", amountPaidMinor: 10000, amountDueMinor: 5000 });

    // 250 € refunded: the credit is spent, so the newest shares give way (the next invoice's 100 €, then 150 € of the 300 €).
    const refund = stripeObject("refund", { id: "re_balance", amount: 25000, currency: "eur", status: "succeeded", payment_intent: "pi_balance_above" });
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("refund.created", refund, m.stripeAccount)));
    await app.processWebhooks();
    expect(await statusOf(next)).toMatchObject({ status: "open", amountDueMinor: 15000 });
    expect(await statusOf(m.newest)).toMatchObject({ status: "partially_paid", amountDueMinor: 15000 });
    expect(await statusOf(m.oldest)).toMatchObject({ status: "paid" });
    const [balance] = await accountToPay(app.db, m.organisationId, m.customerId);
    expect(balance.balanceMinor).toBe(30000);
  });

  it("an overpayment becomes credit the merchant applies to the invoices due; the overpaid invoice comes back to its total", async () => {
    const m = await customerWithThreeInvoices();
    for (const paymentIntent of ["pi_twice_1", "pi_twice_2"]) {
      const session = checkoutSession({ invoiceId: m.newest, amount: 30000, paymentIntent });
      await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, m.stripeAccount)));
    }
    await app.processWebhooks();
    expect(await statusOf(m.newest)).toEqual({ status: "paid", amountPaidMinor: 60000, amountDueMinor: 0 });

    const page = textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(page).toContain("Crédit disponible sur le compte : 300,00 €");
    const applied = await m.browser.post(`/customers/${m.customerId}`, { intent: "applyCredit" });
    expect(textOf(applied.html)).toContain("Le crédit a été imputé sur les factures dues, les plus anciennes d'abord.");
    expect(await statusOf(m.oldest)).toEqual({ status: "paid", amountPaidMinor: 10000, amountDueMinor: 0 });
    expect(await statusOf(m.middle)).toEqual({ status: "paid", amountPaidMinor: 20000, amountDueMinor: 0 });
    expect(await statusOf(m.newest)).toEqual({ status: "paid", amountPaidMinor: 30000, amountDueMinor: 0 });
    expect(textOf((await m.browser.get(`/invoices/${m.middle}`)).html)).toContain("200,00 € du trop-perçu d'un paiement de 300,00 €");
    // Applying again finds nothing left.
    expect(textOf((await m.browser.get(`/customers/${m.customerId}`)).html)).not.toContain("Crédit disponible");
  });

  it("credit left by a balance payment is refunded through its provider once confirmed, and is not used by the next invoice meanwhile", async () => {
    const m = await customerWithThreeInvoices();
    // Paid on the sandbox's Checkout page: the refund goes to the sandbox's own payment.
    const { url } = await openBalanceCheckout(m, "stripe", 70000);
    // Back before the provider's news: nothing is offered again, so nothing is paid twice.
    const back = textOf((await m.customer.get(`${payPage(m)}?return=stripe`)).html);
    expect(back).toContain("Nous attendons sa confirmation");
    expect(back).not.toContain("Payer par carte");
    await m.customer.post(url, { intent: "pay", card: "4242 4242 4242 4242" });
    await app.processWebhooks();
    const { providerPaymentId } = await app.db.payment.findFirstOrThrow({ where: { customerId: m.customerId, status: "confirmed", invoiceId: null } });
    const page = textOf((await m.browser.get(`/customers/${m.customerId}`)).html);
    expect(page).toContain("Rembourser au client le crédit de ses paiements en ligne (100,00 €)");
    const unconfirmed = await m.browser.post(`/customers/${m.customerId}`, { intent: "refundCredit" });
    expect(unconfirmed.location).toContain("confirm=refundCredit");
    expect(await app.db.paymentReversal.count({ where: { providerPaymentId } })).toBe(0);

    const done = await m.browser.post(`/customers/${m.customerId}`, { intent: "refundCredit", confirmed: "yes" });
    expect(textOf(done.html)).toContain("Remboursement de 100,00 € demandé");
    expect(await app.db.paymentReversal.findMany({ where: { providerPaymentId } })).toMatchObject([{ kind: "refund", status: "pending", amountMinor: 10000 }]);
    // A second click asks for nothing more; the next invoice does not use credit on its way back.
    const again = await m.browser.post(`/customers/${m.customerId}`, { intent: "refundCredit", confirmed: "yes" });
    expect(textOf(again.html)).not.toContain("Remboursement de");
    expect(await app.db.paymentReversal.count({ where: { providerPaymentId } })).toBe(1);
    const next = await createDraftInvoice(m.browser, m.customerId, { "lines[0].quantity": "1", "lines[0].unitPrice": "50,00", "lines[0].vatRate": "0" });
    await m.browser.post(`/invoices/${next}`, { intent: "finalise" });
    expect(await statusOf(next)).toMatchObject({ status: "open", amountDueMinor: 5000 });
  });

  it("refuses a balance checkout the app did not open for this customer", async () => {
    const m = await customerWithThreeInvoices();
    const other = await customerWithThreeInvoices();
    const { attempt } = await openBalanceCheckout(m, "stripe", 5000);
    const session = checkoutSession({ invoiceId: "", amount: 5000, paymentIntent: "pi_wrong_customer", attemptId: attempt.id });
    session.metadata = { customer_id: other.customerId, attempt_id: attempt.id };
    await postWebhook(app, "stripe", JSON.stringify(stripeEvent("checkout.session.completed", session, m.stripeAccount)));
    await app.processWebhooks();
    expect(await app.db.payment.count({ where: { providerPaymentId: "pi_wrong_customer" } })).toBe(0);
    expect(await statusOf(other.oldest)).toMatchObject({ status: "open" });
  });
});

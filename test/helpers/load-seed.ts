import Stripe from "stripe";
import { encryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";

/** A merchant with a connected Stripe account and `count` open invoices of 120,00 €, written in bulk (benchmarks, fault tests). */
export async function seedLoadMerchant(db: Db, count: number, encryptionKey: string, account = "acct_load") {
  const user = await db.user.create({ data: { email: `load-${Date.now()}@example.fr`, name: "Charge", passwordHash: "x" } });
  const org = await db.organisation.create({
    data: { legalName: "Banc d'essai SAS", lastInvoiceSequence: count, memberships: { create: { userId: user.id, role: "owner" } } },
  });
  const customer = await db.customer.create({ data: { organisationId: org.id, name: "Client Banc", email: "client@example.fr" } });
  await db.providerConnection.create({
    data: {
      organisationId: org.id,
      provider: "stripe",
      accountId: account,
      environment: "sandbox",
      encryptedToken: encryptSecret(encryptionKey, "sk_test_load"),
      connectedById: user.id,
    },
  });
  const now = Date.now();
  const ids = Array.from({ length: count }, (_, i) => `linv${String(i + 1).padStart(6, "0")}`);
  const at = (i: number) => new Date(now - (count - i) * 60_000);
  for (let from = 0; from < count; from += 1000) {
    const chunk = ids.slice(from, from + 1000);
    await db.invoice.createMany({
      data: chunk.map((id, k) => ({
        id,
        organisationId: org.id,
        customerId: customer.id,
        status: "open",
        number: `B-${from + k + 1}`,
        sequence: from + k + 1,
        currency: "EUR",
        issueDate: at(from + k),
        dueDate: at(from + k),
        subtotalMinor: 10000,
        taxMinor: 2000,
        totalMinor: 12000,
        amountDueMinor: 12000,
        onlinePayment: true,
        createdAt: at(from + k),
        finalisedAt: at(from + k),
        sentAt: at(from + k),
      })),
    });
    await db.invoiceLine.createMany({
      data: chunk.map((id) => ({
        invoiceId: id,
        position: 0,
        description: "Prestation",
        quantityThousandths: 1000,
        unitPriceMinor: 10000,
        vatRateBasisPoints: 2000,
        totalMinor: 10000,
      })),
    });
  }
  return { user, org, customer, account, ids };
}

/** A signed `checkout.session.completed` delivery paying one invoice in full. */
export function paidCheckoutDelivery(invoiceId: string, n: number, account: string, secret: string) {
  const body = JSON.stringify({
    id: `evt_load_${n}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: "checkout.session.completed",
    account,
    data: {
      object: {
        id: `cs_load_${n}`,
        object: "checkout.session",
        amount_total: 12000,
        currency: "eur",
        payment_status: "paid",
        payment_intent: `pi_load_${n}`,
        metadata: { invoice_id: invoiceId },
        client_reference_id: invoiceId,
      },
    },
  });
  return { body, headers: { "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) } };
}

export async function countPaidOnce(db: Db, organisationId: string) {
  const [payments, paid, doubled] = await Promise.all([
    db.payment.count({ where: { organisationId } }),
    db.invoice.count({ where: { organisationId, status: "paid" } }),
    db.$queryRawUnsafe<{ n: number }[]>(`SELECT COUNT(*) AS n FROM (SELECT "invoiceId" FROM "Payment" GROUP BY "invoiceId" HAVING COUNT(*) > 1)`),
  ]);
  return { payments, paid, paidTwice: Number(doubled[0].n) };
}

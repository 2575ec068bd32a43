import Stripe from "stripe";
import { encryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";

export type LoadInvoiceStatus = "draft" | "open" | "partially_paid" | "paid" | "void";

/** A plausible spread for a long-lived organisation: mostly paid, some open, a few part-paid, void and drafts (1 in 20 each). */
export const mixedStatuses = (i: number): LoadInvoiceStatus => {
  const r = i % 20;
  return r === 0 ? "draft" : r === 1 ? "void" : r === 2 ? "partially_paid" : r < 6 ? "open" : "paid";
};

/**
 * A merchant with a connected Stripe account and `count` invoices of 120,00 € (one line each), one a minute up to now,
 * written in bulk (benchmarks, fault tests). All open unless `statusOf` says otherwise; amounts, numbers and dates
 * follow the status. Rows go in as multi-row INSERTs in the format Prisma writes (Prisma's createMany spends about
 * 0.5 ms of JavaScript per row: 100,000 invoices took a minute, this takes seconds). Ids are `${idPrefix}000001`….
 */
export async function seedLoadMerchant(
  db: Db,
  count: number,
  encryptionKey: string,
  account = "acct_load",
  { statusOf = (): LoadInvoiceStatus => "open", idPrefix = "linv" }: { statusOf?: (i: number) => LoadInvoiceStatus; idPrefix?: string } = {},
) {
  const user = await db.user.create({ data: { email: `load-${Date.now()}-${idPrefix}@example.fr`, name: "Charge", passwordHash: "x" } });
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
  const ids = Array.from({ length: count }, (_, i) => `${idPrefix}${String(i + 1).padStart(6, "0")}`);
  const at = (i: number) => prismaDateTime(new Date(now - (count - i) * 60_000));
  const seededAt = prismaDateTime(new Date(now));
  let sequence = 0;
  for (let from = 0; from < count; from += 1000) {
    const chunk = ids.slice(from, from + 1000);
    await insertRows(
      db,
      "Invoice",
      INVOICE_COLUMNS,
      chunk.map((id, k) => {
        const i = from + k;
        const status = statusOf(i);
        const finalised = status !== "draft";
        const paidMinor = status === "paid" ? 12000 : status === "partially_paid" ? 5000 : 0;
        if (finalised) sequence++;
        // In INVOICE_COLUMNS order.
        return [
          id,
          org.id,
          customer.id,
          status,
          finalised ? `B-${sequence}` : null,
          finalised ? sequence : null,
          "EUR",
          at(i),
          at(i),
          10000,
          2000,
          12000,
          paidMinor,
          status === "void" ? 0 : 12000 - paidMinor,
          1,
          finalised ? at(i) : null,
          finalised ? at(i) : null,
          status === "void" ? at(i) : null,
          status === "void" ? "Annulée" : null,
          at(i),
          seededAt,
        ];
      }),
    );
    await insertRows(
      db,
      "InvoiceLine",
      ["id", "invoiceId", "position", "description", "quantityThousandths", "unitPriceMinor", "vatRateBasisPoints", "totalMinor"],
      chunk.map((id) => [`${id}l0`, id, 0, "Prestation", 1000, 10000, 2000, 10000]),
    );
  }
  if (sequence !== count) await db.organisation.update({ where: { id: org.id }, data: { lastInvoiceSequence: sequence } });
  return { user, org, customer, account, ids };
}

const INVOICE_COLUMNS = [
  "id",
  "organisationId",
  "customerId",
  "status",
  "number",
  "sequence",
  "currency",
  "issueDate",
  "dueDate",
  "subtotalMinor",
  "taxMinor",
  "totalMinor",
  "amountPaidMinor",
  "amountDueMinor",
  "onlinePayment",
  "finalisedAt",
  "sentAt",
  "voidedAt",
  "voidReason",
  "createdAt",
  "updatedAt",
];

/** A DateTime as Prisma's SQLite adapter stores it (text, compared as text by indexes): 2026-11-22T08:43:23.050+00:00. */
function prismaDateTime(date: Date) {
  return date.toISOString().replace("Z", "+00:00");
}

async function insertRows(db: Db, table: string, columns: string[], rows: (string | number | null)[][]) {
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  await db.$executeRawUnsafe(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${rows.map(() => placeholders).join(", ")}`,
    ...rows.flat(),
  );
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
        mode: "payment",
        status: "complete",
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

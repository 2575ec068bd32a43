import { type Db, modelRow } from "~/lib/db.server";
import { decryptSecret, encryptSecret } from "~/lib/crypto.server";
import { hashToken, randomToken } from "~/lib/tokens.server";

/**
 * The invoice's consultation link: 256 random bits, stable until revoked (so every email carries the
 * same link), looked up by hash, kept encrypted so a re-send can include it.
 */
export async function currentLinkToken(db: Db, encryptionKey: string, organisationId: string, invoiceId: string): Promise<string> {
  const existing = await db.invoiceLink.findFirst({ where: { organisationId, invoiceId, revokedAt: null }, orderBy: { createdAt: "desc" } });
  if (existing) return decryptSecret(encryptionKey, existing.encryptedToken);
  return createLink(db, encryptionKey, organisationId, invoiceId);
}

async function createLink(db: Db, encryptionKey: string, organisationId: string, invoiceId: string) {
  const token = randomToken();
  await db.invoiceLink.create({ data: { organisationId, invoiceId, tokenHash: hashToken(token), encryptedToken: encryptSecret(encryptionKey, token) } });
  return token;
}

/** Revokes every link of the invoice (voiding, or "regenerate the link"). */
export async function revokeLinks(db: Db, organisationId: string, invoiceId: string, now: Date) {
  await db.invoiceLink.updateMany({ where: { organisationId, invoiceId, revokedAt: null }, data: { revokedAt: now } });
}

export async function regenerateLink(db: Db, encryptionKey: string, organisationId: string, invoiceId: string, now: Date) {
  await revokeLinks(db, organisationId, invoiceId, now);
  return createLink(db, encryptionKey, organisationId, invoiceId);
}

/**
 * The invoice behind a consultation token, or null for a guessed, malformed or revoked one. Read with the
 * query builder: customers open these pages many at once after a mailing (docs/decisions/0023).
 */
export async function invoiceForToken(db: Db, token: string) {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const row = await db.$qb
    .selectFrom("InvoiceLink as link")
    .innerJoin("Invoice as invoice", "invoice.id", "link.invoiceId")
    .selectAll("invoice")
    .where("link.tokenHash", "=", hashToken(token))
    .where("link.revokedAt", "is", null)
    .where("invoice.status", "<>", "draft")
    .executeTakeFirst();
  if (!row) return null;
  const invoice = modelRow("Invoice", row);
  // Together: on a libSQL server their round trips overlap.
  const [lines, customer, organisation, payments] = await Promise.all([
    db.$qb.selectFrom("InvoiceLine").selectAll().where("invoiceId", "=", invoice.id).orderBy("position").execute(),
    db.$qb.selectFrom("Customer").selectAll().where("id", "=", invoice.customerId).executeTakeFirstOrThrow(),
    db.$qb.selectFrom("Organisation").selectAll().where("id", "=", invoice.organisationId).executeTakeFirstOrThrow(),
    db.$qb.selectFrom("Payment").selectAll().where("invoiceId", "=", invoice.id).orderBy("createdAt").execute(),
  ]);
  return {
    ...invoice,
    lines: lines.map((line) => modelRow("InvoiceLine", line)),
    customer: modelRow("Customer", customer),
    organisation: modelRow("Organisation", organisation),
    payments: payments.map((payment) => modelRow("Payment", payment)),
  };
}
export type PublicInvoice = NonNullable<Awaited<ReturnType<typeof invoiceForToken>>>;

/**
 * The invoice behind a link that stopped working because the invoice was voided (revoked at the moment it
 * was voided), or null: its customer is told who cancelled it, not shown a bare 404. A link revoked
 * before that (the merchant regenerated it) stays unknown.
 */
export async function voidedInvoiceForToken(db: Db, token: string) {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const link = await db.invoiceLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      revokedAt: true,
      invoice: {
        select: { status: true, number: true, voidedAt: true, customer: { select: { locale: true } }, organisation: { select: { legalName: true } } },
      },
    },
  });
  const invoice = link?.invoice;
  if (!link?.revokedAt || !invoice || invoice.status !== "void" || !invoice.voidedAt || link.revokedAt < invoice.voidedAt) return null;
  return { number: invoice.number ?? "", merchant: invoice.organisation.legalName, customerLocale: invoice.customer.locale };
}

const STAMP_SQL = `
  SELECT v."version" AS stamp
  FROM "InvoiceLink" l
  JOIN "Invoice" i ON i."id" = l."invoiceId"
  JOIN "ContentVersion" v ON v."id" = 1
  WHERE l."tokenHash" = ? AND l."revokedAt" IS NULL AND i."status" <> 'draft'`;

/**
 * The content version (moved by every write to a table a page may show: see the ContentVersion model)
 * while the link is live, or null when the page is not to be shown. The kept page is served only while
 * it has not moved, so no list of what the page shows has to be kept here.
 */
export async function consultationStamp(db: Db, tokenHash: string): Promise<string | null> {
  const [row] = await db.$queryRawUnsafe<{ stamp: unknown }[]>(STAMP_SQL, tokenHash);
  return row?.stamp === undefined || row.stamp === null ? null : String(row.stamp);
}

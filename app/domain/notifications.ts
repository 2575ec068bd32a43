import type { Db } from "~/lib/db.server";
import { formatMoney } from "~/lib/format";
import { isLocale, translator, type MessageKey } from "~/i18n";
import { enqueueStoredTemplates } from "./outbox";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export const NOTIFICATION_KINDS = [
  "payment_received",
  "payment_failed",
  "payment_charged_back",
  "payment_disputed",
  "payment_refunded",
  "payment_refund_failed",
  "payment_dispute_won",
  "payment_dispute_lost",
  "payment_overpaid",
  "payment_restored",
  "provider_deauthorized",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

interface NoticeFacts {
  organisationId: string;
  kind: NotificationKind;
  /** One notice per fact: replaying the event that caused it adds nothing. */
  dedupeKey: string;
  invoiceId?: string;
  amountMinor?: number;
  currency?: string;
  /** Paid beyond what the invoice asked (an overpayment). */
  excessMinor?: number;
  provider?: string;
  /** Also tell the customer (payment receipt, or failed debit). */
  customer?: boolean;
}

/**
 * Tells the merchant (in the app, and by email to the organisation's payments contact, the owner by
 * default) and, where it concerns them, the customer. Runs inside the transaction that changed the
 * payment, so the notice and the change are saved together; delivery goes through the outbox.
 */
export async function notify(tx: Tx, facts: NoticeFacts, appUrl: string) {
  if (await tx.notification.findUnique({ where: { dedupeKey: facts.dedupeKey }, select: { id: true } })) return;
  // One read for the organisation, its payments contact (or first owner) and the invoice's customer.
  const organisation = await tx.organisation.findUniqueOrThrow({
    where: { id: facts.organisationId },
    select: {
      id: true,
      legalName: true,
      paymentsContactId: true,
      memberships: {
        orderBy: { createdAt: "asc" },
        select: { role: true, userId: true, user: { select: { email: true, locale: true } } },
      },
      invoices: {
        where: { id: facts.invoiceId ?? "" },
        select: { id: true, number: true, customer: { select: { name: true, company: true, email: true, locale: true } } },
      },
    },
  });
  const invoice = organisation.invoices?.[0] ?? null;
  const data = {
    invoiceId: invoice?.id,
    number: invoice?.number,
    customer: invoice?.customer.company || invoice?.customer.name,
    amountMinor: facts.amountMinor,
    excessMinor: facts.excessMinor,
    currency: facts.currency,
    provider: facts.provider,
  };
  await tx.notification.create({ data: { organisationId: facts.organisationId, kind: facts.kind, data: JSON.stringify(data), dedupeKey: facts.dedupeKey } });

  const contact = (
    organisation.memberships.find((m) => m.userId === organisation.paymentsContactId) ?? organisation.memberships.find((m) => m.role === "owner")
  )?.user;
  const render = (localeValue: string, kind: "merchant" | "customer") => {
    const locale = isLocale(localeValue) ? localeValue : "fr";
    const t = translator(locale);
    const vars = {
      amount: facts.amountMinor !== undefined && facts.currency ? formatMoney(facts.amountMinor, facts.currency, locale) : "",
      excess: facts.excessMinor !== undefined && facts.currency ? formatMoney(facts.excessMinor, facts.currency, locale) : "",
      number: invoice?.number ?? "",
      customer: data.customer ?? "",
      merchant: organisation.legalName,
      provider: facts.provider === "gocardless" ? "GoCardless" : facts.provider === "stripe" ? "Stripe" : "",
    };
    const key = `notify.${facts.kind}.${kind}` as const;
    const subject = t(`${key}.subject` as MessageKey, vars);
    const body = t(`${key}.body` as MessageKey, vars);
    const action = kind === "merchant" && invoice ? { label: t("notify.openInvoice"), url: `${appUrl}/invoices/${invoice.id}` } : undefined;
    const template = { name: "notice" as const, props: { locale, preview: subject, paragraphs: body.split("\n"), action, footer: organisation.legalName } };
    return { subject, template };
  };
  const emails = [];
  if (contact?.email) {
    emails.push({
      kind: facts.kind,
      to: contact.email,
      ...render(contact.locale, "merchant"),
      idempotencyKey: `${facts.dedupeKey}/merchant`,
      organisationId: organisation.id,
      invoiceId: invoice?.id,
    });
  }
  if (facts.customer && invoice?.customer.email) {
    emails.push({
      kind: `${facts.kind}_customer`,
      to: invoice.customer.email,
      ...render(invoice.customer.locale, "customer"),
      idempotencyKey: `${facts.dedupeKey}/customer`,
      organisationId: organisation.id,
      invoiceId: invoice.id,
    });
  }
  await enqueueStoredTemplates(tx as unknown as Db, emails);
}

export async function listNotifications(db: Db, organisationId: string, take = 50) {
  const [items, unread] = await Promise.all([
    db.notification.findMany({ where: { organisationId }, orderBy: { createdAt: "desc" }, take }),
    db.notification.count({ where: { organisationId, readAt: null } }),
  ]);
  return { items: items.map((n) => ({ ...n, data: JSON.parse(n.data) as Record<string, string | number | undefined> })), unread };
}

export function unreadCount(db: Db, organisationId: string) {
  return db.notification.count({ where: { organisationId, readAt: null } });
}

export async function markRead(db: Db, organisationId: string, id: string | null, now: Date) {
  await db.notification.updateMany({ where: { organisationId, readAt: null, ...(id ? { id } : {}) }, data: { readAt: now } });
}

import { InvoiceEmail } from "../../emails/invoice";
import type { Db } from "~/lib/db.server";
import { isLocale, translator, type MessageKey } from "~/i18n";
import { currentLinkToken } from "./consultation";
import { bearerLink, enqueueTemplate } from "./outbox";
import { UNPAID_STATUSES, type InvoiceStatus } from "./invoices/status";

export type SendKind = "invoice" | "reminder";
export type SendResult = { ok: true; to: string } | { ok: false; error: MessageKey };

/**
 * Queues the invoice email (or a reminder) in the customer's language, carrying the consultation link.
 * `requestKey` comes from the form that asked: a double submit queues one email, and the outbox
 * delivers each queued email once.
 */
export async function sendInvoice(
  deps: { db: Db; encryptionKey: string; appUrl: string },
  input: { organisationId: string; invoiceId: string; kind: SendKind; requestKey: string },
  now: Date,
): Promise<SendResult | null> {
  const { db } = deps;
  const invoice = await db.invoice.findFirst({
    where: { id: input.invoiceId, organisationId: input.organisationId },
    include: { customer: true, organisation: true },
  });
  if (!invoice) return null;
  if (!UNPAID_STATUSES.includes(invoice.status as InvoiceStatus) || !invoice.number) return { ok: false, error: "sending.errors.notSendable" };
  if (!invoice.customer.email) return { ok: false, error: "sending.errors.noEmail" };
  const token = await currentLinkToken(db, deps.encryptionKey, input.organisationId, invoice.id);
  const locale = isLocale(invoice.customer.locale) ? invoice.customer.locale : "fr";
  const t = translator(locale);
  const reminder = input.kind === "reminder";
  const vars = { merchant: invoice.organisation.legalName, number: invoice.number };
  const link = bearerLink(deps.encryptionKey, `${deps.appUrl}/i/`, token);
  await enqueueTemplate(db, {
    kind: reminder ? "invoice_reminder" : "invoice_sent",
    to: invoice.customer.email,
    subject: t(reminder ? "email.invoice.reminderSubject" : "email.invoice.subject", vars),
    idempotencyKey: `${input.kind}/${invoice.id}/${input.requestKey.slice(0, 64)}`,
    organisationId: input.organisationId,
    invoiceId: invoice.id,
    secret: link.secret,
    element: InvoiceEmail({
      t,
      locale,
      reminder,
      customerName: invoice.customer.name,
      merchant: invoice.organisation,
      invoice: {
        number: invoice.number,
        totalMinor: invoice.totalMinor,
        amountDueMinor: invoice.amountDueMinor,
        currency: invoice.currency,
        dueDate: invoice.dueDate,
      },
      url: link.url,
      onlinePayment: invoice.onlinePayment,
    }),
  });
  if (!invoice.sentAt) await db.invoice.update({ where: { id: invoice.id }, data: { sentAt: now } });
  return { ok: true, to: invoice.customer.email };
}

/** The invoice's timeline of emails, with their delivery status. */
export function emailsOfInvoice(db: Db, organisationId: string, invoiceId: string) {
  return db.outboxEmail.findMany({
    where: { organisationId, invoiceId },
    orderBy: { createdAt: "desc" },
    select: { id: true, kind: true, subject: true, toAddress: true, status: true, attempts: true, lastError: true, createdAt: true, sentAt: true },
  });
}

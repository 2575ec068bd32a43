import { CreditNoteEmail } from "../../../emails/credit-note";
import type { Db } from "~/lib/db.server";
import { isLocale, translator, type MessageKey } from "~/i18n";
import { currentLinkToken } from "../consultation";
import { bearerLink, enqueueTemplate } from "../outbox";

export type SendCreditNoteResult = { ok: true; to: string } | { ok: false; error: MessageKey };

/**
 * Queues the credit note's email to the customer, in their language, the way invoices go out: it carries the
 * invoice's consultation link (sealed in the outbox), from which the customer downloads the credit note's
 * PDF. `requestKey` comes from the form: a double submit queues one email, delivered once. Shown on the
 * invoice's email timeline.
 */
export async function sendCreditNote(
  deps: { db: Db; encryptionKey: string; appUrl: string },
  input: { organisationId: string; creditNoteId: string; requestKey: string },
): Promise<SendCreditNoteResult | null> {
  const { db } = deps;
  const creditNote = await db.creditNote.findFirst({
    where: { id: input.creditNoteId, organisationId: input.organisationId },
    include: { customer: true, organisation: true, invoice: { select: { id: true, number: true } } },
  });
  if (!creditNote) return null;
  if (!creditNote.customer.email) return { ok: false, error: "creditNotes.errors.noEmail" };
  const token = await currentLinkToken(db, deps.encryptionKey, input.organisationId, creditNote.invoiceId);
  const locale = isLocale(creditNote.customer.locale) ? creditNote.customer.locale : "fr";
  const t = translator(locale);
  const link = bearerLink(deps.encryptionKey, `${deps.appUrl}/i/`, token);
  await enqueueTemplate(db, {
    kind: "credit_note_sent",
    to: creditNote.customer.email,
    subject: t("email.creditNote.subject", { merchant: creditNote.organisation.legalName, number: creditNote.number }),
    idempotencyKey: `credit_note/${creditNote.id}/${input.requestKey.slice(0, 64)}`,
    organisationId: input.organisationId,
    invoiceId: creditNote.invoiceId,
    secret: link.secret,
    element: CreditNoteEmail({
      t,
      locale,
      customerName: creditNote.customer.name,
      merchant: creditNote.organisation,
      creditNote: {
        number: creditNote.number,
        totalMinor: creditNote.totalMinor,
        currency: creditNote.currency,
        issueDate: creditNote.issueDate,
        reason: creditNote.reason,
        invoiceNumber: creditNote.invoice.number ?? "",
      },
      url: link.url,
    }),
  });
  return { ok: true, to: creditNote.customer.email };
}

/** The credit note's emails (kept on its invoice's timeline), newest first. */
export function emailsOfCreditNote(db: Db, organisationId: string, creditNote: { id: string; invoiceId: string }) {
  return db.outboxEmail.findMany({
    where: { organisationId, invoiceId: creditNote.invoiceId, kind: "credit_note_sent", idempotencyKey: { startsWith: `credit_note/${creditNote.id}/` } },
    orderBy: { createdAt: "desc" },
    select: { id: true, toAddress: true, status: true, createdAt: true },
  });
}

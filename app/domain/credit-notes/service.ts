/**
 * Credit notes (factures d'avoir, issue 14): a finalised invoice is corrected by a credit note, never edited.
 * Each is numbered in the organisation's own gapless credit-note series, frozen when issued (insert-only,
 * the database refuses an update), and credits the customer's account: first the invoice's amount due (an
 * allocation row, counted by `recomputeInvoice` like recorded payments), the rest stays as credit on the
 * account. See docs/decisions/0014-credit-notes.md.
 */
import { z } from "zod";
import { type Db, type Tx, modelRow } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { formatInvoiceNumber } from "../invoices/numbering";
import type { ServiceResult } from "../invoices/service";
import { parseAmountMinor, parseQuantityThousandths } from "../money";
import { recomputeInvoice } from "../payments";
import { idField, optionalText, requiredText, todayUtc } from "../validation";
import { CREDIT_NOTE_KINDS, type CreditRequest, draftCreditNote, remainingOf } from "./totals";

type Reader = Db | Tx;

export const DEFAULT_CREDIT_NOTE_FORMAT = "AV{YYYY}-{SEQ}";

/** The credit note form as posted: quantities and the amount are read in the invoice's currency by `requestOf`. */
export const creditNoteFields = z.object({
  kind: z.enum(CREDIT_NOTE_KINDS, { error: "errors.invalid" }),
  reason: requiredText(500),
  amount: optionalText(32),
  lines: z.preprocess((v) => v ?? [], z.array(z.object({ invoiceLineId: idField, quantity: optionalText(20) })).max(200)),
});
export type CreditNoteFields = z.output<typeof creditNoteFields>;

/** What the form asks for, its amounts read in the invoice's currency; a field's error otherwise. */
export function requestOf(fields: CreditNoteFields, currency: string): { ok: true; value: CreditRequest } | { ok: false; error: MessageKey; field: string } {
  if (fields.kind === "full") return { ok: true, value: { kind: "full" } };
  if (fields.kind === "amount") {
    const amountMinor = parseAmountMinor(fields.amount, currency);
    if (amountMinor === null || amountMinor <= 0) return { ok: false, error: "creditNotes.errors.amount", field: "amount" };
    return { ok: true, value: { kind: "amount", amountMinor, description: fields.reason } };
  }
  const quantities: { invoiceLineId: string; quantityThousandths: number }[] = [];
  for (const [index, line] of fields.lines.entries()) {
    if (!line.quantity) continue;
    const quantityThousandths = parseQuantityThousandths(line.quantity);
    if (quantityThousandths === null || quantityThousandths < 0) return { ok: false, error: "creditNotes.errors.quantity", field: `lines[${index}].quantity` };
    quantities.push({ invoiceLineId: line.invoiceLineId, quantityThousandths });
  }
  return { ok: true, value: { kind: "lines", quantities } };
}

const CREDITABLE = ["open", "partially_paid", "paid", "credited"];

/** The invoice as a credit note needs it, with its credit notes so far; null when not this organisation's. */
export function creditableInvoice(db: Reader, organisationId: string, invoiceId: string) {
  return db.invoice.findFirst({
    where: { id: invoiceId, organisationId },
    include: {
      lines: { orderBy: { position: "asc" } },
      creditNotes: { include: { lines: { select: { invoiceLineId: true, quantityThousandths: true, totalMinor: true } } }, orderBy: { sequence: "asc" } },
    },
  });
}

/** Whether the invoice can take a credit note, and what is left to credit on it. */
export function creditStateOf(invoice: NonNullable<Awaited<ReturnType<typeof creditableInvoice>>>) {
  const remaining = remainingOf(invoice, invoice.creditNotes);
  return { remaining, creditable: CREDITABLE.includes(invoice.status) && Boolean(invoice.number) && remaining.totalMinor > 0 };
}

/**
 * Issues a credit note on a finalised invoice, in one transaction: the organisation's credit-note counter is
 * incremented in the transaction that writes the number, so a failure rolls both back (no gap) and SQLite's
 * single writer orders concurrent issues (no duplicate; a unique index backs it up). The amount goes first
 * to what the invoice still has due; the rest stays on the customer's account as credit. Null when the
 * invoice is not this organisation's.
 */
export async function issueCreditNote(
  db: Db,
  organisationId: string,
  invoiceId: string,
  userId: string,
  input: { request: CreditRequest; reason: string },
  now: Date,
): Promise<ServiceResult<{ id: string; number: string; allocatedMinor: number; creditMinor: number }> | null> {
  return db.$transaction(async (tx) => {
    const invoice = await creditableInvoice(tx, organisationId, invoiceId);
    if (!invoice) return null;
    if (!CREDITABLE.includes(invoice.status) || !invoice.number || !invoice.partiesSnapshot)
      return { ok: false as const, error: "creditNotes.errors.notFinalised" as const };
    const draft = draftCreditNote(invoice, invoice.creditNotes, input.request, input.reason);
    if (!draft.ok) return draft;
    const { lastCreditNoteSequence: sequence, creditNoteNumberFormat } = await tx.organisation.update({
      where: { id: organisationId },
      data: { lastCreditNoteSequence: { increment: 1 } },
      select: { lastCreditNoteSequence: true, creditNoteNumberFormat: true },
    });
    const issueDate = todayUtc(now);
    const number = formatInvoiceNumber(creditNoteNumberFormat || DEFAULT_CREDIT_NOTE_FORMAT, sequence, issueDate);
    const { lines, subtotalMinor, taxMinor, totalMinor, kind } = draft.value;
    // What the invoice still has due takes the credit first; the rest is credit on the account.
    const allocatedMinor = Math.min(totalMinor, Math.max(0, invoice.amountDueMinor));
    const creditNote = await tx.creditNote.create({
      data: {
        organisationId,
        customerId: invoice.customerId,
        invoiceId,
        number,
        sequence,
        kind,
        reason: input.reason,
        currency: invoice.currency,
        issueDate,
        subtotalMinor,
        taxMinor,
        totalMinor,
        partiesSnapshot: invoice.partiesSnapshot,
        issuedById: userId,
        lines: { create: lines.map((line, position) => ({ ...line, position })) },
        ...(allocatedMinor > 0 ? { allocations: { create: { organisationId, invoiceId, amountMinor: allocatedMinor, currency: invoice.currency } } } : {}),
      },
      select: { id: true },
    });
    await recomputeInvoice(tx, invoiceId);
    return { ok: true as const, value: { id: creditNote.id, number, allocatedMinor, creditMinor: totalMinor - allocatedMinor } };
  });
}

/** One credit note of this organisation, with its lines, allocations and invoice. */
export function getCreditNote(db: Reader, organisationId: string, id: string) {
  return db.creditNote.findFirst({
    where: { id, organisationId },
    include: {
      lines: { orderBy: { position: "asc" } },
      allocations: { orderBy: { createdAt: "asc" }, include: { invoice: { select: { id: true, number: true } } } },
      invoice: { select: { id: true, number: true, issueDate: true, status: true, customerId: true, totalMinor: true } },
      customer: { select: { id: true, name: true, company: true, email: true, locale: true } },
      issuedBy: { select: { name: true } },
    },
  });
}
export type CreditNoteWithDetails = NonNullable<Awaited<ReturnType<typeof getCreditNote>>>;

const listRow = { id: true, number: true, issueDate: true, totalMinor: true, currency: true, kind: true, reason: true, invoiceId: true } as const;
const LIST_COLUMNS = Object.keys(listRow) as (keyof typeof listRow)[];

export async function creditNotesOfInvoice(db: Reader, organisationId: string, invoiceId: string) {
  // The query builder: read on every consultation page (docs/decisions/0023).
  const rows = await db.$qb
    .selectFrom("CreditNote")
    .select(LIST_COLUMNS)
    .where("organisationId", "=", organisationId)
    .where("invoiceId", "=", invoiceId)
    .orderBy("sequence")
    .execute();
  return rows.map((row) => modelRow("CreditNote", row));
}

export function creditNotesOfCustomer(db: Reader, organisationId: string, customerId: string) {
  return db.creditNote.findMany({
    where: { organisationId, customerId },
    orderBy: { sequence: "desc" },
    select: { ...listRow, invoice: { select: { number: true } } },
  });
}

/** What of the credit note is not applied to any invoice: credit on the customer's account. */
export function unallocatedOf(creditNote: { totalMinor: number; allocations: { amountMinor: number }[] }) {
  return creditNote.totalMinor - creditNote.allocations.reduce((sum, a) => sum + a.amountMinor, 0);
}

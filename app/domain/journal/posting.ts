/**
 * Posting ("Comptabiliser"), validating ("Valider") and reversing ("Contrepasser") entries of the books,
 * and the sales entries of invoices and credit notes (issue 16; docs/decisions/0018).
 *
 * Every entry is balanced (Σ debit = Σ credit, checked here and by the database at validation), numbered
 * without gaps per journal inside the transaction that writes it, and never deleted. A validated entry
 * never changes: the database refuses it (migration 20261123160000_cash_receipts_journal).
 */
import type { Db, Tx } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { isLocale, translator } from "~/i18n";
import { vatOf } from "../credit-notes/totals";
import { insertDraftLine } from "./draft";
import { type AccountingSettings, customerAuxNumber, getAccountingSettings, journalFor, journalLabel, nextCounter, vatAccountFor } from "./settings";

export interface EntryLineDraft {
  accountNumber: string;
  accountLabel: string;
  auxNumber?: string;
  auxLabel?: string;
  label: string;
  debitMinor: number;
  creditMinor: number;
  customerId?: string | null;
}

export const isBalanced = (lines: readonly { debitMinor: number; creditMinor: number }[]) =>
  lines.length >= 2 &&
  lines.every((l) => Number.isSafeInteger(l.debitMinor) && Number.isSafeInteger(l.creditMinor) && l.debitMinor >= 0 && l.creditMinor >= 0) &&
  lines.reduce((sum, l) => sum + l.debitMinor - l.creditMinor, 0) === 0;

const ACCOUNT_LABELS = { bank: "Banque", customers: "Clients", services: "Prestations de services", goods: "Ventes de marchandises", vat: "TVA collectée" };

/** The next voucher number proposed for a journal (BQ00001, BQ00002…). */
export async function proposePiece(db: Db | Tx, organisationId: string, journalCode: string): Promise<string> {
  const counter = await db.accountingCounter.findUnique({ where: { organisationId_name: { organisationId, name: `piece:${journalCode}` } } });
  return formatPiece(journalCode, (counter?.last ?? 0) + 1);
}
export const formatPiece = (journalCode: string, sequence: number) => `${journalCode}${String(sequence).padStart(5, "0")}`;

async function writeEntry(
  tx: Tx,
  entry: {
    organisationId: string;
    journalCode: string;
    journalLabel: string;
    date: Date;
    label: string;
    pieceRef: string;
    pieceDate: Date;
    currency: string;
    kind: string;
    sourceKey?: string;
    reversesId?: string;
    postedById: string | null;
    postedAt: Date;
  },
  lines: EntryLineDraft[],
) {
  if (!isBalanced(lines)) throw new Error(`unbalanced entry ${entry.label}`);
  const number = await nextCounter(tx, entry.organisationId, `entry:${entry.journalCode}`);
  return tx.journalEntry.create({
    data: {
      ...entry,
      number,
      lines: {
        create: lines.map((line, position) => ({
          organisationId: entry.organisationId,
          position,
          accountNumber: line.accountNumber,
          accountLabel: line.accountLabel,
          auxNumber: line.auxNumber ?? "",
          auxLabel: line.auxLabel ?? "",
          label: line.label,
          debitMinor: line.debitMinor,
          creditMinor: line.creditMinor,
          customerId: line.customerId ?? null,
        })),
      },
    },
  });
}

export type PostResult = { ok: true; entries: number } | { ok: false; error: MessageKey };

/**
 * Posts draft lines: each becomes an entry in its journal (the one chosen, else its method's), bank debit
 * and customer credit (the reverse for a counter-line), with the voucher number typed (for all of them: a
 * remittance) or, when none is typed and none is required, the next one of its journal.
 */
export async function postDraftLines(
  db: Db,
  input: { organisationId: string; userId: string; lineIds: string[]; journalCode?: string; pieceRef?: string; now: Date },
): Promise<PostResult> {
  const { organisationId } = input;
  if (!input.lineIds.length) return { ok: false, error: "journal.errors.noneSelected" };
  const settings = await getAccountingSettings(db, organisationId);
  const pieceRef = input.pieceRef?.trim() ?? "";
  if (settings.pieceRequired && !pieceRef) return { ok: false, error: "journal.errors.pieceRequired" };
  const lines = await db.cashReceiptLine.findMany({ where: { organisationId, id: { in: input.lineIds } }, orderBy: [{ date: "asc" }, { createdAt: "asc" }] });
  if (lines.length !== new Set(input.lineIds).size) return { ok: false, error: "journal.errors.unknownLine" };
  if (lines.some((l) => l.entryId)) return { ok: false, error: "journal.errors.alreadyPosted" };
  const customers = await db.customer.findMany({
    where: { organisationId, id: { in: lines.map((l) => l.customerId).filter((id): id is string => !!id) } },
    select: { id: true, name: true, company: true },
  });
  const nameOf = new Map(customers.map((c) => [c.id, c.company || c.name]));
  try {
    await db.$transaction(async (tx) => {
      // A typed voucher number that is the one proposed uses it up.
      const typedCodes = new Set<string>();
      for (const line of lines) {
        const journalCode = input.journalCode || journalFor(settings, line.method);
        let piece = pieceRef;
        if (!piece) piece = formatPiece(journalCode, await nextCounter(tx, organisationId, `piece:${journalCode}`));
        else if (!typedCodes.has(journalCode)) {
          typedCodes.add(journalCode);
          if (piece === (await proposePiece(tx, organisationId, journalCode))) await nextCounter(tx, organisationId, `piece:${journalCode}`);
        }
        const amount = Math.abs(line.amountMinor);
        const incoming = line.amountMinor > 0;
        const aux = line.customerId ? await customerAuxNumber(tx, organisationId, line.customerId, settings) : "";
        const customerLine: EntryLineDraft = {
          accountNumber: settings.customerAccount,
          accountLabel: ACCOUNT_LABELS.customers,
          auxNumber: aux,
          auxLabel: line.customerId ? (nameOf.get(line.customerId) ?? "") : "",
          label: line.label,
          debitMinor: incoming ? 0 : amount,
          creditMinor: incoming ? amount : 0,
          customerId: line.customerId,
        };
        const bankLine: EntryLineDraft = {
          accountNumber: settings.bankAccount,
          accountLabel: ACCOUNT_LABELS.bank,
          label: line.label,
          debitMinor: incoming ? amount : 0,
          creditMinor: incoming ? 0 : amount,
        };
        const entry = await writeEntry(
          tx,
          {
            organisationId,
            journalCode,
            journalLabel: journalLabel(settings, journalCode),
            date: line.date,
            label: line.label,
            pieceRef: piece,
            pieceDate: line.date,
            currency: line.currency,
            kind: "receipt",
            postedById: input.userId,
            postedAt: input.now,
          },
          [bankLine, customerLine],
        );
        // Conditional: a line posted meanwhile by someone else makes this whole posting fail.
        const { count } = await tx.cashReceiptLine.updateMany({
          where: { id: line.id, organisationId, entryId: null },
          data: { entryId: entry.id, postedById: input.userId },
        });
        if (count !== 1) throw new AlreadyPosted();
      }
    });
  } catch (error) {
    if (error instanceof AlreadyPosted || isUniqueViolation(error)) return { ok: false, error: "journal.errors.alreadyPosted" };
    throw error;
  }
  return { ok: true, entries: lines.length };
}

class AlreadyPosted extends Error {}

/** Validates posted entries: from now on they never change. Answers how many were validated. */
export async function validateEntries(db: Db, input: { organisationId: string; userId: string; entryIds: string[]; now: Date }) {
  if (!input.entryIds.length) return 0;
  const { count } = await db.journalEntry.updateMany({
    where: { organisationId: input.organisationId, id: { in: input.entryIds }, validatedAt: null },
    data: { validatedAt: input.now, validatedById: input.userId },
  });
  return count;
}

/**
 * Reverses an entry by a new one ("contrepassation"): the same lines, debit and credit swapped, dated the
 * day it is made. The receipts it posted come back to the draft journal as new lines, to be posted again
 * correctly. An entry is reversed once.
 */
export async function reverseEntry(db: Db, input: { organisationId: string; userId: string; entryId: string; now: Date }): Promise<PostResult> {
  const original = await db.journalEntry.findFirst({
    where: { id: input.entryId, organisationId: input.organisationId },
    include: { lines: { orderBy: { position: "asc" } }, receiptLines: true, reversal: { select: { id: true } } },
  });
  if (!original) return { ok: false, error: "journal.errors.unknownEntry" };
  if (original.reversal || original.reversesId) return { ok: false, error: "journal.errors.alreadyReversed" };
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: input.organisationId }, select: { locale: true } });
  const t = translator(isLocale(organisation.locale) ? organisation.locale : "fr");
  const day = new Date(Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), input.now.getUTCDate()));
  const label = t("journal.label.reversal", { label: original.label }).slice(0, 200);
  let reversalId: string;
  try {
    const reversal = await db.$transaction((tx) =>
      writeEntry(
        tx,
        {
          organisationId: input.organisationId,
          journalCode: original.journalCode,
          journalLabel: original.journalLabel,
          date: day,
          label,
          pieceRef: original.pieceRef,
          pieceDate: original.pieceDate,
          currency: original.currency,
          kind: "reversal",
          sourceKey: `reversal:${original.id}`,
          reversesId: original.id,
          postedById: input.userId,
          postedAt: input.now,
        },
        original.lines.map((line) => ({ ...line, label, debitMinor: line.creditMinor, creditMinor: line.debitMinor })),
      ),
    );
    reversalId = reversal.id;
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "journal.errors.alreadyReversed" };
    throw error;
  }
  for (const line of original.receiptLines) {
    const { id: _, entryId: __, postedById: ___, notifiedAt: ____, createdAt: _____, ...rest } = line;
    await insertDraftLine(db, {
      ...rest,
      origin: rest.origin as never,
      sourceType: rest.sourceType as never,
      sourceKey: `${line.sourceKey}/again:${reversalId}`,
    });
  }
  return { ok: true, entries: 1 };
}

type SaleDocument = {
  id: string;
  number: string;
  issueDate: Date;
  currency: string;
  totalMinor: number;
  customerId: string;
  customer: { name: string; company: string };
  lines: { vatRateBasisPoints: number; totalMinor: number }[];
};

/** A sale's (or, reversed, a credit note's) lines: customer debit, sales per VAT rate and VAT per rate credit. */
export function saleLines(settings: AccountingSettings, doc: SaleDocument, nature: string, aux: string, label: string, credit: boolean): EntryLineDraft[] {
  const vat = vatOf(doc.lines);
  const salesAccount = nature === "goods" ? settings.salesGoodsAccount : settings.salesServicesAccount;
  const side = (amount: number, debit: boolean) => ({ debitMinor: debit ? amount : 0, creditMinor: debit ? 0 : amount });
  const total = vat.reduce((sum, r) => sum + r.baseMinor + r.vatMinor, 0);
  const lines: EntryLineDraft[] = [
    {
      accountNumber: settings.customerAccount,
      accountLabel: ACCOUNT_LABELS.customers,
      auxNumber: aux,
      auxLabel: doc.customer.company || doc.customer.name,
      label,
      customerId: doc.customerId,
      ...side(total, !credit),
    },
  ];
  for (const rate of vat) {
    if (rate.baseMinor !== 0)
      lines.push({
        accountNumber: salesAccount,
        accountLabel: nature === "goods" ? ACCOUNT_LABELS.goods : ACCOUNT_LABELS.services,
        label,
        ...side(rate.baseMinor, credit),
      });
    if (rate.vatMinor !== 0)
      lines.push({ accountNumber: vatAccountFor(settings, rate.rateBasisPoints), accountLabel: ACCOUNT_LABELS.vat, label, ...side(rate.vatMinor, credit) });
  }
  return lines;
}

/**
 * Posts the sales entries the books lack: one per finalised invoice, one per credit note (keyed by source,
 * so a second run adds nothing), in the sales journal. They wait for validation like the others.
 */
export async function syncSalesEntries(db: Db, organisationId: string, now: Date): Promise<number> {
  const posted = new Set(
    (await db.journalEntry.findMany({ where: { organisationId, kind: { in: ["sale", "credit_note"] } }, select: { sourceKey: true } })).map((e) => e.sourceKey),
  );
  const invoiceFields = {
    id: true,
    number: true,
    issueDate: true,
    currency: true,
    totalMinor: true,
    customerId: true,
    operationNature: true,
    customer: { select: { name: true, company: true } },
    lines: { select: { vatRateBasisPoints: true, totalMinor: true } },
  } as const;
  const invoices = (await db.invoice.findMany({ where: { organisationId, number: { not: null }, status: { not: "draft" } }, select: invoiceFields })).filter(
    (i) => !posted.has(`invoice:${i.id}`),
  );
  const creditNotes = (
    await db.creditNote.findMany({
      where: { organisationId },
      select: {
        id: true,
        number: true,
        issueDate: true,
        currency: true,
        totalMinor: true,
        customerId: true,
        customer: { select: { name: true, company: true } },
        lines: { select: { vatRateBasisPoints: true, totalMinor: true } },
        invoice: { select: { operationNature: true } },
      },
    })
  ).filter((c) => !posted.has(`credit_note:${c.id}`));
  if (!invoices.length && !creditNotes.length) return 0;
  const settings = await getAccountingSettings(db, organisationId);
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { locale: true } });
  const t = translator(isLocale(organisation.locale) ? organisation.locale : "fr");
  const documents = [
    ...invoices.map((doc) => ({ doc: { ...doc, number: doc.number ?? "" }, nature: doc.operationNature, kind: "sale" as const, key: `invoice:${doc.id}` })),
    ...creditNotes.map((doc) => ({ doc, nature: doc.invoice.operationNature, kind: "credit_note" as const, key: `credit_note:${doc.id}` })),
  ].sort((a, b) => a.doc.issueDate.getTime() - b.doc.issueDate.getTime());
  let written = 0;
  for (const { doc, nature, kind, key } of documents) {
    const name = doc.customer.company || doc.customer.name;
    const label = t(kind === "sale" ? "journal.label.invoice" : "journal.label.creditNote", { number: doc.number, name }).slice(0, 200);
    try {
      await db.$transaction(async (tx) => {
        const aux = await customerAuxNumber(tx, organisationId, doc.customerId, settings);
        const lines = saleLines(settings, doc, nature, aux, label, kind === "credit_note");
        await writeEntry(
          tx,
          {
            organisationId,
            journalCode: settings.journalSales,
            journalLabel: journalLabel(settings, settings.journalSales),
            date: doc.issueDate,
            label,
            pieceRef: doc.number,
            pieceDate: doc.issueDate,
            currency: doc.currency,
            kind,
            sourceKey: key,
            postedById: null,
            postedAt: now,
          },
          lines,
        );
      });
      written++;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // written by another run meanwhile
    }
  }
  return written;
}

/** The books' entries (newest first) with their lines. */
export async function listEntries(db: Db, organisationId: string, filter: { state: "posted" | "validated" | "all"; take?: number }) {
  return db.journalEntry.findMany({
    where: {
      organisationId,
      ...(filter.state === "posted" ? { validatedAt: null } : filter.state === "validated" ? { validatedAt: { not: null } } : {}),
    },
    orderBy: [{ date: "desc" }, { journalCode: "asc" }, { number: "desc" }],
    take: filter.take ?? 200,
    include: { lines: { orderBy: { position: "asc" } }, reversal: { select: { id: true } } },
  });
}

/**
 * Recorded payments (issue 14): money a customer paid outside the providers (transfer, cheque, cash),
 * recorded by the merchant, spread over the customer's open invoices, the rest left as credit on the
 * account. Entries are only ever added: a mistake is reversed by a counter-entry that takes back its
 * allocations. The invoices' amounts come from the same derivation as provider payments
 * (`recomputeInvoice`). See docs/decisions/0013-recorded-payments.md.
 */
import { z } from "zod";
import type { Db, Tx } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { CURRENCIES, parseAmountMinor } from "../money";
import { recomputeInvoice } from "../payments";
import { calendarDay, idField, optionalText, requiredText } from "../validation";
import { type AllocationLine, checkAllocation, RECEIPT_METHODS, type ReceiptMethod } from "./allocation";
import { openInvoicesOf, proposeAllocation } from "./open-invoices";
import { type AccountEntries, balancesOf, type Movement, movementsOf } from "./movements";

/** The receipt form's fields as posted; `readReceipt` reads the amounts in the chosen currency. */
export const receiptObject = z.object({
  method: z.enum(RECEIPT_METHODS, { error: "errors.invalid" }),
  receivedOn: calendarDay,
  currency: z.enum(CURRENCIES, { error: "errors.invalid" }),
  amount: requiredText(32),
  reference: optionalText(140),
  allocations: z.preprocess((v) => v ?? [], z.array(z.object({ invoiceId: idField, amount: optionalText(32) })).max(500)),
});
type ReceiptObject = z.output<typeof receiptObject>;

export function readReceipt<T extends ReceiptObject>(value: T, ctx: z.core.$RefinementCtx<T>) {
  const amountMinor = parseAmountMinor(value.amount, value.currency);
  if (amountMinor === null || amountMinor <= 0) {
    ctx.addIssue({ code: "custom", path: ["amount"], message: "receipt.errors.amount" });
    return z.NEVER;
  }
  const allocations: (AllocationLine & { blank: boolean })[] = [];
  for (const [index, line] of value.allocations.entries()) {
    if (!line.amount) {
      allocations.push({ invoiceId: line.invoiceId, amountMinor: 0, blank: true });
      continue;
    }
    const share = parseAmountMinor(line.amount, value.currency);
    if (share === null || share < 0) ctx.addIssue({ code: "custom", path: ["allocations", index, "amount"], message: "receipt.errors.allocationInvalid" });
    allocations.push({ invoiceId: line.invoiceId, amountMinor: share ?? 0, blank: false });
  }
  const { allocations: _posted, ...rest } = value;
  return { ...(rest as Omit<T, "allocations">), amountMinor, allocations };
}

export const receiptFields = receiptObject.transform(readReceipt);
export type ReceiptInput = Pick<z.output<typeof receiptFields>, "receivedOn" | "currency" | "amountMinor" | "reference" | "allocations"> & {
  /** Typed in by hand: one of RECEIPT_METHODS; an own-ICS debit collected from a bank file: direct_debit. */
  method: ReceiptMethod | "direct_debit";
};

export const reversalFields = z.object({ reason: requiredText(500) });

export { openInvoicesOf, proposeAllocation };

export type RecordResult = { ok: true; receiptId: string; creditMinor: number } | { ok: false; error: MessageKey; invoiceId?: string };

/**
 * Records a payment received and its allocation, in one transaction, against the invoices as they are at
 * that moment (a share above what is now due is refused). Blank shares everywhere means "as proposed".
 */
export async function recordReceipt(db: Db, organisationId: string, customerId: string, userId: string, input: ReceiptInput): Promise<RecordResult | null> {
  return db.$transaction((tx) => recordReceiptIn(tx, organisationId, customerId, userId, input));
}

/**
 * Where a receipt comes from when it is not typed in by hand (issue 16): a line of an imported file, or an
 * own-ICS debit collected from a bank file (keyed by its request; its reversal by the return line, if any).
 */
export type ReceiptOrigin = { origin: "import"; importLineId: string } | { origin: "debit_file"; debitRequestId?: string; importLineId?: string };

/** `recordReceipt` inside the caller's transaction (an imported line is recorded with its own status change). */
export async function recordReceiptIn(
  tx: Tx,
  organisationId: string,
  customerId: string,
  userId: string,
  input: ReceiptInput,
  origin?: ReceiptOrigin,
): Promise<RecordResult | null> {
  const customer = await tx.customer.findFirst({ where: { id: customerId, organisationId }, select: { id: true } });
  if (!customer) return null;
  const open = await openInvoicesOf(tx, organisationId, customerId);
  const submitted = input.allocations.every((l) => l.blank)
    ? proposeAllocation(open, input.amountMinor, input.reference, input.currency)
    : input.allocations.map(({ invoiceId, amountMinor }) => ({ invoiceId, amountMinor }));
  const checked = checkAllocation(open, input.amountMinor, input.currency, submitted);
  if (!checked.ok) return checked;
  const receipt = await tx.customerReceipt.create({
    data: {
      organisationId,
      customerId,
      kind: "receipt",
      method: input.method,
      receivedOn: input.receivedOn,
      amountMinor: input.amountMinor,
      currency: input.currency,
      reference: input.reference,
      recordedById: userId,
      ...(origin ?? {}),
      allocations: { create: checked.lines.map((l) => ({ organisationId, invoiceId: l.invoiceId, amountMinor: l.amountMinor, currency: input.currency })) },
    },
    select: { id: true },
  });
  for (const line of checked.lines) await recomputeInvoice(tx, line.invoiceId);
  return { ok: true as const, receiptId: receipt.id, creditMinor: checked.creditMinor };
}

export type ReverseResult = { ok: true; reversalId: string } | { ok: false; error: MessageKey };

/**
 * "Annuler ce règlement": a counter-entry of the same amount, dated the day of the reversal, with its
 * reason, whose allocations take back the receipt's; the invoices are due again. The receipt itself is
 * not touched; a second reversal is refused (one per receipt, by the database).
 */
export async function reverseReceipt(
  db: Db,
  organisationId: string,
  receiptId: string,
  userId: string,
  reason: string,
  today: Date,
): Promise<ReverseResult | null> {
  try {
    return await db.$transaction(async (tx) => {
      // A debit collected from a bank file is taken back by the bank's return (its request fails with it), not by hand here.
      const fromFile = await tx.customerReceipt.findFirst({ where: { id: receiptId, organisationId, debitRequestId: { not: null } }, select: { id: true } });
      if (fromFile) return { ok: false as const, error: "receipt.errors.debitFile" as const };
      return reverseReceiptIn(tx, organisationId, receiptId, userId, reason, today);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "receipt.errors.alreadyReversed" };
    throw error;
  }
}

/** `reverseReceipt` inside the caller's transaction (a bank return line reverses the receipt it names). */
export async function reverseReceiptIn(
  tx: Tx,
  organisationId: string,
  receiptId: string,
  userId: string,
  reason: string,
  today: Date,
  origin?: ReceiptOrigin,
): Promise<ReverseResult | null> {
  const receipt = await tx.customerReceipt.findFirst({
    where: { id: receiptId, organisationId },
    include: { allocations: true, reversal: { select: { id: true } } },
  });
  if (!receipt) return null;
  if (receipt.kind !== "receipt") return { ok: false as const, error: "receipt.errors.notReversible" as const };
  if (receipt.reversal) return { ok: false as const, error: "receipt.errors.alreadyReversed" as const };
  const reversal = await tx.customerReceipt.create({
    data: {
      organisationId,
      customerId: receipt.customerId,
      kind: "reversal",
      method: receipt.method,
      receivedOn: today,
      amountMinor: receipt.amountMinor,
      currency: receipt.currency,
      reference: receipt.reference,
      reason,
      reversesId: receipt.id,
      recordedById: userId,
      ...(origin ?? {}),
      allocations: {
        create: receipt.allocations.map((a) => ({ organisationId, invoiceId: a.invoiceId, amountMinor: -a.amountMinor, currency: a.currency })),
      },
    },
    select: { id: true },
  });
  for (const invoiceId of new Set(receipt.allocations.map((a) => a.invoiceId))) await recomputeInvoice(tx, invoiceId);
  return { ok: true as const, reversalId: reversal.id };
}

/** One receipt of this organisation, with its allocations (and their invoices), its reversal or what it reverses. */
export function getReceipt(db: Db, organisationId: string, receiptId: string) {
  return db.customerReceipt.findFirst({
    where: { id: receiptId, organisationId },
    include: {
      customer: { select: { id: true, name: true } },
      recordedBy: { select: { name: true } },
      allocations: {
        include: { invoice: { select: { id: true, number: true, status: true, amountDueMinor: true, currency: true } } },
        orderBy: { createdAt: "asc" },
      },
      reversal: { select: { id: true, receivedOn: true, reason: true, createdAt: true, recordedBy: { select: { name: true } } } },
      reverses: { select: { id: true, receivedOn: true, amountMinor: true, currency: true } },
    },
  });
}

/** The recorded payments applied to an invoice (for its page): the allocation, the receipt, and whether it was reversed. */
export function allocationsOfInvoice(db: Db, organisationId: string, invoiceId: string) {
  return db.receiptAllocation.findMany({
    where: { organisationId, invoiceId },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      amountMinor: true,
      currency: true,
      receipt: { select: { id: true, kind: true, method: true, receivedOn: true, reference: true, origin: true, reason: true } },
    },
  });
}

/** The entries of these customers' accounts, read once for all of them. */
async function entriesOf(db: Db, organisationId: string, customerIds: string[]): Promise<Map<string, AccountEntries>> {
  const entries = new Map<string, AccountEntries>(customerIds.map((id) => [id, { invoices: [], payments: [], reversals: [], receipts: [], creditNotes: [] }]));
  if (!customerIds.length) return entries;
  const [invoices, payments, receipts, creditNotes] = await Promise.all([
    db.invoice.findMany({
      where: { organisationId, customerId: { in: customerIds }, number: { not: null } },
      select: {
        id: true,
        customerId: true,
        number: true,
        issueDate: true,
        finalisedAt: true,
        totalMinor: true,
        currency: true,
        status: true,
        voidedAt: true,
        createdAt: true,
      },
    }),
    db.payment.findMany({
      where: { organisationId, customerId: { in: customerIds }, confirmedAt: { not: null } },
      select: {
        id: true,
        customerId: true,
        invoiceId: true,
        invoice: { select: { number: true } },
        provider: true,
        providerPaymentId: true,
        method: true,
        amountMinor: true,
        currency: true,
        status: true,
        statusAt: true,
        confirmedAt: true,
        createdAt: true,
      },
    }),
    db.customerReceipt.findMany({
      where: { organisationId, customerId: { in: customerIds } },
      select: { id: true, customerId: true, kind: true, method: true, receivedOn: true, amountMinor: true, currency: true, reference: true, createdAt: true },
    }),
    db.creditNote.findMany({
      where: { organisationId, customerId: { in: customerIds } },
      select: {
        id: true,
        customerId: true,
        number: true,
        invoiceId: true,
        invoice: { select: { number: true } },
        issueDate: true,
        totalMinor: true,
        currency: true,
        createdAt: true,
      },
    }),
  ]);
  const reversals = payments.length
    ? await db.paymentReversal.findMany({
        where: { organisationId, providerPaymentId: { in: [...new Set(payments.map((p) => p.providerPaymentId))] } },
        select: { id: true, provider: true, providerPaymentId: true, kind: true, amountMinor: true, status: true, statusAt: true, createdAt: true },
      })
    : [];
  const customerOfPayment = new Map(payments.map((p) => [`${p.provider}|${p.providerPaymentId}`, p.customerId]));
  for (const { customerId, ...invoice } of invoices) entries.get(customerId)?.invoices.push(invoice);
  for (const { invoice, customerId, ...payment } of payments) entries.get(customerId)?.payments.push({ ...payment, invoiceNumber: invoice?.number ?? null });
  for (const reversal of reversals) {
    const customerId = customerOfPayment.get(`${reversal.provider}|${reversal.providerPaymentId}`);
    if (customerId) entries.get(customerId)?.reversals.push(reversal);
  }
  for (const { customerId, ...receipt } of receipts) entries.get(customerId)?.receipts.push(receipt);
  for (const { customerId, invoice, ...note } of creditNotes) entries.get(customerId)?.creditNotes?.push({ ...note, invoiceNumber: invoice.number });
  return entries;
}

/** A customer's account movements, in order (all currencies). */
export async function accountMovements(db: Db, organisationId: string, customerId: string): Promise<Movement[]> {
  const entries = await entriesOf(db, organisationId, [customerId]);
  return movementsOf(entries.get(customerId)!);
}

/** Each customer's balance per currency, derived from the same movements. */
export async function customerBalances(db: Db, organisationId: string, customerIds: string[]): Promise<Record<string, Record<string, number>>> {
  const entries = await entriesOf(db, organisationId, customerIds);
  return Object.fromEntries([...entries].map(([id, e]) => [id, balancesOf(movementsOf(e))]));
}

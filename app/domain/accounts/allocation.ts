/**
 * How a recorded payment is spread over a customer's open invoices (issue 14). Pure functions: the
 * proposal the form starts from, and the check of what the merchant submits.
 */
import type { MessageKey } from "~/i18n";

/** How a recorded payment was received. */
export const RECEIPT_METHODS = ["transfer", "cheque", "cash", "other"] as const;
export type ReceiptMethod = (typeof RECEIPT_METHODS)[number];

export interface OpenInvoice {
  id: string;
  number: string;
  currency: string;
  issueDate: Date;
  dueDate: Date;
  amountDueMinor: number;
}

export interface AllocationLine {
  invoiceId: string;
  amountMinor: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether the payment's reference names this invoice number as a whole word ("F2026-0001" is not in "F2026-00012"). */
export function referenceNames(reference: string, number: string): boolean {
  if (!number.trim()) return false;
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(number.trim())}(?![\\p{L}\\p{N}])`, "iu").test(reference);
}

const byDue = (a: OpenInvoice, b: OpenInvoice) =>
  a.dueDate.getTime() - b.dueDate.getTime() || a.issueDate.getTime() - b.issueDate.getTime() || a.number.localeCompare(b.number);

/**
 * The proposed allocation: the invoices whose number the reference quotes first, then the oldest due
 * first, each given as much as it is due until the payment is spent. Only invoices in the payment's
 * currency with something due; what is left over stays as credit on the customer's account.
 */
export function proposeAllocation(invoices: OpenInvoice[], amountMinor: number, reference: string, currency: string): AllocationLine[] {
  const candidates = invoices.filter((i) => i.currency === currency && i.amountDueMinor > 0).sort(byDue);
  const named = candidates.filter((i) => referenceNames(reference, i.number));
  const ordered = [...named, ...candidates.filter((i) => !named.includes(i))];
  const lines: AllocationLine[] = [];
  let left = Math.max(0, amountMinor);
  for (const invoice of ordered) {
    if (left <= 0) break;
    const share = Math.min(left, invoice.amountDueMinor);
    lines.push({ invoiceId: invoice.id, amountMinor: share });
    left -= share;
  }
  return lines;
}

export type AllocationCheck = { ok: true; lines: AllocationLine[]; creditMinor: number } | { ok: false; error: MessageKey; invoiceId?: string };

/**
 * What the merchant submitted, checked against the invoices as they are now: each share goes to an open
 * invoice of this customer in the payment's currency, is never more than that invoice's due, and the
 * shares together are never more than the payment. Zero shares are dropped.
 */
export function checkAllocation(invoices: OpenInvoice[], amountMinor: number, currency: string, submitted: AllocationLine[]): AllocationCheck {
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const lines: AllocationLine[] = [];
  const seen = new Set<string>();
  for (const line of submitted) {
    if (!Number.isSafeInteger(line.amountMinor) || line.amountMinor < 0)
      return { ok: false, error: "receipt.errors.allocationInvalid", invoiceId: line.invoiceId };
    if (line.amountMinor === 0) continue;
    const invoice = byId.get(line.invoiceId);
    if (!invoice || seen.has(line.invoiceId)) return { ok: false, error: "receipt.errors.allocationInvoice", invoiceId: line.invoiceId };
    if (invoice.currency !== currency) return { ok: false, error: "receipt.errors.allocationCurrency", invoiceId: line.invoiceId };
    if (line.amountMinor > invoice.amountDueMinor) return { ok: false, error: "receipt.errors.allocationAboveDue", invoiceId: line.invoiceId };
    seen.add(line.invoiceId);
    lines.push(line);
  }
  const allocated = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  if (allocated > amountMinor) return { ok: false, error: "receipt.errors.allocationAboveAmount" };
  return { ok: true, lines, creditMinor: amountMinor - allocated };
}

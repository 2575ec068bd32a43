/** `credited`: wholly cancelled by its credit notes ("Annulée par avoir"). */
export const INVOICE_STATUSES = ["draft", "open", "partially_paid", "paid", "credited", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** States in which money is still expected. */
export const UNPAID_STATUSES: InvoiceStatus[] = ["open", "partially_paid"];

export function isInvoiceStatus(value: unknown): value is InvoiceStatus {
  return typeof value === "string" && (INVOICE_STATUSES as readonly string[]).includes(value);
}

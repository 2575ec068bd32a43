/** The draft journal's vocabulary, shared by the pages (no server code here: the browser loads it too). */

/** Where a draft line comes from: a provider, typed in, an imported bank or kiosk file, an own-ICS debit collected from a bank debit file. */
export const LINE_ORIGINS = ["stripe", "gocardless", "manual", "import", "debit_file"] as const;
export type LineOrigin = (typeof LINE_ORIGINS)[number];

/** How money came in, as the journal sees it; each has its journal code. */
export const RECEIPT_METHODS = ["card", "direct_debit", "transfer", "cheque", "cash", "other"] as const;
export type ReceiptMethod = (typeof RECEIPT_METHODS)[number];
export const asReceiptMethod = (method: string): ReceiptMethod =>
  (RECEIPT_METHODS as readonly string[]).includes(method) ? (method as ReceiptMethod) : "other";

/** The notification telling the same person that own-ICS debits are ready for a bank debit file. */
export const DEBITS_READY_NOTICE_KIND = "debits_ready";

/** The notification telling the validator that lines arrived. */
export const JOURNAL_NOTICE_KIND = "journal_lines";

/** The notification telling the same person that someone imported a payment file (its lines wait for them). */
export const IMPORT_NOTICE_KIND = "import_file";

/** A debit request's statuses (shared with the pages: no server code here). */
export const DEBIT_STATUSES = ["scheduled", "notified", "submitted", "paid", "failed", "cancelled"] as const;
export type DebitStatus = (typeof DEBIT_STATUSES)[number];
/** Not collected yet, and still to be: what the customer and the merchant see as upcoming. */
export const UPCOMING: DebitStatus[] = ["scheduled", "notified", "submitted"];

/** A debit request's statuses (shared with the pages: no server code here). */
export const DEBIT_STATUSES = ["scheduled", "notified", "submitted", "paid", "failed", "cancelled"] as const;
export type DebitStatus = (typeof DEBIT_STATUSES)[number];
/** Not collected yet, and still to be: what the customer and the merchant see as upcoming. */
export const UPCOMING: DebitStatus[] = ["scheduled", "notified", "submitted"];
/** The SEPA reason codes a bank gives for a reject or a return (R-transactions) that a merchant meets most. */
export const RETURN_REASONS = ["AM04", "AC04", "AC06", "AC01", "MD01", "MD06", "MS02", "MS03", "AG01", "SL01"] as const;

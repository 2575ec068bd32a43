import type { MessageKey } from "~/i18n";

/** A debit request's statuses (shared with the pages: no server code here). */
export const DEBIT_STATUSES = ["scheduled", "notified", "submitted", "paid", "failed", "cancelled"] as const;
export type DebitStatus = (typeof DEBIT_STATUSES)[number];
/** Not collected yet, and still to be: what the customer and the merchant see as upcoming. */
export const UPCOMING: DebitStatus[] = ["scheduled", "notified", "submitted"];
/** The SEPA reason codes a bank gives for a reject or a return (R-transactions) that a merchant meets most. */
export const RETURN_REASONS = ["AM04", "AC04", "AC06", "AC01", "MD01", "MD06", "MS02", "MS03", "AG01", "SL01"] as const;

/** "AM04 — provision insuffisante": a known reason code with its meaning; anything else (a provider's reason) as given. */
export function returnReasonText(t: (key: MessageKey) => string, reason: string) {
  return (RETURN_REASONS as readonly string[]).includes(reason)
    ? `${reason} — ${t(`debitReturn.reason.${reason as (typeof RETURN_REASONS)[number]}`)}`
    : reason;
}

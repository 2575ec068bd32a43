/**
 * How much of a provider payment each invoice counts (issue 14). A payment made for one invoice counts
 * there; a payment made for the customer's balance counts only through its shares (PaymentAllocation
 * rows), and so does the part of an overpayment moved to a later invoice. Shares are only ever added:
 * what a payment brings is its confirmed amount less its counted refunds and lost disputes, and that
 * fills its own invoice's part first, then its shares in the order they were made. A payment that fails
 * or is charged back brings nothing, so every invoice it was spread over is due again; a refund takes
 * from the credit left first, then from the latest share. Pure functions.
 */

export interface PaymentForShares {
  invoiceId: string | null;
  status: string;
  amountMinor: number;
  refundedMinor: number;
  disputedMinor: number;
}

export interface Share {
  id: string;
  invoiceId: string;
  amountMinor: number;
}

/** What the payment brings to the account now. */
export function broughtBy(payment: PaymentForShares): number {
  return payment.status === "confirmed" ? Math.max(0, payment.amountMinor - payment.refundedMinor - payment.disputedMinor) : 0;
}

export interface CountedShares {
  /** The part counted on the payment's own invoice (0 for a balance payment). */
  ownMinor: number;
  /** Each share's counted part, by share id. */
  shares: Map<string, number>;
  /** Brought and applied to no invoice: credit on the customer's account. */
  unappliedMinor: number;
}

/** `shares` in the order they were made. */
export function countShares(payment: PaymentForShares, shares: Share[]): CountedShares {
  let left = broughtBy(payment);
  const movedAway = shares.reduce((sum, s) => sum + s.amountMinor, 0);
  // An invoice payment keeps what was not moved to later invoices; a balance payment has no invoice of its own.
  const ownCap = payment.invoiceId ? Math.max(0, payment.amountMinor - movedAway) : 0;
  const ownMinor = Math.min(left, ownCap);
  left -= ownMinor;
  const counted = new Map<string, number>();
  for (const share of shares) {
    const part = Math.min(left, share.amountMinor);
    counted.set(share.id, part);
    left -= part;
  }
  return { ownMinor, shares: counted, unappliedMinor: payment.invoiceId ? 0 : left };
}

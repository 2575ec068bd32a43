/**
 * A customer's account, derived (issue 14): every movement comes from an entry kept elsewhere (a finalised
 * invoice, a provider payment and its refunds and disputes, a recorded payment and its reversal), and the
 * balance is their sum. Nothing here is stored. Positive amounts are owed by the customer, negative ones
 * are money received (a negative balance is credit on the account). Pure functions.
 */

export type MovementKind =
  | "invoice" // a finalised invoice: owed
  | "invoice_void" // the invoice voided: no longer owed
  | "payment" // an online payment confirmed by its provider
  | "payment_failed" // a confirmed payment that failed afterwards (a late debit failure)
  | "chargeback" // a confirmed debit charged back
  | "refund" // a refund that succeeded
  | "dispute" // a card dispute lost
  | "receipt" // a payment recorded by the merchant
  | "receipt_reversal" // the counter-entry of a recorded payment
  | "credit_note"; // a credit note (facture d'avoir): no longer owed

/** The movements of a provider payment: about one invoice, or about the account for a balance payment. */
export const PAYMENT_MOVEMENT_KINDS = ["payment", "payment_failed", "chargeback", "refund", "dispute"] as const satisfies readonly MovementKind[];

export interface Movement {
  /** The day (or time) of the entry; movements are in this order, then by `seq`. */
  date: Date;
  kind: MovementKind;
  currency: string;
  amountMinor: number;
  /** A stable tie-break among movements of the same time (the entry's creation time and id). */
  seq: string;
  invoiceId?: string;
  invoiceNumber?: string;
  receiptId?: string;
  creditNoteId?: string;
  creditNoteNumber?: string;
  method?: string;
  reference?: string;
}

export type MovementWithBalance = Movement & { balanceMinor: number };

export function sortMovements<M extends Movement>(movements: M[]): M[] {
  return [...movements].sort((a, b) => a.date.getTime() - b.date.getTime() || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}

/** The movements of one currency in order, each with the balance after it, starting from `opening`. */
export function withRunningBalance(movements: Movement[], currency: string, opening = 0): MovementWithBalance[] {
  let balance = opening;
  return sortMovements(movements.filter((m) => m.currency === currency)).map((m) => {
    balance += m.amountMinor;
    return { ...m, balanceMinor: balance };
  });
}

/** The balance per currency (only currencies with movements). */
export function balancesOf(movements: Movement[]): Record<string, number> {
  const balances: Record<string, number> = {};
  for (const m of movements) balances[m.currency] = (balances[m.currency] ?? 0) + m.amountMinor;
  return balances;
}

export interface Statement {
  currency: string;
  from: Date;
  to: Date;
  carriedForwardMinor: number;
  movements: MovementWithBalance[];
  closingMinor: number;
}

const DAY = 86_400_000;

/**
 * The account statement for the calendar days from `from` to `to` (both included, UTC): the balance
 * carried forward from before `from`, the movements of the period with the running balance, and the
 * closing balance. By construction carried forward + movements = closing, and the closing balance of one
 * period is the carried-forward balance of the next.
 */
export function statementOf(movements: Movement[], currency: string, from: Date, to: Date): Statement {
  const start = from.getTime();
  const end = to.getTime() + DAY;
  const own = movements.filter((m) => m.currency === currency);
  const carriedForwardMinor = own.filter((m) => m.date.getTime() < start).reduce((sum, m) => sum + m.amountMinor, 0);
  const period = withRunningBalance(
    own.filter((m) => m.date.getTime() >= start && m.date.getTime() < end),
    currency,
    carriedForwardMinor,
  );
  return { currency, from, to, carriedForwardMinor, movements: period, closingMinor: period.at(-1)?.balanceMinor ?? carriedForwardMinor };
}

/** What the entries are read as: the shapes the account is derived from. */
export interface AccountEntries {
  invoices: {
    id: string;
    number: string | null;
    issueDate: Date;
    finalisedAt: Date | null;
    totalMinor: number;
    currency: string;
    status: string;
    voidedAt: Date | null;
    createdAt: Date;
  }[];
  payments: {
    id: string;
    invoiceId: string | null;
    invoiceNumber: string | null;
    provider: string;
    providerPaymentId: string;
    method: string;
    amountMinor: number;
    currency: string;
    status: string;
    statusAt: Date | null;
    confirmedAt: Date | null;
    createdAt: Date;
  }[];
  reversals: { id: string; provider: string; providerPaymentId: string; kind: string; amountMinor: number; status: string; statusAt: Date; createdAt: Date }[];
  receipts: { id: string; kind: string; method: string; receivedOn: Date; amountMinor: number; currency: string; reference: string; createdAt: Date }[];
  /** Absent where a caller does not read them (older callers): no credit notes. */
  creditNotes?: {
    id: string;
    number: string;
    invoiceId: string;
    invoiceNumber: string | null;
    issueDate: Date;
    totalMinor: number;
    currency: string;
    createdAt: Date;
  }[];
}

const seqOf = (createdAt: Date, id: string, suffix = "") => `${createdAt.toISOString()}|${id}${suffix}`;

/**
 * The movements of an account from its entries. Provider payments count as the ledger counts them
 * (app/domain/payments.ts): a confirmed payment less its succeeded refunds and lost disputes (each capped
 * at what is left of the payment); a payment confirmed and later failed or charged back shows both.
 */
export function movementsOf(entries: AccountEntries): Movement[] {
  const movements: Movement[] = [];
  for (const invoice of entries.invoices) {
    if (invoice.status === "draft" || !invoice.finalisedAt || !invoice.number) continue;
    const base = { currency: invoice.currency, invoiceId: invoice.id, invoiceNumber: invoice.number };
    movements.push({ ...base, date: invoice.issueDate, kind: "invoice", amountMinor: invoice.totalMinor, seq: seqOf(invoice.finalisedAt, invoice.id) });
    if (invoice.status === "void" && invoice.voidedAt) {
      movements.push({
        ...base,
        date: invoice.voidedAt,
        kind: "invoice_void",
        amountMinor: -invoice.totalMinor,
        seq: seqOf(invoice.voidedAt, invoice.id, "v"),
      });
    }
  }
  for (const payment of entries.payments) {
    if (!payment.confirmedAt) continue;
    const base = {
      currency: payment.currency,
      invoiceId: payment.invoiceId ?? undefined,
      invoiceNumber: payment.invoiceNumber ?? undefined,
      method: payment.method,
    };
    movements.push({ ...base, date: payment.confirmedAt, kind: "payment", amountMinor: -payment.amountMinor, seq: seqOf(payment.createdAt, payment.id) });
    if (payment.status !== "confirmed") {
      const at = payment.statusAt ?? payment.confirmedAt;
      const kind = payment.status === "charged_back" ? "chargeback" : "payment_failed";
      movements.push({ ...base, date: at, kind, amountMinor: payment.amountMinor, seq: seqOf(at, payment.id, "x") });
      continue;
    }
    const counted = entries.reversals
      .filter((r) => r.provider === payment.provider && r.providerPaymentId === payment.providerPaymentId)
      .filter((r) => (r.kind === "refund" && r.status === "succeeded") || (r.kind === "dispute" && r.status === "lost"))
      // The ledger caps refunds first, then disputes, at what is left of the payment.
      .sort((a, b) => (a.kind === b.kind ? a.statusAt.getTime() - b.statusAt.getTime() : a.kind === "refund" ? -1 : 1));
    let left = payment.amountMinor;
    for (const reversal of counted) {
      const amount = Math.min(reversal.amountMinor, left);
      if (amount <= 0) continue;
      left -= amount;
      movements.push({
        ...base,
        date: reversal.statusAt,
        kind: reversal.kind === "refund" ? "refund" : "dispute",
        amountMinor: amount,
        seq: seqOf(reversal.createdAt, reversal.id),
      });
    }
  }
  for (const receipt of entries.receipts) {
    const reversal = receipt.kind === "reversal";
    movements.push({
      date: receipt.receivedOn,
      kind: reversal ? "receipt_reversal" : "receipt",
      currency: receipt.currency,
      amountMinor: reversal ? receipt.amountMinor : -receipt.amountMinor,
      seq: seqOf(receipt.createdAt, receipt.id),
      receiptId: receipt.id,
      method: receipt.method,
      reference: receipt.reference,
    });
  }
  for (const note of entries.creditNotes ?? []) {
    movements.push({
      date: note.issueDate,
      kind: "credit_note",
      currency: note.currency,
      amountMinor: -note.totalMinor,
      seq: seqOf(note.createdAt, note.id),
      creditNoteId: note.id,
      creditNoteNumber: note.number,
      invoiceId: note.invoiceId,
      invoiceNumber: note.invoiceNumber ?? undefined,
    });
  }
  return sortMovements(movements);
}

/**
 * What a customer sees of their own account in the customer space (issue 14). Every query takes the
 * organisation and the customer from the session (never from the request), so a customer only ever
 * reads their own account at that merchant.
 */
import type { Db } from "~/lib/db.server";
import { balancesOf, type Movement } from "../accounts/movements";
import { accountMovements } from "../accounts/receipts";
import { displayIban } from "../identifiers";

/** The customer space's owner: what its pages show of the merchant; null for an unknown id. */
export function spaceOrganisation(db: Db, organisationId: string) {
  if (organisationId.length > 40) return Promise.resolve(null);
  return db.organisation.findUnique({
    where: { id: organisationId },
    select: {
      id: true,
      legalName: true,
      addressLine1: true,
      addressLine2: true,
      postalCode: true,
      city: true,
      country: true,
      iban: true,
      bic: true,
      locale: true,
    },
  });
}

/**
 * The reference a customer quotes on a bank transfer so the merchant can tell whose it is: the
 * merchant's own reference for the customer when it has one, else one made from the customer's id
 * (stable, never stored apart). See docs/decisions/0015.
 */
export function accountReference(customer: { id: string; reference: string }): string {
  return customer.reference.trim() || `C-${customer.id.slice(-8).toUpperCase()}`;
}

export interface Overview {
  balances: { currency: string; balanceMinor: number }[];
  /** Money on its way (a debit submitted, a card payment not yet confirmed): not yet on the account. */
  inProgress: { id: string; amountMinor: number; currency: string; method: string; invoiceNumber: string | null; startedAt: Date }[];
  somethingDue: boolean;
}

export async function overviewOf(db: Db, organisationId: string, customerId: string): Promise<Overview & { movements: Movement[] }> {
  const [movements, processing] = await Promise.all([
    accountMovements(db, organisationId, customerId),
    db.payment.findMany({
      where: { organisationId, status: "processing", customerId },
      select: { id: true, amountMinor: true, currency: true, method: true, createdAt: true, invoice: { select: { number: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const balances = Object.entries(balancesOf(movements)).map(([currency, balanceMinor]) => ({ currency, balanceMinor }));
  return {
    movements,
    balances,
    inProgress: processing.map((p) => ({
      id: p.id,
      amountMinor: p.amountMinor,
      currency: p.currency,
      method: p.method,
      invoiceNumber: p.invoice?.number ?? null,
      startedAt: p.createdAt,
    })),
    // Money on its way is not asked for twice: "Payer votre solde" shows when something is left once it arrives.
    somethingDue: balances.some((b) => b.balanceMinor - processing.filter((p) => p.currency === b.currency).reduce((sum, p) => sum + p.amountMinor, 0) > 0),
  };
}

/** The customer's invoices, finalised only (a draft is the merchant's business), newest first. */
export function invoicesOf(db: Db, organisationId: string, customerId: string) {
  return db.invoice.findMany({
    where: { organisationId, customerId, number: { not: null }, status: { not: "draft" } },
    select: { id: true, number: true, status: true, issueDate: true, dueDate: true, currency: true, totalMinor: true, amountDueMinor: true },
    orderBy: [{ issueDate: "desc" }, { sequence: "desc" }],
  });
}

/** One of the customer's own finalised invoices, with what its PDF needs; null for anyone else's. */
export function ownInvoice(db: Db, organisationId: string, customerId: string, invoiceId: string) {
  if (invoiceId.length > 40) return Promise.resolve(null);
  return db.invoice.findFirst({
    where: { id: invoiceId, organisationId, customerId, number: { not: null }, status: { not: "draft" } },
    include: { lines: { orderBy: { position: "asc" } }, customer: true, organisation: true },
  });
}

export type PaymentRow = {
  id: string;
  /** online: through a provider; recorded: by the merchant (transfer, cheque…); reversal: a recorded payment taken back. */
  source: "online" | "recorded" | "reversal";
  date: Date;
  amountMinor: number;
  currency: string;
  method: string;
  /** online: processing | confirmed | failed | charged_back; recorded and reversals: confirmed. */
  status: string;
  /** The invoices it settles (a balance payment or a transfer can settle several). */
  invoiceNumbers: string[];
  reference: string;
};

const numbersOf = (invoices: ({ number: string | null } | null)[]) => [...new Set(invoices.map((i) => i?.number).filter((n): n is string => Boolean(n)))];

/** Every payment the customer made or that was recorded for them, and where it stands, newest first. */
export async function paymentsOf(db: Db, organisationId: string, customerId: string): Promise<PaymentRow[]> {
  const [online, recorded] = await Promise.all([
    db.payment.findMany({
      where: { organisationId, customerId },
      select: {
        id: true,
        createdAt: true,
        confirmedAt: true,
        amountMinor: true,
        currency: true,
        method: true,
        status: true,
        invoice: { select: { number: true } },
        allocations: { select: { invoice: { select: { number: true } } } },
      },
    }),
    db.customerReceipt.findMany({
      where: { organisationId, customerId },
      select: {
        id: true,
        kind: true,
        receivedOn: true,
        amountMinor: true,
        currency: true,
        method: true,
        reference: true,
        allocations: { select: { invoice: { select: { number: true } } } },
      },
    }),
  ]);
  const rows: PaymentRow[] = [
    ...online.map((p) => ({
      id: p.id,
      source: "online" as const,
      date: p.confirmedAt ?? p.createdAt,
      amountMinor: p.amountMinor,
      currency: p.currency,
      method: p.method,
      status: p.status,
      invoiceNumbers: numbersOf([p.invoice, ...p.allocations.map((a) => a.invoice)]),
      reference: "",
    })),
    ...recorded.map((r) => ({
      id: r.id,
      source: r.kind === "reversal" ? ("reversal" as const) : ("recorded" as const),
      date: r.receivedOn,
      amountMinor: r.amountMinor,
      currency: r.currency,
      method: r.method,
      status: "confirmed",
      invoiceNumbers: numbersOf(r.allocations.map((a) => a.invoice)),
      reference: r.reference,
    })),
  ];
  return rows.sort((a, b) => b.date.getTime() - a.date.getTime());
}

/** The merchant's bank details for a transfer, as configured in its settings; null when none. */
export function bankDetailsOf(organisation: { iban: string; bic: string }) {
  return organisation.iban ? { iban: displayIban(organisation.iban), bic: organisation.bic } : null;
}

/**
 * "Payer votre solde" (issue 14): what the customer can pay on their account, per currency, and the
 * amount they ask to pay. The payment itself goes through the invoice checkout (../checkout.ts) with the
 * customer as payer; once collected it is spread over the invoices due, oldest first (../payments.ts).
 */
import type { Db } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { parseAmountMinor } from "../money";
import { customerBalances } from "./receipts";

export interface AccountToPay {
  currency: string;
  /** What the customer owes, from the account's movements. */
  balanceMinor: number;
  /** Payments on their way (debits submitted, card payments processing). */
  inFlightMinor: number;
  /** What is left to pay once they arrive: the button shows only when this is positive. */
  toPayMinor: number;
}

export async function accountToPay(db: Db, organisationId: string, customerId: string): Promise<AccountToPay[]> {
  const [balances, inFlight] = await Promise.all([
    customerBalances(db, organisationId, [customerId]),
    db.payment.groupBy({ by: ["currency"], where: { organisationId, customerId, status: "processing" }, _sum: { amountMinor: true } }),
  ]);
  const balance = balances[customerId] ?? {};
  const currencies = new Set([...Object.keys(balance), ...inFlight.map((p) => p.currency)]);
  return [...currencies].sort().map((currency) => {
    const balanceMinor = balance[currency] ?? 0;
    const inFlightMinor = inFlight.find((p) => p.currency === currency)?._sum.amountMinor ?? 0;
    return { currency, balanceMinor, inFlightMinor, toPayMinor: Math.max(0, balanceMinor - inFlightMinor) };
  });
}

export type BalanceAmount = { ok: true; amountMinor: number } | { ok: false; error: MessageKey; field: "amount" | "confirmAbove" };

/**
 * The amount defaults to what is left to pay and can be lowered; more than that is taken only once the
 * customer confirms it (the rest stays as credit on their account).
 */
export function balanceAmount(input: string | undefined, toPay: AccountToPay, confirmAbove: boolean): BalanceAmount {
  let amountMinor = toPay.toPayMinor;
  if (input?.trim()) {
    const parsed = parseAmountMinor(input, toPay.currency);
    if (parsed === null) return { ok: false, error: "errors.amount", field: "amount" };
    amountMinor = parsed;
  }
  if (amountMinor <= 0) return { ok: false, error: "checkout.errors.amountPositive", field: "amount" };
  if (amountMinor > toPay.toPayMinor && !confirmAbove) return { ok: false, error: "balance.errors.aboveBalance", field: "confirmAbove" };
  return { ok: true, amountMinor };
}

/**
 * What a signed mandate sets going (issue 15, docs/decisions/0020-automatic-debit.md):
 * - own-ICS, one-off: the amount signed for is one debit (OOFF) for the file;
 * - own-ICS, recurrent: the invoices due now are collected automatically (like those finalised later), or
 *   the balance is spread over three monthly debits when the customer chose it;
 * - GoCardless: GoCardless's flow ends in collectAfterMandate (../webhooks/handlers.ts), which collects what
 *   the checkout asked for, or creates GoCardless's instalment schedule when the balance is spread.
 */
import type { Db, Tx } from "~/lib/db.server";
import { openInvoicesOf } from "../accounts/open-invoices";
import { splitInstalments } from "../mandates/instalments";
import { type CreditorKind, earliestCollection, nextBusinessDay, noticeDaysOf } from "./calendar";
import { queueDebitNotice } from "./notices";
import { createInstalmentRequests, parisToday, plannedMinor, scheduleInvoiceDebit, scheduleOneOffDebit } from "./service";

type Reader = Db | Tx;

/** The only spread offered: three collections a month apart (seeds 000 and 001). */
export const SPREAD_COUNT = 3;

/** What the customer owes now, in euros, less what is already on its way: the amount a spread would collect. */
export async function spreadableBalance(db: Reader, organisationId: string, customerId: string) {
  const open = await openInvoicesOf(db, organisationId, customerId, true);
  const due = open.filter((i) => i.currency === "EUR").reduce((sum, i) => sum + i.amountDueMinor, 0);
  // Less what automatic debits already planned will collect.
  return Math.max(0, due - (await plannedMinor(db, organisationId, customerId)));
}

/**
 * The balance in three collections a month apart, adding up to it to the cent (splitInstalments), each on a
 * business day, the first at the earliest date the notice and the creditor allow.
 */
export function spreadPlan(totalMinor: number, today: Date, creditor: CreditorKind, noticeDays: number) {
  if (totalMinor <= 0) return [];
  const first = earliestCollection(today, creditor, noticeDays);
  return splitInstalments(totalMinor, first, SPREAD_COUNT).map((c) => ({ date: nextBusinessDay(c.date), amountMinor: c.amountMinor }));
}

/** The plan shown before signing (and re-made identically when the mandate is signed the same day). */
export async function previewSpread(db: Reader, organisation: { id: string; debitNoticeDays: number }, customerId: string, creditor: CreditorKind, now: Date) {
  const totalMinor = await spreadableBalance(db, organisation.id, customerId);
  return { totalMinor, currency: "EUR", collections: spreadPlan(totalMinor, parisToday(now), creditor, noticeDaysOf(organisation)) };
}

type SignedMandate = {
  id: string;
  organisationId: string;
  customerId: string;
  invoiceId: string | null;
  type: string;
  creditorKind: string;
  creditorIdentifier: string;
  creditorSnapshot: string;
  reference: string;
  ibanMasked: string;
  email: string;
  locale: string;
  amountMinor: number | null;
  currency: string;
  spreadOver: number;
};

/** Own-ICS mandate just signed (inside signMandate's transaction): what it must debit. */
export async function planAfterOwnIcsSigning(tx: Tx, mandate: SignedMandate, now: Date) {
  if (mandate.creditorKind !== "own_ics") return;
  if (mandate.type === "one_off") {
    await scheduleOneOffDebit(tx, mandate, now);
    return;
  }
  if (mandate.spreadOver > 0) {
    await spreadBalance(tx, mandate, now);
    return;
  }
  for (const invoice of await openInvoicesOf(tx, mandate.organisationId, mandate.customerId, true)) {
    await scheduleInvoiceDebit(tx, { organisationId: mandate.organisationId, invoiceId: invoice.id, mandate, note: "recurrent mandate signed" }, now);
  }
}

/**
 * Spreads what the customer owes now over three monthly debits on the mandate, and sends the schedule as
 * the pre-notification. GoCardless: the schedule was created at GoCardless first (its id and payments are
 * recorded on the requests). Nothing when nothing is due.
 */
export async function spreadBalance(
  tx: Tx,
  mandate: SignedMandate,
  now: Date,
  gocardless?: { scheduleId: string; paymentIds: string[]; collections: { date: Date; amountMinor: number }[] },
) {
  let collections = gocardless?.collections;
  if (!collections) {
    const organisation = await tx.organisation.findUniqueOrThrow({ where: { id: mandate.organisationId }, select: { id: true, debitNoticeDays: true } });
    collections = (await previewSpread(tx, organisation, mandate.customerId, mandate.creditorKind as CreditorKind, now)).collections;
  }
  if (!collections.length) return [];
  const requests = await createInstalmentRequests(
    tx,
    mandate,
    { collections, currency: "EUR", providerScheduleId: gocardless?.scheduleId, providerPaymentIds: gocardless?.paymentIds },
    now,
  );
  await queueDebitNotice(tx, mandate, requests, `debit-schedule/${mandate.id}`);
  return requests;
}

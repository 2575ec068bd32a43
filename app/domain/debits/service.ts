/**
 * What must be debited on customers' SEPA mandates (issue 15, docs/decisions/0020-automatic-debit.md).
 *
 * A DebitRequest is planned when an invoice is finalised for a customer with a live recurrent mandate
 * (inside the finalising transaction: exactly once), when an own-ICS mandate is signed (its one-off amount,
 * or the invoices due), or when a balance is spread over monthly collections. The nightly job
 * (./job.ts) sends the pre-notifications and creates GoCardless's payments; own-ICS requests wait for the
 * bank debit file (the journal's: `debitsForFile`, `markDebitsInFile`). Every status a request reaches is
 * written in DebitRequestEvent (insert-only); the request row carries the current one.
 */
import { decryptSecret } from "~/lib/crypto.server";
import { type Db, type Tx, modelRow } from "~/lib/db.server";
import { type DebitStatus, UPCOMING } from "./statuses";
import { collectionPlan, type CreditorKind, noticeDaysOf, parisDay } from "./calendar";

export { DEBIT_STATUSES, type DebitStatus, UPCOMING } from "./statuses";
/** Not handed to GoCardless or put in a debit file yet: can still move to another mandate, or be cancelled. */
const NOT_SUBMITTED: DebitStatus[] = ["scheduled", "notified"];

type DbOrTx = Db | Tx;

/** The customer's live recurrent mandate: signed and active (or, at GoCardless, set up and waiting for its first debit). */
export async function liveRecurrentMandate(db: DbOrTx, organisationId: string, customerId: string) {
  // The query builder: read on every consultation page (docs/decisions/0023).
  const row = await db.$qb
    .selectFrom("Mandate")
    .selectAll()
    .where("organisationId", "=", organisationId)
    .where("customerId", "=", customerId)
    .where("type", "=", "recurrent")
    .where((eb) => eb.or([eb("status", "=", "active"), eb.and([eb("status", "=", "pending"), eb("providerMandateId", "is not", null)])]))
    .orderBy("createdAt", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? modelRow("Mandate", row) : null;
}

export async function recordDebitEvent(
  tx: DbOrTx,
  request: { id: string; organisationId: string },
  fromStatus: string | null,
  status: string,
  at: Date,
  note = "",
) {
  await tx.debitRequestEvent.create({ data: { organisationId: request.organisationId, debitRequestId: request.id, fromStatus, status, note, at } });
}

/**
 * Moves a request from one of `from` to `status`, only if it is still there (a conditional update: two
 * runs cannot both move it), and writes the history. True when this call moved it.
 */
export async function moveDebit(
  tx: DbOrTx,
  request: { id: string; organisationId: string; status: string },
  status: DebitStatus,
  at: Date,
  options: { from?: string[]; note?: string; data?: Record<string, unknown> } = {},
) {
  const from = options.from ?? [request.status];
  const moved = await tx.debitRequest.updateMany({
    where: { id: request.id, organisationId: request.organisationId, status: { in: from } },
    data: { status, statusAt: at, ...(options.data ?? {}) },
  });
  if (!moved.count) return false;
  await recordDebitEvent(tx, request, request.status, status, at, options.note);
  return true;
}

/** SEPA sequence type for an own-ICS debit: OOFF on a one-off mandate; FRST for a recurrent mandate's first, then RCUR. */
async function sequenceTypeFor(tx: DbOrTx, mandate: { id: string; type: string; creditorKind: string }) {
  if (mandate.creditorKind !== "own_ics") return "";
  if (mandate.type === "one_off") return "OOFF";
  const earlier = await tx.debitRequest.count({ where: { mandateId: mandate.id, status: { not: "cancelled" } } });
  return earlier ? "RCUR" : "FRST";
}

type MandateForDebit = { id: string; organisationId: string; customerId: string; type: string; creditorKind: string };

async function createRequest(
  tx: Tx,
  mandate: MandateForDebit,
  input: {
    kind: "invoice" | "instalment";
    dedupeKey: string;
    invoiceId: string | null;
    amountMinor: number;
    currency: string;
    collectionDate: Date;
    notifyOn: Date;
    status?: DebitStatus;
    instalment?: { number: number; count: number };
    providerScheduleId?: string;
    note?: string;
  },
  now: Date,
) {
  const existing = await tx.debitRequest.findUnique({
    where: { organisationId_dedupeKey: { organisationId: mandate.organisationId, dedupeKey: input.dedupeKey } },
  });
  if (existing) return null;
  const status = input.status ?? "scheduled";
  const request = await tx.debitRequest.create({
    data: {
      organisationId: mandate.organisationId,
      customerId: mandate.customerId,
      mandateId: mandate.id,
      invoiceId: input.invoiceId,
      kind: input.kind,
      dedupeKey: input.dedupeKey,
      creditorKind: mandate.creditorKind,
      amountMinor: input.amountMinor,
      currency: input.currency,
      collectionDate: input.collectionDate,
      notifyOn: input.notifyOn,
      sequenceType: await sequenceTypeFor(tx, mandate),
      status,
      statusAt: now,
      notifiedAt: status === "scheduled" ? null : now,
      submittedAt: status === "submitted" ? now : null,
      providerScheduleId: input.providerScheduleId ?? null,
      instalmentNumber: input.instalment?.number ?? null,
      instalmentCount: input.instalment?.count ?? null,
    },
  });
  await recordDebitEvent(tx, request, null, status, now, input.note ?? "");
  return request;
}

/**
 * An invoice of a customer in automatic debit: what is left to pay on it is collected at its due date, or at
 * the earliest date the notice and the creditor allow. Nothing when the customer has no live recurrent
 * mandate, the invoice is not in euros, nothing is due, or a request for it exists already.
 */
export async function scheduleInvoiceDebit(
  tx: Tx,
  input: { organisationId: string; invoiceId: string; mandate?: MandateForDebit | null; note?: string },
  now: Date,
) {
  const invoice = await tx.invoice.findFirst({
    where: { id: input.invoiceId, organisationId: input.organisationId },
    select: {
      id: true,
      customerId: true,
      currency: true,
      dueDate: true,
      status: true,
      amountDueMinor: true,
      organisation: { select: { debitNoticeDays: true } },
    },
  });
  if (invoice?.currency !== "EUR" || invoice.amountDueMinor <= 0 || !["open", "partially_paid"].includes(invoice.status)) return null;
  const mandate = input.mandate ?? (await liveRecurrentMandate(tx, input.organisationId, invoice.customerId));
  if (!mandate) return null;
  const plan = collectionPlan({
    dueDate: invoice.dueDate,
    today: parisToday(now),
    creditor: mandate.creditorKind as CreditorKind,
    noticeDays: noticeDaysOf(invoice.organisation),
  });
  return createRequest(
    tx,
    mandate,
    {
      kind: "invoice",
      dedupeKey: `invoice/${invoice.id}`,
      invoiceId: invoice.id,
      amountMinor: invoice.amountDueMinor,
      currency: invoice.currency,
      ...plan,
      note: input.note,
    },
    now,
  );
}

/** Own-ICS one-off mandate signed from an invoice: its amount is what must be debited, once. */
export async function scheduleOneOffDebit(
  tx: Tx,
  mandate: MandateForDebit & { invoiceId: string | null; amountMinor: number | null; currency: string },
  now: Date,
) {
  if (!mandate.invoiceId || !mandate.amountMinor) return null;
  // What an earlier mandate's debit (moved to this one when it was replaced) already collects is not asked twice.
  const amountMinor = mandate.amountMinor - (await plannedMinor(tx, mandate.organisationId, mandate.customerId, mandate.invoiceId));
  if (amountMinor <= 0) return null;
  const organisation = await tx.organisation.findUniqueOrThrow({ where: { id: mandate.organisationId }, select: { debitNoticeDays: true } });
  const plan = collectionPlan({ dueDate: parisToday(now), today: parisToday(now), creditor: "own_ics", noticeDays: noticeDaysOf(organisation) });
  return createRequest(
    tx,
    mandate,
    {
      kind: "invoice",
      dedupeKey: `invoice/${mandate.invoiceId}/mandate/${mandate.id}`,
      invoiceId: mandate.invoiceId,
      amountMinor,
      currency: mandate.currency,
      ...plan,
      note: "one-off mandate signed",
    },
    now,
  );
}

/** A spread balance: the instalment requests, already notified (the schedule itself is the pre-notification, sent with them). */
export async function createInstalmentRequests(
  tx: Tx,
  mandate: MandateForDebit,
  input: { collections: { date: Date; amountMinor: number }[]; currency: string; providerScheduleId?: string; providerPaymentIds?: string[] },
  now: Date,
) {
  const created = [];
  const count = input.collections.length;
  for (const [index, collection] of input.collections.entries()) {
    const request = await createRequest(
      tx,
      mandate,
      {
        kind: "instalment",
        dedupeKey: `instalment/${mandate.id}/${index + 1}`,
        invoiceId: null,
        amountMinor: collection.amountMinor,
        currency: input.currency,
        collectionDate: collection.date,
        notifyOn: parisToday(now),
        status: input.providerScheduleId ? "submitted" : "notified",
        instalment: { number: index + 1, count },
        providerScheduleId: input.providerScheduleId,
        note: input.providerScheduleId ? `GoCardless instalment schedule ${input.providerScheduleId}` : "balance spread over monthly debits",
      },
      now,
    );
    if (request && input.providerPaymentIds?.[index]) {
      await tx.debitRequest.update({ where: { id: request.id }, data: { providerPaymentId: input.providerPaymentIds[index] } });
    }
    if (request) created.push(request);
  }
  return created;
}

/**
 * A mandate replaced by a new one (new bank details): what it still had to collect, not yet handed over,
 * moves to the new mandate and is notified again (the notice named the old mandate).
 */
export async function moveDebitsToMandate(tx: Tx, fromMandateId: string, toMandateId: string, at: Date) {
  const requests = await tx.debitRequest.findMany({ where: { mandateId: fromMandateId, status: { in: NOT_SUBMITTED } } });
  const to = await tx.mandate.findUnique({ where: { id: toMandateId }, select: { creditorKind: true, organisation: { select: { debitNoticeDays: true } } } });
  if (!to) return;
  for (const request of requests) {
    // Another creditor (GoCardless ↔ own ICS) collects differently: the new mandate's own requests will be planned.
    if (to.creditorKind !== request.creditorKind) {
      await moveDebit(tx, request, "cancelled", at, { note: "mandate replaced by another creditor's" });
      continue;
    }
    const plan = collectionPlan({
      dueDate: request.collectionDate,
      today: parisToday(at),
      creditor: to.creditorKind as CreditorKind,
      noticeDays: noticeDaysOf(to.organisation),
    });
    await moveDebit(tx, request, "scheduled", at, {
      note: `moved to mandate ${toMandateId}`,
      data: { mandateId: toMandateId, notifiedAt: null, ...plan },
    });
  }
}

/** A mandate that can no longer be debited (cancelled, failed, expired): what it had to collect, not yet handed over, is cancelled. */
export async function cancelDebitsOfMandate(tx: Tx, mandateId: string, at: Date, note: string) {
  const requests = await tx.debitRequest.findMany({ where: { mandateId, status: { in: NOT_SUBMITTED } } });
  for (const request of requests) await moveDebit(tx, request, "cancelled", at, { note });
}

/**
 * A GoCardless payment's status, as the ledger now has it, on the request that created it: collected → paid,
 * failed or charged back → failed (the invoice is open again from the ledger, and both sides are told by the
 * payment notices), on its way → submitted.
 */
export async function syncDebitWithPayment(
  tx: Tx,
  payment: { organisationId: string; provider: string; providerPaymentId: string },
  status: "processing" | "confirmed" | "failed" | "charged_back",
  at: Date,
  reason?: string | null,
) {
  // Only GoCardless payments are linked to debit requests (own-creditor debits are matched by bank imports).
  if (payment.provider !== "gocardless") return null;
  const request = await tx.debitRequest.findFirst({ where: { organisationId: payment.organisationId, providerPaymentId: payment.providerPaymentId } });
  if (!request) return null;
  const to: DebitStatus = status === "confirmed" ? "paid" : status === "processing" ? "submitted" : "failed";
  if (request.status === to) return request;
  await moveDebit(tx, request, to, at, {
    note: reason ?? status,
    data: { failureReason: to === "failed" ? (reason ?? status) : null, ...(to === "submitted" && !request.submittedAt ? { submittedAt: at } : {}) },
  });
  return request;
}

/**
 * What is still to collect for a request, whoever asks (the nightly notice, GoCardless's payment, the own
 * creditor's bank file): what is due — on its invoice, or on the whole account for a balance instalment —
 * less what is already on its way (payments processing, other own-ICS debits in a bank file). 0 when it was
 * paid otherwise meanwhile: collecting it would take the money twice.
 */
export async function leftToCollect(
  db: DbOrTx,
  request: { id: string; organisationId: string; customerId: string; invoiceId: string | null; amountMinor: number; currency: string },
) {
  const scope = { organisationId: request.organisationId, customerId: request.customerId, currency: request.currency };
  const onIt = request.invoiceId ? { invoiceId: request.invoiceId } : {};
  const [due, processing, filed] = await Promise.all([
    db.invoice.aggregate({
      where: { ...scope, ...(request.invoiceId ? { id: request.invoiceId } : {}), status: { in: ["open", "partially_paid"] } },
      _sum: { amountDueMinor: true },
    }),
    db.payment.aggregate({ where: { ...scope, ...onIt, status: "processing" }, _sum: { amountMinor: true } }),
    db.debitRequest.aggregate({
      where: { ...scope, ...onIt, creditorKind: "own_ics", status: "submitted", id: { not: request.id } },
      _sum: { amountMinor: true },
    }),
  ]);
  const left = (due._sum.amountDueMinor ?? 0) - (processing._sum.amountMinor ?? 0) - (filed._sum.amountMinor ?? 0);
  return Math.max(0, Math.min(request.amountMinor, left));
}

/** Today in Paris as a calendar day. */
export const parisToday = parisDay;

const UPCOMING_FIELDS = {
  id: true,
  kind: true,
  amountMinor: true,
  currency: true,
  collectionDate: true,
  status: true,
  creditorKind: true,
  instalmentNumber: true,
  instalmentCount: true,
  failureReason: true,
  invoice: { select: { id: true, number: true } },
  mandate: { select: { id: true, reference: true } },
} as const;

/** A customer's automatic collections still to come (and the last ones that failed), soonest first. */
export function upcomingDebitsOfCustomer(db: Db, organisationId: string, customerId: string) {
  return db.debitRequest.findMany({
    where: { organisationId, customerId, status: { in: UPCOMING } },
    orderBy: [{ collectionDate: "asc" }, { createdAt: "asc" }],
    select: UPCOMING_FIELDS,
    take: 50,
  });
}

/** The organisation's collections, by status (upcoming ones by default), soonest first. */
export function debitsOfOrganisation(db: Db, organisationId: string, statuses: DebitStatus[], take = 200) {
  return db.debitRequest.findMany({
    where: { organisationId, status: { in: statuses } },
    orderBy: [{ collectionDate: "asc" }, { createdAt: "asc" }],
    select: { ...UPCOMING_FIELDS, customer: { select: { id: true, name: true, company: true } } },
    take,
  });
}

/**
 * For the bank debit file (pain.008, the journal issue): an own-ICS organisation's requests notified and not
 * yet in a file, collected on or before `until`, with what the file needs from the mandate (RUM, signature
 * date, the debtor's IBAN in clear — for the file only, never a log — BIC and name) and the sequence type.
 * The request id is the end-to-end identification to put in the file.
 */
export async function debitsForFile(db: Db, encryptionKey: string, organisationId: string, until: Date) {
  const rows = await db.debitRequest.findMany({
    where: { organisationId, creditorKind: "own_ics", status: "notified", submittedInFileId: null, collectionDate: { lte: until } },
    orderBy: [{ collectionDate: "asc" }, { createdAt: "asc" }],
    include: {
      mandate: { select: { reference: true, signedAt: true, encryptedIban: true, bic: true, holderName: true, creditorIdentifier: true, status: true } },
      invoice: { select: { number: true } },
    },
  });
  return rows
    .filter((r) => r.mandate.status === "active")
    .map(({ mandate: { encryptedIban, ...mandate }, ...request }) => ({
      ...request,
      mandate: { ...mandate, iban: decryptSecret(encryptionKey, encryptedIban) },
    }));
}

/** The journal put these requests in a debit file: they are submitted (once; a request already in a file is left alone). */
export async function markDebitsInFile(tx: Tx, organisationId: string, requestIds: string[], fileId: string, at: Date) {
  let marked = 0;
  for (const request of await tx.debitRequest.findMany({
    where: { organisationId, id: { in: requestIds }, creditorKind: "own_ics", submittedInFileId: null },
  })) {
    if (
      await moveDebit(tx, request, "submitted", at, { from: ["notified"], note: `debit file ${fileId}`, data: { submittedInFileId: fileId, submittedAt: at } })
    )
      marked++;
  }
  return marked;
}

/**
 * For an invoice's pay tab: the customer is in automatic debit (its live recurrent mandate's reference), and
 * the collection planned for the invoice, if any. Null for a customer not in automatic debit.
 */
export async function automaticDebitOf(db: Db, organisationId: string, customerId: string, invoiceId: string) {
  const mandate = await liveRecurrentMandate(db, organisationId, customerId);
  if (!mandate) return null;
  const planned = await db.debitRequest.findFirst({
    where: { organisationId, invoiceId, status: { in: UPCOMING } },
    orderBy: { collectionDate: "asc" },
    select: { collectionDate: true, amountMinor: true, currency: true },
  });
  return { reference: mandate.creditorKind === "gocardless" && !mandate.providerMandateId ? "" : mandate.reference, planned };
}

/**
 * What automatic debits will still collect and the ledger does not count as on its way yet: requests planned
 * or notified, and own-ICS ones in a debit file (GoCardless's submitted ones are processing payments already).
 * Money a new checkout or a spread must not ask for a second time. For one invoice, or the whole account.
 */
export async function plannedMinor(db: DbOrTx, organisationId: string, customerId: string, invoiceId?: string) {
  const rows = await db.debitRequest.findMany({
    where: {
      organisationId,
      customerId,
      ...(invoiceId ? { invoiceId } : {}),
      OR: [{ status: { in: NOT_SUBMITTED } }, { status: "submitted", creditorKind: "own_ics" }],
    },
    select: { amountMinor: true },
  });
  return rows.reduce((sum, r) => sum + r.amountMinor, 0);
}

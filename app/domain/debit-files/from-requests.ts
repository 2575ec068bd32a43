/**
 * The own-ICS debits that are due (issue 15's debit requests, notified to the debtor) become one bank debit
 * file (issue 16). Each request is put in a file once: the file's line is keyed by the request
 * (`debitRequest:<id>`, unique), and the request is then marked submitted. A request found in a file but not
 * marked (a crash between the two) is marked from the file's line, never filed again.
 */
import type { Db } from "~/lib/db.server";
import { debitsForFile, leftToCollect, markDebitsInFile, moveDebit } from "../debits/service";
import { type CreateDebitFileResult, createDebitFile, type DebitFileDeps, type DebitItemInput, keysInFiles } from "./service";

const sourceKeyOf = (requestId: string) => `debitRequest:${requestId}`;

/**
 * What can go in a file now: notified requests collected by `until`, not in a file yet, for what is still to
 * collect — a request paid otherwise since its notice (a card, a transfer) is cancelled, one paid in part
 * is lowered to the rest (less than the debtor was told, never more), so no debit takes money twice.
 */
export async function debitsReadyForFile(deps: DebitFileDeps, organisationId: string, until: Date, now: Date) {
  const requests = await debitsForFile(deps.db, deps.encryptionKey, organisationId, until);
  const filed = await keysInFiles(
    deps.db,
    organisationId,
    requests.map((r) => sourceKeyOf(r.id)),
  );
  for (const [key, fileId] of filed) {
    await deps.db.$transaction((tx) => markDebitsInFile(tx, organisationId, [key.slice("debitRequest:".length)], fileId, now));
  }
  const ready = [];
  for (const request of requests.filter((r) => !filed.has(sourceKeyOf(r.id)))) {
    const amountMinor = await bringToWhatIsLeft(deps.db, request, now);
    if (amountMinor > 0) ready.push({ ...request, amountMinor });
  }
  return ready;
}

type NotifiedRequest = Parameters<typeof leftToCollect>[1] & { status: string };

/** A notified request brought to what is still to collect: lowered, or cancelled (0) when paid otherwise. Answers its amount now. */
async function bringToWhatIsLeft(db: Db, request: NotifiedRequest, now: Date) {
  const left = await leftToCollect(db, request);
  if (left === request.amountMinor) return left;
  if (left <= 0) {
    await moveDebit(db, request, "cancelled", now, { from: ["notified"], note: "nothing left to collect: paid otherwise" });
    return 0;
  }
  const lowered = await moveDebit(db, request, "notified", now, {
    from: ["notified"],
    note: `lowered to ${left}: paid in part otherwise`,
    data: { amountMinor: left },
  });
  return lowered ? left : 0;
}

/**
 * The nightly check of the own-ICS debits waiting for a file: those paid otherwise since their notice are
 * lowered or cancelled, so the customer's space and /collections never announce a debit that is not due.
 */
export async function recheckWaitingDebits(db: Db, now: Date) {
  const waiting = await db.debitRequest.findMany({ where: { creditorKind: "own_ics", status: "notified", submittedInFileId: null }, take: 5000 });
  for (const request of waiting) await bringToWhatIsLeft(db, request, now);
}

type ReadyDebit = Awaited<ReturnType<typeof debitsReadyForFile>>[number];

/** The text the debtor reads on their statement: the invoice's number, or the mandate's reference for a balance or instalment. */
const remittanceOf = (request: ReadyDebit) => request.invoice?.number ?? request.mandate.reference;

function itemOf(request: ReadyDebit): DebitItemInput {
  return {
    sourceKey: sourceKeyOf(request.id),
    debtorName: request.mandate.holderName,
    debtorIban: request.mandate.iban,
    debtorBic: request.mandate.bic,
    mandateReference: request.mandate.reference,
    mandateSignedOn: request.mandate.signedAt ?? request.createdAt,
    amountMinor: request.amountMinor,
    currency: request.currency,
    endToEndId: request.id,
    remittance: remittanceOf(request),
    sequenceType: request.sequenceType as DebitItemInput["sequenceType"],
    collectionDate: request.collectionDate,
  };
}

/** Puts the chosen ready debits (all of them when `requestIds` is empty) in a new file, and marks them submitted. */
export async function fileDebits(
  deps: DebitFileDeps,
  organisationId: string,
  input: { requestIds: string[]; until: Date },
  userId: string,
  now: Date,
): Promise<CreateDebitFileResult> {
  const ready = await debitsReadyForFile(deps, organisationId, input.until, now);
  const chosen = input.requestIds.length ? ready.filter((r) => input.requestIds.includes(r.id)) : ready;
  if (!chosen.length) return { ok: false, error: "debitFiles.errors.nothingReady" };
  const result = await createDebitFile(deps, organisationId, chosen.map(itemOf), userId, now);
  if (result.ok) {
    const fileId = result.debitFileId;
    await deps.db.$transaction((tx) =>
      markDebitsInFile(
        tx,
        organisationId,
        chosen.map((r) => r.id),
        fileId,
        now,
      ),
    );
  }
  return result;
}

/**
 * The own-ICS debits that are due (issue 15's debit requests, notified to the debtor) become one bank debit
 * file (issue 16). Each request is put in a file once: the file's line is keyed by the request
 * (`debitRequest:<id>`, unique), and the request is then marked submitted. A request found in a file but not
 * marked (a crash between the two) is marked from the file's line, never filed again.
 */
import { debitsForFile, markDebitsInFile } from "../debits/service";
import { type CreateDebitFileResult, createDebitFile, type DebitFileDeps, type DebitItemInput, keysInFiles } from "./service";

const sourceKeyOf = (requestId: string) => `debitRequest:${requestId}`;

/** What can go in a file now: notified requests collected by `until`, not in a file yet. */
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
  return requests.filter((r) => !filed.has(sourceKeyOf(r.id)));
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

/**
 * Debit files for merchants that are their own SEPA creditor (issue 16, docs/decisions/0021): the
 * debits chosen become one pain.008 file, stored sealed (it carries the debtors' IBANs) with its totals;
 * each debit is a `DebitFileLine` whose `sourceKey` (e.g. "debitRequest:<id>") is unique per
 * organisation, so the database refuses to put the same debit in a second file.
 */
import { createHash, randomBytes } from "node:crypto";
import { decryptSecret, encryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { buildPain008, DebitFileError, type DebitLine, PAIN_008_FORMAT } from "./pain008";

/** One debit to put in a file: what the bank needs, and the key of what it comes from. */
export interface DebitItemInput extends DebitLine {
  /** What the debit is for, unique per organisation: "debitRequest:<id>". */
  sourceKey: string;
}

export interface DebitFileDeps {
  db: Db;
  encryptionKey: string;
}

export type CreateDebitFileResult = { ok: true; debitFileId: string } | { ok: false; error: MessageKey; detail?: string };

/** A file's message id: "DF", the moment it was made, 8 random hex digits (a bank statement may quote it). */
export const MESSAGE_ID_PATTERN = /DF\d{14}[0-9A-F]{8}/;
const messageIdAt = (now: Date) => `DF${now.toISOString().replace(/\D/g, "").slice(0, 14)}${randomBytes(4).toString("hex").toUpperCase()}`;

export async function createDebitFile(
  deps: DebitFileDeps,
  organisationId: string,
  items: DebitItemInput[],
  userId: string,
  now: Date,
): Promise<CreateDebitFileResult> {
  const { db } = deps;
  const organisation = await db.organisation.findUniqueOrThrow({
    where: { id: organisationId },
    select: { legalName: true, iban: true, bic: true, sepaCreditor: true, creditorIdentifier: true },
  });
  if (organisation.sepaCreditor !== "own_ics") return { ok: false, error: "debitFiles.errors.notOwnIcs" };
  if (!organisation.iban || !organisation.creditorIdentifier) return { ok: false, error: "debitFiles.errors.creditor" };
  if (new Set(items.map((i) => i.sourceKey)).size !== items.length) return { ok: false, error: "debitFiles.errors.alreadyInFile" };
  const messageId = messageIdAt(now);
  let file: ReturnType<typeof buildPain008>;
  try {
    file = buildPain008({ name: organisation.legalName, iban: organisation.iban, bic: organisation.bic, ics: organisation.creditorIdentifier }, items, {
      messageId,
      createdAt: now,
    });
  } catch (error) {
    if (error instanceof DebitFileError) return { ok: false, error: "debitFiles.errors.invalid", detail: error.message };
    throw error;
  }
  try {
    const created = await db.debitFile.create({
      data: {
        organisationId,
        messageId,
        format: PAIN_008_FORMAT,
        sealedXml: encryptSecret(deps.encryptionKey, file.xml),
        sha256: createHash("sha256").update(file.xml).digest("hex"),
        transactionCount: file.transactionCount,
        controlSumMinor: file.controlSumMinor,
        currency: "EUR",
        createdById: userId,
        createdAt: now,
        lines: {
          create: items.map((item) => ({
            organisationId,
            sourceKey: item.sourceKey,
            endToEndId: item.endToEndId,
            mandateReference: item.mandateReference,
            debtorName: item.debtorName.slice(0, 140),
            amountMinor: item.amountMinor,
            currency: item.currency,
            sequenceType: item.sequenceType,
            collectionDate: item.collectionDate,
          })),
        },
      },
      select: { id: true },
    });
    return { ok: true, debitFileId: created.id };
  } catch (error) {
    // One of these debits is already in another file (the lines' unique key): no file is made.
    if (isUniqueViolation(error)) return { ok: false, error: "debitFiles.errors.alreadyInFile" };
    throw error;
  }
}

/** The source keys already in a file (greyed, never selectable again). */
export async function keysInFiles(db: Db, organisationId: string, sourceKeys: string[]) {
  const rows = await db.debitFileLine.findMany({ where: { organisationId, sourceKey: { in: sourceKeys } }, select: { sourceKey: true, debitFileId: true } });
  return new Map(rows.map((r) => [r.sourceKey, r.debitFileId]));
}

export function listDebitFiles(db: Db, organisationId: string) {
  return db.debitFile.findMany({
    where: { organisationId },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: { id: true, messageId: true, format: true, transactionCount: true, controlSumMinor: true, currency: true, createdAt: true },
  });
}

/** The file's XML for its download; null for another organisation's (a 404). */
export async function debitFileXml(deps: DebitFileDeps, organisationId: string, debitFileId: string) {
  const file = await deps.db.debitFile.findFirst({ where: { id: debitFileId, organisationId }, select: { messageId: true, sealedXml: true } });
  if (!file) return null;
  return { fileName: `${file.messageId}.xml`, xml: decryptSecret(deps.encryptionKey, file.sealedXml) };
}

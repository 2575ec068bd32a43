/**
 * Imported payment files (issue 16, docs/decisions/0021): a CSV from a payment kiosk or a bank, or a
 * camt.053 statement, is archived (sealed, its SHA-256 unique per organisation: the same file twice is
 * refused), read into lines, and each line matched to a customer and an invoice. On confirmation a
 * credit line becomes a recorded payment (`CustomerReceipt`, origin "import") allocated by the same
 * proposal as a payment typed in by hand, so it reaches the customer's account like one; a bank return
 * reverses the receipt it names (a counter-entry) and the invoice is due again. Each line is recorded
 * once: its status is claimed in the same transaction, and a receipt's `importLineId` is unique.
 * A line naming one of the organisation's own debits (its end-to-end id is the debit request's) is that
 * debit collected or returned (../debit-files/collection.ts), never a second payment; a batch credit of a
 * whole debit file (its reference carries the file's message id) is shown and ignored, its debits being
 * counted one by one.
 */
import { createHash } from "node:crypto";
import { decryptSecret, encryptSecret } from "~/lib/crypto.server";
import type { Db, Tx } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { referenceNames, RECEIPT_METHODS, type ReceiptMethod } from "../accounts/allocation";
import { recordReceiptIn, reverseReceiptIn } from "../accounts/receipts";
import { collectDebitIn, returnDebitIn } from "../debit-files/collection";
import { MESSAGE_ID_PATTERN } from "../debit-files/service";
import { noticeImportedFile, totalsOf } from "../journal/notice";
import { type Currency, isCurrency } from "../money";
import { looksLikeCamt, parseCamt } from "./camt";
import { type ColumnMapping, parseCsvFile } from "./csv";
import { type DecimalMark, fold } from "./parse-values";
import type { ParsedLine } from "./types";

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

export interface ImportDeps {
  db: Db;
  encryptionKey: string;
  /** For the link in the notice of an imported file. */
  appUrl: string;
}

export type ImportResult = { ok: true; importFileId: string; lines: number } | { ok: false; error: MessageKey; existingId?: string; missing?: string[] };

export const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The organisation's saved column mapping, or null before the first CSV import. */
export function getMapping(db: Db, organisationId: string) {
  return db.importMapping.findUnique({ where: { organisationId } });
}

export interface MappingInput extends ColumnMapping {
  method: ReceiptMethod;
}

export function saveMapping(db: Db, organisationId: string, mapping: MappingInput) {
  return db.importMapping.upsert({ where: { organisationId }, create: { organisationId, ...mapping }, update: mapping });
}

/**
 * Archives the file and reads its lines, matched; nothing is recorded yet. A camt.053 is recognised by
 * its content; anything else is read as CSV through the saved mapping.
 */
export async function importFile(
  deps: ImportDeps,
  organisationId: string,
  userId: string,
  file: { name: string; bytes: Uint8Array },
  now: Date,
): Promise<ImportResult> {
  const { db } = deps;
  if (!file.bytes.length) return { ok: false, error: "imports.errors.empty" };
  if (file.bytes.length > MAX_IMPORT_BYTES) return { ok: false, error: "errors.tooLarge" };
  const sha256 = sha256Of(file.bytes);
  const existing = await db.importFile.findUnique({ where: { organisationId_sha256: { organisationId, sha256 } }, select: { id: true } });
  if (existing) return { ok: false, error: "imports.errors.duplicate", existingId: existing.id };
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { defaultCurrency: true } });
  let kind: "csv" | "camt053";
  let lines: ParsedLine[];
  let encoding = "utf-8";
  if (looksLikeCamt(file.bytes)) {
    const parsed = parseCamt(file.bytes);
    if (!parsed.ok) return parsed;
    kind = "camt053";
    lines = parsed.lines;
  } else {
    const mapping = await getMapping(db, organisationId);
    if (!mapping) return { ok: false, error: "imports.errors.noMapping" };
    const parsed = parseCsvFile(file.bytes, { ...mapping, decimal: mapping.decimal as DecimalMark }, organisation.defaultCurrency);
    if (!parsed.ok) return parsed;
    kind = "csv";
    lines = parsed.lines;
    encoding = parsed.encoding;
  }
  if (!lines.length) return { ok: false, error: "imports.errors.empty" };
  // A currency the app does not invoice in can be no payment of an invoice: shown, never recorded.
  for (const line of lines) if (!isCurrency(line.currency)) line.kind = "ignored";
  const matched = await matchLines(db, organisationId, lines);
  const earlier = await earlierCopies(db, organisationId, matched);
  const fileName = file.name.slice(0, 200) || "import";
  // A batch credit of one of our debit files is shown, not counted: its debits are, one by one.
  // A line already imported from an earlier file (bank exports overlap) waits for a person: recorded again, or ignored.
  const statusOf = (line: (typeof matched)[number]) =>
    line.kind === "ignored" || line.matchedBy === "debit_file" ? "ignored" : line.matchedBy === "none" || earlier.has(line.lineNo) ? "manual" : "pending";
  const received = totalsOf(matched.filter((line) => line.kind === "credit" && statusOf(line) !== "ignored"));
  try {
    const created = await db.$transaction(async (tx) => {
      const row = await tx.importFile.create({
        data: {
          organisationId,
          kind,
          fileName,
          sha256,
          sizeBytes: file.bytes.length,
          encoding,
          // The file carries payers' IBANs: kept sealed, like every IBAN at rest.
          sealedContent: encryptSecret(deps.encryptionKey, Buffer.from(file.bytes).toString("base64")),
          uploadedById: userId,
          createdAt: now,
        },
        select: { id: true },
      });
      for (const slice of slices(matched)) {
        await tx.importLine.createMany({
          data: slice.map((line) => ({
            organisationId,
            importFileId: row.id,
            lineNo: line.lineNo,
            kind: line.kind,
            bookedOn: line.bookedOn,
            amountMinor: line.amountMinor,
            currency: line.currency,
            reference: line.reference,
            payerName: line.payerName,
            customerRef: line.customerRef,
            endToEndId: line.endToEndId,
            returnReason: line.returnReason,
            customerId: line.customerId,
            invoiceId: line.invoiceId,
            matchedBy: line.matchedBy,
            status: statusOf(line),
            duplicateOfId: earlier.get(line.lineNo) ?? null,
          })),
        });
      }
      // Whoever checks what arrives for the books is told, with the file (someone else may have imported it).
      await noticeImportedFile(
        tx,
        organisationId,
        {
          importFileId: row.id,
          fileName,
          uploadedById: userId,
          count: matched.length,
          manual: matched.filter((line) => statusOf(line) === "manual").length,
          totals: received.length ? received : [{ currency: organisation.defaultCurrency, amountMinor: 0 }],
        },
        deps.appUrl,
      );
      return row;
    });
    return { ok: true, importFileId: created.id, lines: matched.length };
  } catch (error) {
    // The same file uploaded twice at once: the database keeps one.
    if (isUniqueViolation(error)) return { ok: false, error: "imports.errors.duplicate" };
    throw error;
  }
}

export type MatchedLine = ParsedLine & { customerId: string | null; invoiceId: string | null; matchedBy: string };

/**
 * Who each line is from: the invoice its reference names (that invoice's customer); else the customer
 * reference (its column, or named in the label); else the payer's name when exactly one customer has
 * it; else nobody (the line waits for a choice). A return names the receipt it takes back by its
 * end-to-end id, else by the invoice. A line whose end-to-end id is one of our own debits is that debit.
 */
export async function matchLines(db: Db | Tx, organisationId: string, lines: ParsedLine[]): Promise<MatchedLine[]> {
  const [invoices, customers] = await Promise.all([
    db.invoice.findMany({ where: { organisationId, number: { not: null }, status: { not: "void" } }, select: { id: true, number: true, customerId: true } }),
    db.customer.findMany({ where: { organisationId }, select: { id: true, name: true, company: true, reference: true } }),
  ]);
  const endToEnd = new Map<string, string>();
  const ids = [...new Set(lines.filter((l) => l.kind === "return" && l.endToEndId).map((l) => l.endToEndId))];
  const ownDebits = await ownDebitsNamed(db, organisationId, lines);
  const debitFileIds = await debitFilesNamed(db, organisationId, lines);
  if (ids.length) {
    const earlier = await db.importLine.findMany({
      where: { organisationId, endToEndId: { in: ids }, kind: "credit", customerId: { not: null } },
      select: { endToEndId: true, customerId: true },
    });
    for (const line of earlier) endToEnd.set(line.endToEndId, line.customerId!);
  }
  return lines.map((line) => {
    const none = { ...line, customerId: null, invoiceId: null, matchedBy: "none" };
    if (line.kind === "ignored") return none;
    const debit = ownDebits.get(line.endToEndId);
    if (debit) return { ...line, customerId: debit.customerId, invoiceId: debit.invoiceId, matchedBy: "debit_request" };
    if (line.kind === "credit" && debitFileIds.some((id) => line.reference.includes(id) || line.endToEndId.startsWith(id)))
      return { ...none, matchedBy: "debit_file" };
    if (line.kind === "return" && endToEnd.has(line.endToEndId))
      return { ...line, customerId: endToEnd.get(line.endToEndId)!, invoiceId: null, matchedBy: "end_to_end" };
    const named = invoices.filter((i) => referenceNames(line.reference, i.number!));
    const namedCustomers = new Set(named.map((i) => i.customerId));
    if (named.length && namedCustomers.size === 1) return { ...line, customerId: named[0].customerId, invoiceId: named[0].id, matchedBy: "invoice_number" };
    const byRef = line.customerRef ? customers.filter((c) => c.reference && fold(c.reference) === fold(line.customerRef)) : [];
    const inLabel = byRef.length ? byRef : customers.filter((c) => c.reference.trim().length >= 3 && referenceNames(line.reference, c.reference));
    if (inLabel.length === 1) return { ...line, customerId: inLabel[0].id, invoiceId: null, matchedBy: "customer_reference" };
    const payer = fold(line.payerName);
    const byName = payer ? customers.filter((c) => fold(c.name) === payer || (c.company && fold(c.company) === payer)) : [];
    if (byName.length === 1) return { ...line, customerId: byName[0].id, invoiceId: null, matchedBy: "payer_name" };
    return none;
  });
}

const copyKey = (line: { kind: string; bookedOn: Date; amountMinor: number; currency: string; reference: string; endToEndId: string }) =>
  [line.kind, line.bookedOn.toISOString().slice(0, 10), line.amountMinor, line.currency, line.reference.trim(), line.endToEndId].join("|");

/** For each line (by its number) the same line in a file imported earlier: same kind, day, amount, reference and end-to-end id. */
async function earlierCopies(db: Db, organisationId: string, lines: ParsedLine[]) {
  const counted = lines.filter((l) => l.kind !== "ignored");
  const copies = new Map<number, string>();
  if (!counted.length) return copies;
  const days = counted.map((l) => l.bookedOn.getTime());
  const previous = await db.importLine.findMany({
    where: {
      organisationId,
      kind: { in: ["credit", "return"] },
      status: { not: "ignored" },
      bookedOn: { gte: new Date(Math.min(...days)), lte: new Date(Math.max(...days)) },
    },
    select: { id: true, kind: true, bookedOn: true, amountMinor: true, currency: true, reference: true, endToEndId: true },
  });
  const byKey = new Map(previous.map((p) => [copyKey(p), p.id]));
  for (const line of counted) {
    const id = byKey.get(copyKey(line));
    if (id) copies.set(line.lineNo, id);
  }
  return copies;
}

/** Where the copies among these lines were imported first (file and line), for the page. */
export async function firstImportsOf(db: Db, organisationId: string, lines: { id: string; duplicateOfId: string | null }[]) {
  const ids = lines.map((l) => l.duplicateOfId).filter((id): id is string => Boolean(id));
  if (!ids.length) return {};
  const originals = await db.importLine.findMany({
    where: { organisationId, id: { in: ids } },
    select: { id: true, lineNo: true, importFile: { select: { id: true, fileName: true } } },
  });
  const byId = new Map(originals.map((o) => [o.id, { fileId: o.importFile.id, fileName: o.importFile.fileName, lineNo: o.lineNo }]));
  return Object.fromEntries(lines.filter((l) => l.duplicateOfId && byId.has(l.duplicateOfId)).map((l) => [l.id, byId.get(l.duplicateOfId!)!]));
}

/** A line nobody should record (a copy, a payment that is not a customer's) is set aside, kept in the file as ignored. */
export async function ignoreLine(db: Db, organisationId: string, importFileId: string, lineId: string): Promise<boolean | null> {
  const file = await db.importFile.findFirst({ where: { id: importFileId, organisationId }, select: { id: true } });
  if (!file) return null;
  const { count } = await db.importLine.updateMany({
    where: { id: lineId, organisationId, importFileId, status: { in: ["pending", "manual"] } },
    data: { status: "ignored" },
  });
  return count === 1;
}

/** The organisation's own-ICS debits that the lines name by end-to-end id (the request's id is the one put in the file). */
async function ownDebitsNamed(db: Db | Tx, organisationId: string, lines: ParsedLine[]) {
  const ids = [...new Set(lines.filter((l) => l.kind !== "ignored" && l.endToEndId).map((l) => l.endToEndId))];
  const debits = [];
  for (const slice of slices(ids)) {
    debits.push(
      ...(await db.debitRequest.findMany({
        where: { organisationId, id: { in: slice }, creditorKind: "own_ics", submittedInFileId: { not: null } },
        select: { id: true, customerId: true, invoiceId: true },
      })),
    );
  }
  return new Map(debits.map((d) => [d.id, d]));
}

/** The message ids of the organisation's debit files that credit lines name (a bank booking a file as one batch). */
async function debitFilesNamed(db: Db | Tx, organisationId: string, lines: ParsedLine[]) {
  const named = new Set(
    lines.filter((l) => l.kind === "credit").flatMap((l) => `${l.reference} ${l.endToEndId}`.match(new RegExp(MESSAGE_ID_PATTERN, "g")) ?? []),
  );
  const found = [];
  for (const slice of slices([...named])) {
    found.push(...(await db.debitFile.findMany({ where: { organisationId, messageId: { in: slice } }, select: { messageId: true } })));
  }
  return found.map((f) => f.messageId);
}

/** SQLite binds at most 32,766 values per statement: a bank file of many lines is written and looked up in slices. */
function slices<T>(items: T[], size = 500): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** The organisation's imported files, newest first, with their lines counted by status. */
export async function listImports(db: Db, organisationId: string) {
  const files = await db.importFile.findMany({
    where: { organisationId },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, kind: true, fileName: true, sha256: true, sizeBytes: true, createdAt: true },
  });
  const counts = await db.importLine.groupBy({
    by: ["importFileId", "status"],
    where: { organisationId, importFileId: { in: files.map((f) => f.id) } },
    _count: { _all: true },
  });
  return files.map((f) => ({
    ...f,
    counts: Object.fromEntries(counts.filter((c) => c.importFileId === f.id).map((c) => [c.status, c._count._all])) as Record<string, number>,
  }));
}

/** One imported file of this organisation with its lines (null for another's: a 404). */
export function getImport(db: Db, organisationId: string, importFileId: string) {
  return db.importFile.findFirst({
    where: { id: importFileId, organisationId },
    select: {
      id: true,
      kind: true,
      fileName: true,
      sha256: true,
      sizeBytes: true,
      encoding: true,
      createdAt: true,
      lines: {
        orderBy: { lineNo: "asc" },
        select: {
          id: true,
          lineNo: true,
          kind: true,
          bookedOn: true,
          amountMinor: true,
          currency: true,
          reference: true,
          payerName: true,
          customerRef: true,
          endToEndId: true,
          returnReason: true,
          customerId: true,
          invoiceId: true,
          matchedBy: true,
          status: true,
          duplicateOfId: true,
          receipt: { select: { id: true, kind: true } },
        },
      },
    },
  });
}

/** The archived file as it was received (for its download), or null for another organisation's. */
export async function archivedBytes(deps: Omit<ImportDeps, "appUrl">, organisationId: string, importFileId: string) {
  const file = await deps.db.importFile.findFirst({ where: { id: importFileId, organisationId }, select: { fileName: true, kind: true, sealedContent: true } });
  if (!file) return null;
  return { fileName: file.fileName, kind: file.kind, bytes: Buffer.from(decryptSecret(deps.encryptionKey, file.sealedContent), "base64") };
}

/** A line waiting for a choice is given to a customer by hand (any line not yet recorded). */
export async function assignLine(db: Db, organisationId: string, importFileId: string, lineId: string, customerId: string): Promise<boolean | null> {
  const file = await db.importFile.findFirst({ where: { id: importFileId, organisationId }, select: { id: true } });
  if (!file) return null;
  const customer = await db.customer.findFirst({ where: { id: customerId, organisationId }, select: { id: true } });
  if (!customer) return false;
  const { count } = await db.importLine.updateMany({
    where: { id: lineId, organisationId, importFileId, status: { in: ["pending", "manual"] }, kind: "credit" },
    data: { customerId, invoiceId: null, matchedBy: "manual", status: "pending" },
  });
  return count === 1;
}

export interface ConfirmResult {
  recorded: number;
  reversed: number;
  skipped: number;
  /** The file's lines left for a person (matched to nobody, a return whose receipt could not be identified, an allocation refused). */
  manual: number;
}

/**
 * Records the chosen lines (all pending ones of the file when none are named). Each line in its own
 * transaction: its status is claimed first (pending → recorded), so a second submission, or two at
 * once, records nothing more.
 */
export async function confirmLines(
  { db, appUrl }: { db: Db; appUrl: string },
  organisationId: string,
  importFileId: string,
  userId: string,
  now: Date,
  lineIds?: string[],
): Promise<ConfirmResult | null> {
  const file = await db.importFile.findFirst({ where: { id: importFileId, organisationId }, select: { id: true, kind: true } });
  if (!file) return null;
  const mapping = file.kind === "csv" ? await getMapping(db, organisationId) : null;
  const method: ReceiptMethod =
    file.kind === "camt053"
      ? "transfer"
      : (RECEIPT_METHODS as readonly string[]).includes(mapping?.method ?? "")
        ? (mapping!.method as ReceiptMethod)
        : "other";
  const lines = await db.importLine.findMany({
    where: { importFileId, organisationId, status: "pending", customerId: { not: null }, ...(lineIds ? { id: { in: lineIds } } : {}) },
    orderBy: { lineNo: "asc" },
  });
  const result: ConfirmResult = { recorded: 0, reversed: 0, skipped: 0, manual: 0 };
  for (const line of lines) {
    try {
      const outcome = await db.$transaction(async (tx) => {
        const claimed = await tx.importLine.updateMany({ where: { id: line.id, status: "pending" }, data: { status: "recorded" } });
        if (claimed.count !== 1) return "skipped" as const;
        if (line.matchedBy === "debit_request") return ownDebitLine(tx, organisationId, userId, line, now, appUrl);
        if (line.kind === "return") return reverseReturn(tx, organisationId, userId, line, now);
        const recorded = await recordReceiptIn(
          tx,
          organisationId,
          line.customerId!,
          userId,
          {
            method,
            receivedOn: line.bookedOn,
            currency: line.currency as Currency,
            amountMinor: line.amountMinor,
            reference: line.reference.slice(0, 140),
            allocations: [],
          },
          { origin: "import", importLineId: line.id },
        );
        if (!recorded?.ok) {
          await tx.importLine.update({ where: { id: line.id }, data: { status: "manual" } });
          return "manual" as const;
        }
        return "recorded" as const;
      });
      result[outcome]++;
    } catch (error) {
      if (isUniqueViolation(error)) {
        result.skipped++;
        continue;
      }
      throw error;
    }
  }
  // What is left for a person is every such line of the file, not only those this run set aside.
  result.manual = await db.importLine.count({ where: { importFileId, organisationId, status: "manual" } });
  return result;
}

/**
 * A line about one of our own debits: a credit is that debit collected (recorded unless the nightly run
 * already did: then nothing more); a return is that debit returned. What cannot apply (a credit for a
 * debit returned meanwhile, a second return) is left for a person.
 */
async function ownDebitLine(
  tx: Tx,
  organisationId: string,
  userId: string,
  line: { id: string; kind: string; endToEndId: string; bookedOn: Date; returnReason: string },
  now: Date,
  appUrl: string,
): Promise<"recorded" | "reversed" | "skipped" | "manual"> {
  if (line.kind === "credit") {
    const outcome = await collectDebitIn(tx, organisationId, line.endToEndId, line.bookedOn, now, line.id);
    if (outcome !== "not_collectable") return outcome === "collected" ? "recorded" : "skipped";
  } else {
    const returned = await returnDebitIn(tx, organisationId, line.endToEndId, {
      reason: line.returnReason || "MS03",
      userId,
      on: todayOf(now),
      now,
      appUrl,
      importLineId: line.id,
    });
    if (returned?.ok) return "reversed";
  }
  await tx.importLine.update({ where: { id: line.id }, data: { status: "manual" } });
  return "manual";
}

const todayOf = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * A bank return: the receipt it takes back is the one recorded from the credit line with the same
 * end-to-end id, else the one receipt of this customer for the same amount on the invoice the return's
 * reference names. Found: a counter-entry (the invoice is due again). Not found: left for a person.
 */
async function reverseReturn(
  tx: Tx,
  organisationId: string,
  userId: string,
  line: { id: string; customerId: string | null; endToEndId: string; reference: string; amountMinor: number; returnReason: string; invoiceId: string | null },
  now: Date,
): Promise<"reversed" | "manual"> {
  let receiptId: string | null = null;
  if (line.endToEndId) {
    const credit = await tx.importLine.findFirst({
      where: { organisationId, endToEndId: line.endToEndId, kind: "credit", receipt: { isNot: null } },
      select: { receipt: { select: { id: true } } },
    });
    receiptId = credit?.receipt?.id ?? null;
  }
  if (!receiptId && line.invoiceId) {
    const candidates = await tx.customerReceipt.findMany({
      where: { organisationId, kind: "receipt", amountMinor: line.amountMinor, reversal: null, allocations: { some: { invoiceId: line.invoiceId } } },
      select: { id: true },
    });
    if (candidates.length === 1) receiptId = candidates[0].id;
  }
  const reason = `Rejet bancaire${line.returnReason ? ` ${line.returnReason}` : ""}${line.endToEndId ? ` (${line.endToEndId})` : ""}`;
  const reversed = receiptId
    ? await reverseReceiptIn(tx, organisationId, receiptId, userId, reason, todayOf(now), {
        origin: "import",
        importLineId: line.id,
      })
    : null;
  if (!reversed?.ok) {
    await tx.importLine.update({ where: { id: line.id }, data: { status: "manual" } });
    return "manual";
  }
  return "reversed";
}

/**
 * SEPA Core direct debit initiation, pain.008.001.02 (the format French banks take from their
 * customers; see docs/decisions/0021), built with the `sepa` library (kewisch/sepa.js, maintained, MPL-2.0):
 * one payment information block per collection date and sequence type, as the EPC rules require.
 * Pure: the creditor and the lines in, the XML and its totals out. The tests validate the output
 * against the official XSD.
 */
import SEPA from "sepa";

export const PAIN_008_FORMAT = "pain.008.001.02";
export const SEQUENCE_TYPES = ["FRST", "RCUR", "OOFF", "FNAL"] as const;
export type SequenceType = (typeof SEQUENCE_TYPES)[number];

export interface SepaCreditor {
  name: string;
  iban: string;
  bic: string;
  /** The creditor identifier (ICS), e.g. FR13ZZZ437149. */
  ics: string;
}

export interface DebitLine {
  debtorName: string;
  debtorIban: string;
  debtorBic: string;
  /** The mandate reference (RUM). */
  mandateReference: string;
  mandateSignedOn: Date;
  amountMinor: number;
  currency: string;
  endToEndId: string;
  remittance: string;
  sequenceType: SequenceType;
  /** The requested collection day (UTC midnight). */
  collectionDate: Date;
}

export interface Pain008 {
  xml: string;
  transactionCount: number;
  controlSumMinor: number;
  groups: { collectionDate: string; sequenceType: SequenceType; count: number; sumMinor: number }[];
}

/**
 * The EPC's SEPA character set (Latin letters, digits, / - ? : ( ) . , ' + and space): accents are
 * taken off ("Sébastien" → "Sebastien"), anything else becomes a space. Banks refuse other characters.
 */
export function sepaText(text: string, max: number): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[Œœ]/g, (c) => (c === "Œ" ? "OE" : "oe"))
    .replace(/[Ææ]/g, (c) => (c === "Æ" ? "AE" : "ae"))
    .replace(/ß/g, "ss")
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, max);
}

/** A SEPA identifier (end-to-end id, RUM): the allowed characters only, not starting with "/", without "//". */
export function isSepaId(id: string): boolean {
  return /^[A-Za-z0-9/?:().,'+-]{1,35}$/.test(id) && !id.startsWith("/") && !id.includes("//");
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export class DebitFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DebitFileError";
  }
}

/** The pain.008 for these debits; a line the scheme would refuse is a DebitFileError, not a file the bank rejects later. */
export function buildPain008(creditor: SepaCreditor, lines: DebitLine[], header: { messageId: string; createdAt: Date }): Pain008 {
  if (!lines.length) throw new DebitFileError("no debit to put in the file");
  if (!isSepaId(header.messageId)) throw new DebitFileError("invalid message id");
  if (!SEPA.validateCreditorID(creditor.ics)) throw new DebitFileError("invalid creditor identifier (ICS)");
  const groups = new Map<string, DebitLine[]>();
  for (const line of lines) {
    if (line.currency !== "EUR") throw new DebitFileError(`SEPA debits are in euros, not ${line.currency}`);
    if (!Number.isSafeInteger(line.amountMinor) || line.amountMinor < 1 || line.amountMinor > 99_999_999_999) throw new DebitFileError("amount out of range");
    if (!isSepaId(line.endToEndId) || !isSepaId(line.mandateReference)) throw new DebitFileError("invalid end-to-end id or mandate reference");
    if (!SEQUENCE_TYPES.includes(line.sequenceType)) throw new DebitFileError("invalid sequence type");
    const key = `${day(line.collectionDate)}|${line.sequenceType}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const doc = new SEPA.Document(PAIN_008_FORMAT);
  doc.grpHdr.id = header.messageId;
  doc.grpHdr.created = header.createdAt;
  doc.grpHdr.initiatorName = sepaText(creditor.name, 70);
  const summary: Pain008["groups"] = [];
  for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [collectionDate, sequenceType] = key.split("|") as [string, SequenceType];
    const info = doc.createPaymentInfo();
    // Its number in the file: the library makes it the PmtInfId's suffix and each InstrId's prefix ("1.0", "1.1"…).
    info.id = String(summary.length + 1);
    info.collectionDate = new Date(`${collectionDate}T00:00:00Z`);
    info.creditorIBAN = creditor.iban.replace(/\s+/g, "").toUpperCase();
    info.creditorBIC = creditor.bic.replace(/\s+/g, "").toUpperCase();
    info.creditorName = sepaText(creditor.name, 70);
    info.creditorId = creditor.ics;
    info.localInstrumentation = "CORE";
    info.sequenceType = sequenceType;
    info.batchBooking = true;
    for (const line of group) {
      const tx = info.createTransaction();
      tx.debtorName = sepaText(line.debtorName, 70);
      tx.debtorIBAN = line.debtorIban.replace(/\s+/g, "").toUpperCase();
      tx.debtorBIC = line.debtorBic.replace(/\s+/g, "").toUpperCase();
      tx.mandateId = line.mandateReference;
      tx.mandateSignatureDate = line.mandateSignedOn;
      // The library takes euros; an amount in cents divided by 100 has at most two decimals.
      tx.amount = line.amountMinor / 100;
      tx.currency = "EUR";
      tx.end2endId = line.endToEndId;
      tx.remittanceInfo = sepaText(line.remittance, 140);
      info.addTransaction(tx);
    }
    doc.addPaymentInfo(info);
    summary.push({ collectionDate, sequenceType, count: group.length, sumMinor: group.reduce((sum, l) => sum + l.amountMinor, 0) });
  }
  let xml: string;
  try {
    xml = doc.toString();
  } catch (error) {
    throw new DebitFileError(error instanceof Error ? error.message : String(error));
  }
  const controlSumMinor = summary.reduce((sum, g) => sum + g.sumMinor, 0);
  // The library sums floating euros: its control sum must be ours to the cent.
  const written = /<GrpHdr>[\s\S]*?<CtrlSum>([\d.]+)<\/CtrlSum>/.exec(xml)?.[1];
  if (written !== (controlSumMinor / 100).toFixed(2)) throw new DebitFileError(`control sum ${written} is not ${controlSumMinor}`);
  return { xml, transactionCount: lines.length, controlSumMinor, groups: summary };
}

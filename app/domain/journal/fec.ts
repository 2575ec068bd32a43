/**
 * The FEC (fichier des écritures comptables, LPF art. A47 A-1) of validated entries, and a plain CSV of
 * the books for accountants using other software (issue 16; docs/decisions/0018).
 *
 * A47 A-1 (checked): a flat file, records separated by CR and/or LF, one unambiguous field separator,
 * characters in ASCII, ISO 8859-15 or EBCDIC, dates AAAAMMJJ, the field names on the first line (BOFiP
 * BOI-CF-IOR-60-40-20). We write tab-separated ISO 8859-15 with CRLF, amounts with a decimal comma and no
 * thousands separator, one file per period, entries in the order they were validated.
 */
import { stringify } from "csv-stringify/sync";
import iconv from "iconv-lite";
import type { Db } from "~/lib/db.server";
import { currencyExponent } from "~/lib/format";

export const FEC_COLUMNS = [
  "JournalCode",
  "JournalLib",
  "EcritureNum",
  "EcritureDate",
  "CompteNum",
  "CompteLib",
  "CompAuxNum",
  "CompAuxLib",
  "PieceRef",
  "PieceDate",
  "EcritureLib",
  "Debit",
  "Credit",
  "EcritureLet",
  "DateLet",
  "ValidDate",
  "Montantdevise",
  "Idevise",
] as const;

/** AAAAMMJJ of a calendar day (stored at UTC midnight) or of a moment, in UTC. */
export function fecDate(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, "");
}

/** 123456 minor units of EUR → "1234,56"; no thousands separator, always the currency's decimals. */
export function fecAmount(minor: number, currency = "EUR"): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)},${digits.slice(-exponent)}`;
}

/** A text field: no separator, line break or control character inside it (the format has no quoting). */
export function fecText(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
      .replace(/[\u0000-\u001f\u007f|]/g, " ")
      .replace(/ {2,}/g, " ")
      .trim()
  );
}

/** The legal file name: <SIREN>FEC<closing date AAAAMMJJ>.txt. */
export function fecFileName(siren: string, closing: Date): string {
  return `${siren}FEC${fecDate(closing)}.txt`;
}

/** The period asked: a calendar year (?year=2026), or from/to days (?from=2026-01-01&to=2026-06-30); null when invalid. */
export function periodOf(url: URL): { from: Date; to: Date } | null {
  const day = (value: string | null) => {
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
    const date = new Date(`${value}T00:00:00.000Z`);
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
  };
  const from = day(url.searchParams.get("from"));
  const to = day(url.searchParams.get("to"));
  if (from && to) return from <= to ? { from, to } : null;
  const year = Number(url.searchParams.get("year") ?? new Date().getUTCFullYear());
  if (!Number.isInteger(year) || year < 2000 || year > 2100) return null;
  return { from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year, 11, 31)) };
}

export const sirenOf = (siret: string) => /^\d{9}/.exec(siret.replace(/\s/g, ""))?.[0] ?? "";

interface FecEntry {
  journalCode: string;
  journalLabel: string;
  number: number;
  date: Date;
  pieceRef: string;
  pieceDate: Date;
  currency: string;
  validatedAt: Date | null;
  lines: {
    accountNumber: string;
    accountLabel: string;
    auxNumber: string;
    auxLabel: string;
    label: string;
    debitMinor: number;
    creditMinor: number;
  }[];
}

/** The FEC's records (header first), each of 18 fields. Only validated entries: the others may still change. */
export function fecRecords(entries: readonly FecEntry[]): string[][] {
  const rows: string[][] = [[...FEC_COLUMNS]];
  for (const entry of entries) {
    if (!entry.validatedAt) continue;
    for (const line of entry.lines) {
      rows.push([
        fecText(entry.journalCode),
        fecText(entry.journalLabel),
        String(entry.number),
        fecDate(entry.date),
        fecText(line.accountNumber),
        fecText(line.accountLabel),
        fecText(line.auxNumber),
        fecText(line.auxNumber ? line.auxLabel : ""),
        fecText(entry.pieceRef),
        fecDate(entry.pieceDate),
        fecText(line.label),
        fecAmount(line.debitMinor, entry.currency),
        fecAmount(line.creditMinor, entry.currency),
        "",
        "",
        fecDate(entry.validatedAt),
        // The books are kept in euros: an amount in another currency is not converted here (see the decision).
        "",
        "",
      ]);
    }
  }
  return rows;
}

/** The file's bytes: tab-separated, CRLF, ISO 8859-15 (characters outside it become "?"). */
export function fecFile(entries: readonly FecEntry[]): Buffer {
  const text = stringify(fecRecords(entries), { delimiter: "\t", record_delimiter: "\r\n", quote: false });
  return iconv.encode(text, "iso-8859-15");
}

/** The validated entries in euros of a period (calendar days, inclusive), in the order they were validated. */
export async function fecEntries(db: Db, organisationId: string, from: Date, to: Date) {
  return db.journalEntry.findMany({
    where: { organisationId, validatedAt: { not: null }, currency: "EUR", date: { gte: from, lte: to } },
    orderBy: [{ validatedAt: "asc" }, { journalCode: "asc" }, { number: "asc" }],
    include: { lines: { orderBy: { position: "asc" } } },
  });
}

/** The entries of a period as a CSV (semicolon, UTF-8 with a BOM for spreadsheets), posted or validated, one row per line. */
export function journalCsv(
  entries: readonly (FecEntry & { lines: (FecEntry["lines"][number] & { position: number })[] })[],
  headers: string[],
  locale: string,
): string {
  const amount = (minor: number, currency: string) => {
    const text = fecAmount(minor, currency);
    return locale === "en" ? text.replace(",", ".") : text;
  };
  const rows = entries.flatMap((entry) =>
    entry.lines.map((line) => [
      entry.date.toISOString().slice(0, 10),
      entry.journalCode,
      String(entry.number),
      entry.pieceRef,
      line.accountNumber,
      line.auxNumber,
      line.auxLabel,
      line.label,
      amount(line.debitMinor, entry.currency),
      amount(line.creditMinor, entry.currency),
      entry.currency,
      entry.validatedAt ? entry.validatedAt.toISOString().slice(0, 10) : "",
    ]),
  );
  return stringify([headers, ...rows], { delimiter: locale === "en" ? "," : ";", bom: true, record_delimiter: "\r\n" });
}

/**
 * CSV payment files (a payment kiosk's export, a bank's): the bytes decoded (UTF-8, or Windows-1252
 * when they are not valid UTF-8), the separator detected, the rows read with csv-parse, and each row
 * turned into a line through the organisation's column mapping. Pure functions.
 */
import { parse } from "csv-parse/sync";
import { type DecimalMark, fold, parseFileAmount, parseFileDate } from "./parse-values";
import type { ParsedLine } from "./types";

export interface ColumnMapping {
  dateColumn: string;
  amountColumn: string;
  referenceColumn: string;
  payerColumn: string;
  customerRefColumn: string;
  decimal: DecimalMark;
}

/** The file's text and the encoding it was read with. */
export function decodeBytes(bytes: Uint8Array): { text: string; encoding: "utf-8" | "windows-1252" } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: "utf-8" };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: "windows-1252" };
  }
}

/** Windows-1252's 0x80–0x9F (€, œ, typographic quotes…), where it differs from Latin-1; undefined bytes stay as they are. */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

/**
 * Node's TextDecoder reads the "windows-1252" label as Latin-1 (its fast path), which loses the euro
 * sign and the French quotes: decoded here byte by byte.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return text;
}

const SEPARATORS = [";", ",", "\t", "|"] as const;

/** The separator used most on the first line, quoted text left out (";" when none is found). */
export function detectSeparator(text: string): string {
  const first = (text.split(/\r?\n/, 1)[0] ?? "").replace(/"[^"]*"/g, "");
  let best: string = ";";
  let bestCount = 0;
  for (const sep of SEPARATORS) {
    const count = first.split(sep).length - 1;
    if (count > bestCount) [best, bestCount] = [sep, count];
  }
  return best;
}

export function readRows(text: string): { separator: string; headers: string[]; rows: string[][] } {
  const separator = detectSeparator(text);
  const records = parse(text, {
    delimiter: separator,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
  const [headers = [], ...rows] = records;
  return { separator, headers, rows };
}

/** The column a mapping names: a header (accents and case aside), or a 1-based position ("3"). -1 when absent. */
export function columnIndex(headers: string[], name: string): number {
  const wanted = name.trim();
  if (!wanted) return -1;
  if (/^\d{1,3}$/.test(wanted)) return Number(wanted) - 1;
  return headers.findIndex((h) => fold(h) === fold(wanted));
}

export type CsvResult =
  | { ok: true; lines: ParsedLine[]; encoding: string }
  | { ok: false; error: "imports.errors.columns" | "imports.errors.empty"; missing?: string[] };

/**
 * The file's lines through the mapping. A row whose date or amount cannot be read is kept as an ignored
 * line (shown, never recorded); a negative amount is money paid out, ignored too.
 */
export function parseCsvFile(bytes: Uint8Array, mapping: ColumnMapping, currency: string): CsvResult {
  const { text, encoding } = decodeBytes(bytes);
  const { headers, rows } = readRows(text);
  if (!rows.length) return { ok: false, error: "imports.errors.empty" };
  const index = {
    date: columnIndex(headers, mapping.dateColumn),
    amount: columnIndex(headers, mapping.amountColumn),
    reference: columnIndex(headers, mapping.referenceColumn),
    payer: columnIndex(headers, mapping.payerColumn),
    customerRef: columnIndex(headers, mapping.customerRefColumn),
  };
  const missing = [
    ...(index.date < 0 ? [mapping.dateColumn] : []),
    ...(index.amount < 0 ? [mapping.amountColumn] : []),
    ...(index.reference < 0 ? [mapping.referenceColumn] : []),
    ...(mapping.payerColumn && index.payer < 0 ? [mapping.payerColumn] : []),
    ...(mapping.customerRefColumn && index.customerRef < 0 ? [mapping.customerRefColumn] : []),
  ];
  if (missing.length) return { ok: false, error: "imports.errors.columns", missing };
  const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? "").trim() : "");
  const lines = rows.map((row, i): ParsedLine => {
    const amount = parseFileAmount(cell(row, index.amount), mapping.decimal);
    const bookedOn = parseFileDate(cell(row, index.date));
    const readable = amount !== null && bookedOn !== null;
    return {
      lineNo: i + 1,
      kind: readable && amount > 0 ? "credit" : "ignored",
      bookedOn: bookedOn ?? new Date(0),
      amountMinor: Math.abs(amount ?? 0),
      currency,
      reference: cell(row, index.reference).slice(0, 500),
      payerName: cell(row, index.payer).slice(0, 200),
      customerRef: cell(row, index.customerRef).slice(0, 100),
      endToEndId: "",
      returnReason: "",
    };
  });
  return { ok: true, lines, encoding };
}

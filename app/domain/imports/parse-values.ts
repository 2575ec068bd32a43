/**
 * Amounts and dates as payment files write them (issue 16): "1 234,56", "1.234,56", "-12,50 €",
 * "1234.5"; "05/11/2026", "05/11/26", "2026-11-05", "05.11.2026". Pure functions.
 */

export type DecimalMark = "auto" | "comma" | "point";

/**
 * An amount in minor units (two decimals), or null when it is not one. With `auto`, a comma or point
 * followed by one or two digits at the end is the decimal mark; any other comma, point, space or
 * apostrophe groups thousands.
 */
export function parseFileAmount(raw: string, decimal: DecimalMark = "auto"): number | null {
  let text = raw
    .replace(/[\s\u00a0\u202f']/g, "")
    .replace(/(EUR|€)$/i, "")
    .replace(/^(EUR|€)/i, "");
  let sign = 1;
  if (/^\(.*\)$/.test(text)) {
    sign = -1;
    text = text.slice(1, -1);
  }
  if (text.startsWith("-")) {
    sign = -sign;
    text = text.slice(1);
  } else if (text.startsWith("+")) text = text.slice(1);
  if (text.endsWith("-")) {
    sign = -sign;
    text = text.slice(0, -1);
  }
  if (!/^[0-9.,]+$/.test(text) || !/[0-9]/.test(text)) return null;
  let mark: "," | "." | null;
  if (decimal === "comma") mark = ",";
  else if (decimal === "point") mark = ".";
  else {
    const last = /([.,])(\d{1,2})$/.exec(text);
    mark = last ? (last[1] as "," | ".") : null;
    // "1.234" or "1,234" with three digits after: a thousands separator, not a decimal mark.
  }
  const grouping = mark === "," ? "." : mark === "." ? "," : /[.,]/;
  let [units, fraction = ""] = mark ? splitLast(text, mark) : [text, ""];
  units = units.replace(new RegExp(typeof grouping === "string" ? `\\${grouping}` : grouping.source, "g"), "");
  if (!/^\d*$/.test(units) || !/^\d{0,2}$/.test(fraction) || (units === "" && fraction === "")) return null;
  const minor = Number(units || "0") * 100 + Number(fraction.padEnd(2, "0"));
  return Number.isSafeInteger(minor) ? sign * minor : null;
}

function splitLast(text: string, mark: string): [string, string] {
  const at = text.lastIndexOf(mark);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

/** A calendar day (UTC midnight), or null. Day first for slashes, dots and dashes (French files); ISO dates too. */
export function parseFileDate(raw: string): Date | null {
  const text = raw.trim().slice(0, 32);
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text);
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:\s.*)?$/.exec(text);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dayFirst) {
    [day, month, year] = [Number(dayFirst[1]), Number(dayFirst[2]), Number(dayFirst[3])];
    if (dayFirst[3].length === 2) year += 2000;
  } else return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/** Text compared as people read it: accents, case and punctuation aside ("Réf. client" = "ref client"). */
export const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/**
 * The SEPA creditor identifier (ICS, "Identifiant Créancier SEPA"). A French ICS has 13 characters:
 * "FR", 2 check digits, a 3-character creditor business code (free, often "ZZZ"), and a 6-character
 * national identifier issued through the creditor's bank (Banque de France). The check digits are ISO 7064
 * mod 97-10 over the national identifier followed by the country code and "00", the business code left
 * out; letters count A=10 … Z=35, and the digits are 98 − mod. Other SEPA countries use the same rule
 * with their own lengths (up to 35). Sources in ../shared/accounting-and-sepa.md §3 (ICS).
 */
const FRENCH_ICS = /^FR\d{2}[A-Z0-9]{3}[A-Z0-9]{6}$/;
const ANY_ICS = /^[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$/;

function digitsOf(text: string): string {
  return [...text].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
}

function mod97(digits: string): number {
  let rest = 0;
  for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  return rest;
}

/** The two check digits of an ICS from its country and national identifier. */
export function icsCheckDigits(country: string, nationalId: string): string {
  return String(98 - mod97(digitsOf(`${nationalId}${country}00`))).padStart(2, "0");
}

/** The ICS in capitals without spaces when it is well formed with matching check digits, else null. */
export function normaliseIcs(input: string): string | null {
  const ics = input.replace(/\s/g, "").toUpperCase();
  if (!(ics.startsWith("FR") ? FRENCH_ICS : ANY_ICS).test(ics)) return null;
  return icsCheckDigits(ics.slice(0, 2), ics.slice(7)) === ics.slice(2, 4) ? ics : null;
}

export const SEPA_CREDITORS = ["gocardless", "own_ics"] as const;
export type SepaCreditor = (typeof SEPA_CREDITORS)[number];

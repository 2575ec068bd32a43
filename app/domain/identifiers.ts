import { ValidationErrorsIBAN, electronicFormatIBAN, friendlyFormatIBAN, isValidBIC, validateIBAN } from "ibantools";

/**
 * Why an IBAN was refused: `format` when it is not shaped like an IBAN of its country (unknown country,
 * wrong length, letters where digits go), `checksum` when it is shaped right but its check digits do not
 * match (a typo: the IBAN's own two digits, or the French RIB key).
 */
export type IbanCheck = { ok: true; iban: string } | { ok: false; error: "format" | "checksum" };

const CHECK_DIGIT_ERRORS = [ValidationErrorsIBAN.WrongIBANChecksum, ValidationErrorsIBAN.WrongAccountBankBranchChecksum];

export function checkIban(input: string): IbanCheck {
  const iban = electronicFormatIBAN(input) ?? "";
  const { valid, errorCodes } = validateIBAN(iban);
  if (valid) return { ok: true, iban };
  return { ok: false, error: errorCodes.every((code) => CHECK_DIGIT_ERRORS.includes(code)) ? "checksum" : "format" };
}

export function normaliseIban(input: string): string | null {
  const checked = checkIban(input);
  return checked.ok ? checked.iban : null;
}

export function displayIban(iban: string): string {
  return friendlyFormatIBAN(iban) ?? iban;
}

export function normaliseBic(input: string): string | null {
  const bic = input.replace(/\s/g, "").toUpperCase();
  return isValidBIC(bic) ? bic : null;
}

/** Two BICs name the same institution and branch: "BNPAFRPP" and "BNPAFRPPXXX" (the primary office) are one. */
export function sameBic(a: string, b: string): boolean {
  const full = (bic: string) => (bic.length === 8 ? `${bic}XXX` : bic);
  return full(a.toUpperCase()) === full(b.toUpperCase());
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** SIRET: 14 digits with a Luhn key (La Poste's establishments use a digit sum that is a multiple of 5). */
export function normaliseSiret(input: string): string | null {
  const siret = input.replace(/[\s.]/g, "");
  if (!/^\d{14}$/.test(siret)) return null;
  if (siret.startsWith("356000000")) {
    return [...siret].reduce((sum, d) => sum + Number(d), 0) % 5 === 0 ? siret : null;
  }
  return luhn(siret) ? siret : null;
}

/** SIREN: 9 digits with a Luhn key. */
export function normaliseSiren(input: string): string | null {
  const siren = input.replace(/[\s.]/g, "");
  return /^\d{9}$/.test(siren) && luhn(siren) ? siren : null;
}

/** The SIREN a French VAT number is built on (FR + 2-digit key + SIREN), or null for any other number. */
export function sirenOfVatNumber(vatNumber: string): string | null {
  return /^FR\d{2}(\d{9})$/.exec(vatNumber)?.[1] ?? null;
}

/** EU VAT number; French numbers are checked against their key (FR + key + SIREN). */
export function normaliseVatNumber(input: string): string | null {
  const vat = input.replace(/[\s.-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vat)) return null;
  if (vat.startsWith("FR")) {
    const match = /^FR(\d{2})(\d{9})$/.exec(vat);
    if (!match) return /^FR[0-9A-Z]{2}\d{9}$/.test(vat) ? vat : null;
    const key = (12 + 3 * (Number(match[2]) % 97)) % 97;
    return key === Number(match[1]) ? vat : null;
  }
  return vat;
}

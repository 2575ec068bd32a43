import { electronicFormatIBAN, friendlyFormatIBAN, isValidBIC, isValidIBAN } from "ibantools";

export function normaliseIban(input: string): string | null {
  const iban = electronicFormatIBAN(input);
  return iban && isValidIBAN(iban) ? iban : null;
}

export function displayIban(iban: string): string {
  return friendlyFormatIBAN(iban) ?? iban;
}

export function normaliseBic(input: string): string | null {
  const bic = input.replace(/\s/g, "").toUpperCase();
  return isValidBIC(bic) ? bic : null;
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

import { randomInt } from "node:crypto";

/**
 * The unique mandate reference (RUM, "Référence Unique du Mandat"): at most 35 characters from the SEPA
 * set `A-Z a-z 0-9 / - ? : ( ) . , ' +` (no space), not starting with "/" and without "//" (EPC rules;
 * see ../shared/accounting-and-sepa.md §3). Unique per creditor: the database's unique index on
 * (organisationId, reference) is the guard, and a clash (1 in 32^10 per pair) is answered with a new one.
 */
export const RUM_MAX_LENGTH = 35;
const RUM_PATTERN = /^[A-Za-z0-9/?:().,'+-]{1,35}$/;

export function isValidRum(reference: string): boolean {
  return RUM_PATTERN.test(reference) && !reference.startsWith("/") && !reference.includes("//");
}

/** Crockford's base32 without I, L, O, U: no character a customer could misread when reading it aloud. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** "RUM-20261123-7K3QX9M2AB": the signing day, then 10 random characters (50 bits). */
export function generateRum(now: Date, random: (max: number) => number = randomInt): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  let tail = "";
  for (let i = 0; i < 10; i++) tail += ALPHABET[random(ALPHABET.length)];
  const reference = `RUM-${day}-${tail}`;
  if (!isValidRum(reference)) throw new Error("generated an invalid mandate reference");
  return reference;
}

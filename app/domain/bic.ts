import ibanToBic from "iban-to-bic";
import { normaliseBic, normaliseIban } from "./identifiers";

/**
 * The BIC of the bank an IBAN belongs to, when the bank is known, to propose to the merchant (who confirms
 * or corrects it: the BIC stored is always the one they saved). The bank-code → BIC tables come from
 * `iban-to-bic` (MIT; built from the ECB's list of financial institutions): they cover AT, BE, DE, ES, FR,
 * LU and NL, and France only partly (many regional Caisses d'Epargne and online banks are missing), so
 * "no proposal" is an ordinary answer.
 */
export function proposeBic(iban: string): string | null {
  const normalised = normaliseIban(iban);
  if (!normalised) return null;
  const bic = ibanToBic.ibanToBic(normalised);
  return typeof bic === "string" ? normaliseBic(bic) : null;
}

import type { Translate } from "~/i18n";

/**
 * The mandate's legal text, as printed on the summary and the PDF and hashed into the signature trace: the
 * standard SEPA authorisation and the refund rights (8 weeks for an authorised debit, 13 months for an
 * unauthorised one: CMF L133-25 and L133-24, see ../shared/accounting-and-sepa.md §3).
 */
export function mandateLegalText(t: Translate, creditorName: string) {
  return [t("mandate.legal.authorisation", { creditor: creditorName }), t("mandate.legal.refund"), t("mandate.legal.rights")];
}

/** "3 rue Basse, 34000 Montpellier, FR": an address as one line. */
export function addressLine(address: { addressLine1?: string; addressLine2?: string; postalCode?: string; city?: string; country?: string }) {
  return [address.addressLine1, address.addressLine2, [address.postalCode, address.city].filter(Boolean).join(" "), address.country].filter(Boolean).join(", ");
}

import type { MessageKey, Translate } from "~/i18n";
import type { Parties } from "./service";

/**
 * The mentions French law asks of an invoice beyond its parties, lines and totals:
 * - from décret n° 2022-1299 (the e-invoicing reform, Sept 2026 / Sept 2027): the business customer's
 *   SIREN, the delivery address of goods when it is not the billing address, the nature of the operation
 *   (goods, services or both), and "option pour le paiement de la taxe d'après les débits" when the seller
 *   opted for it;
 * - for lines at 0 %, why no VAT is charged (CGI art. 242 nonies A: the exemption's legal basis, or
 *   "Autoliquidation" when the customer accounts for the VAT).
 * They are frozen with the parties at finalisation (`Parties.mentions`), so a finalised invoice never changes.
 */

export const OPERATION_NATURES = ["services", "goods", "mixed"] as const;
export type OperationNature = (typeof OPERATION_NATURES)[number];

export const VAT_EXEMPTIONS = ["franchise", "reverse_charge", "intra_eu_goods", "export"] as const;
export type VatExemption = (typeof VAT_EXEMPTIONS)[number];

/** A form's "no exemption" choice ("" would read as a field left out). */
export const NO_VAT_EXEMPTION = "none";

export function isOperationNature(value: unknown): value is OperationNature {
  return OPERATION_NATURES.includes(value as OperationNature);
}

/** A stored exemption reason, "" (none) for anything else. */
export function vatExemptionOf(value: unknown): VatExemption | "" {
  return VAT_EXEMPTIONS.includes(value as VatExemption) ? (value as VatExemption) : "";
}

/** What the invoice says about itself, kept in its snapshot at finalisation. */
export interface InvoiceTerms {
  operationNature: OperationNature;
  /** The seller opted to pay VAT on debits (services only). */
  vatOnDebits: boolean;
  /** Why its lines at 0 % carry no VAT; "" when none is given. */
  vatExemption: VatExemption | "";
}

export interface PostalAddress {
  addressLine1: string;
  addressLine2: string;
  postalCode: string;
  city: string;
  country: string;
}

/** An address as printed, one line each; the country only when it is not France. */
export function addressLines(address: PostalAddress): string[] {
  return [address.addressLine1, address.addressLine2, `${address.postalCode} ${address.city}`.trim(), address.country !== "FR" ? address.country : ""].filter(
    Boolean,
  );
}

/** The customer's delivery address, or null when they have none or it is their billing address. */
export function deliveryAddressOf(customer: {
  addressLine1: string;
  addressLine2: string;
  postalCode: string;
  city: string;
  country: string;
  deliveryAddressLine1: string;
  deliveryAddressLine2: string;
  deliveryPostalCode: string;
  deliveryCity: string;
  deliveryCountry: string;
}): PostalAddress | null {
  if (!customer.deliveryAddressLine1 && !customer.deliveryCity) return null;
  const delivery = {
    addressLine1: customer.deliveryAddressLine1,
    addressLine2: customer.deliveryAddressLine2,
    postalCode: customer.deliveryPostalCode,
    city: customer.deliveryCity,
    country: customer.deliveryCountry || customer.country,
  };
  const key = (address: PostalAddress) =>
    addressLines({ ...address, country: address.country || "FR" })
      .join("\n")
      .toLowerCase()
      .replace(/\s+/g, " ");
  return key(delivery) === key(customer) ? null : delivery;
}

export interface Mention {
  key: MessageKey;
  vars?: Record<string, string>;
  /** A mention within this one (its `{mention}`), translated with it. */
  inner?: MessageKey;
}

export function mentionText(t: Translate, mention: Mention): string {
  return t(mention.key, mention.inner ? { ...mention.vars, mention: t(mention.inner) } : mention.vars);
}

export interface PrintedMentions {
  /** Under the customer's name and address: their SIREN (or SIRET) and VAT number. */
  buyer: Mention[];
  /** Where the goods are delivered, when that is not the billing address (address lines). */
  delivery: string[] | null;
  /** Under the totals, in this order: nature of the operation, VAT on debits, the 0 % lines' exemption. */
  notes: Mention[];
}

/**
 * Which mentions an invoice prints, from its parties (frozen at finalisation, live for a draft) and the VAT
 * rates of its lines. An invoice finalised before these mentions existed has no `mentions` in its snapshot:
 * it prints what it printed then (the franchise mention when the seller had no VAT number and every line was at 0 %).
 */
export function printedMentions(parties: Parties, lineVatRates: readonly number[]): PrintedMentions {
  const { seller, buyer, mentions } = parties;
  const buyerIds: Mention[] = [];
  if (buyer.siren)
    buyerIds.push(buyer.siren.length === 14 ? { key: "pdf.siret", vars: { siret: buyer.siren } } : { key: "mentions.siren", vars: { siren: buyer.siren } });
  if (buyer.vatNumber) buyerIds.push({ key: "pdf.vatNumber", vars: { vat: buyer.vatNumber } });

  const zeroRated = lineVatRates.some((rate) => rate === 0);
  if (!mentions) {
    const franchise = !seller.vatNumber && lineVatRates.length > 0 && lineVatRates.every((rate) => rate === 0);
    return { buyer: buyerIds, delivery: null, notes: franchise ? [{ key: "pdf.vatExempt" }] : [] };
  }

  const notes: Mention[] = [{ key: `mentions.nature.${mentions.operationNature}` }];
  // Only a provider of services can opt: on an invoice of goods alone the option changes nothing.
  if (mentions.vatOnDebits && mentions.operationNature !== "goods") notes.push({ key: "mentions.vatOnDebits" });
  if (zeroRated && mentions.vatExemption) {
    const exemption: MessageKey = `mentions.exemption.${mentions.vatExemption}`;
    // With lines at other rates too, the mention says which lines it is about.
    notes.push(lineVatRates.every((rate) => rate === 0) ? { key: exemption } : { key: "mentions.zeroRatedLines", inner: exemption });
  }
  const delivery = mentions.operationNature !== "services" && buyer.delivery ? addressLines(buyer.delivery) : null;
  return { buyer: buyerIds, delivery, notes };
}

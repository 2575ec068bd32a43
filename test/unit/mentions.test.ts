import { describe, expect, it } from "vitest";
import { customerSchema } from "~/domain/customers";
import { type InvoiceTerms, deliveryAddressOf, mentionText, printedMentions } from "~/domain/invoices/mentions";
import type { Parties } from "~/domain/invoices/service";
import { translator } from "~/i18n";

const seller: Parties["seller"] = {
  legalName: "Atelier Rivière",
  addressLine1: "3 rue Basse",
  addressLine2: "",
  postalCode: "34000",
  city: "Montpellier",
  country: "FR",
  siret: "73282932000074",
  vatNumber: "FR44732829320",
  legalMentions: "",
  iban: "",
  bic: "",
};
const buyer: Parties["buyer"] = {
  name: "Sophie Leroy",
  company: "Leroy Immobilier",
  email: "",
  addressLine1: "1 place du Marché",
  addressLine2: "",
  postalCode: "69001",
  city: "Lyon",
  country: "FR",
  reference: "",
  siren: "",
  vatNumber: "",
  delivery: null,
};
const terms: InvoiceTerms = { operationNature: "services", vatOnDebits: false, vatExemption: "" };

const fr = translator("fr");
const en = translator("en");
const printed = (parties: Parties, rates: number[], t = fr) => {
  const mentions = printedMentions(parties, rates);
  return { buyer: mentions.buyer.map((m) => mentionText(t, m)), delivery: mentions.delivery, notes: mentions.notes.map((m) => mentionText(t, m)) };
};

describe("the invoice's legal mentions", () => {
  it("always state the nature of the operation, in the reader's language", () => {
    expect(printed({ seller, buyer, mentions: terms }, [2000]).notes).toEqual(["Nature de l'opération : prestation de services"]);
    expect(printed({ seller, buyer, mentions: { ...terms, operationNature: "goods" } }, [2000]).notes).toEqual(["Nature de l'opération : livraison de biens"]);
    expect(printed({ seller, buyer, mentions: { ...terms, operationNature: "mixed" } }, [2000], en).notes).toEqual([
      "Nature of the operation: supply of goods and services",
    ]);
  });

  it("print the customer's SIREN (or SIRET) and VAT number when they have them", () => {
    expect(printed({ seller, buyer, mentions: terms }, [2000]).buyer).toEqual([]);
    const business = { ...buyer, siren: "732829320", vatNumber: "FR44732829320" };
    expect(printed({ seller, buyer: business, mentions: terms }, [2000]).buyer).toEqual(["SIREN : 732829320", "TVA intracommunautaire : FR44732829320"]);
    expect(printed({ seller, buyer: { ...buyer, siren: "73282932000074" }, mentions: terms }, [2000], en).buyer).toEqual(["SIRET: 73282932000074"]);
  });

  it("print the delivery address for goods delivered elsewhere, not for services", () => {
    const delivery = { addressLine1: "Entrepôt 4", addressLine2: "ZI Nord", postalCode: "69100", city: "Villeurbanne", country: "FR" };
    const parties = (operationNature: InvoiceTerms["operationNature"]) => ({ seller, buyer: { ...buyer, delivery }, mentions: { ...terms, operationNature } });
    expect(printed(parties("goods"), [2000]).delivery).toEqual(["Entrepôt 4", "ZI Nord", "69100 Villeurbanne"]);
    expect(printed(parties("mixed"), [2000]).delivery).toEqual(["Entrepôt 4", "ZI Nord", "69100 Villeurbanne"]);
    expect(printed(parties("services"), [2000]).delivery).toBeNull();
  });

  it("take a delivery address only when it is not the billing address", () => {
    const customer = {
      ...buyer,
      deliveryAddressLine1: "",
      deliveryAddressLine2: "",
      deliveryPostalCode: "",
      deliveryCity: "",
      deliveryCountry: "",
    };
    expect(deliveryAddressOf(customer)).toBeNull();
    expect(deliveryAddressOf({ ...customer, deliveryAddressLine1: "1 Place du  marché", deliveryPostalCode: "69001", deliveryCity: "LYON" })).toBeNull();
    expect(deliveryAddressOf({ ...customer, deliveryAddressLine1: "Entrepôt 4", deliveryPostalCode: "69100", deliveryCity: "Villeurbanne" })).toEqual({
      addressLine1: "Entrepôt 4",
      addressLine2: "",
      postalCode: "69100",
      city: "Villeurbanne",
      country: "FR",
    });
  });

  it("state the option for VAT on debits when the seller opted, on invoices that include services", () => {
    const opted = { ...terms, vatOnDebits: true };
    expect(printed({ seller, buyer, mentions: opted }, [2000]).notes).toContain("Option pour le paiement de la taxe d'après les débits");
    expect(printed({ seller, buyer, mentions: { ...opted, operationNature: "mixed" } }, [2000]).notes).toContain(
      "Option pour le paiement de la taxe d'après les débits",
    );
    expect(printed({ seller, buyer, mentions: { ...opted, operationNature: "goods" } }, [2000]).notes).toHaveLength(1);
    expect(printed({ seller, buyer, mentions: terms }, [2000]).notes).toHaveLength(1);
  });

  it("give the chosen exemption's legal text when lines are at 0 %, and name those lines when other rates are there too", () => {
    const exempt = (vatExemption: InvoiceTerms["vatExemption"], rates: number[], t = fr) =>
      printed({ seller: { ...seller, vatNumber: "" }, buyer, mentions: { ...terms, vatExemption } }, rates, t).notes.slice(1);
    expect(exempt("franchise", [0, 0])).toEqual(["TVA non applicable, art. 293 B du CGI"]);
    expect(exempt("reverse_charge", [0])).toEqual(["Autoliquidation"]);
    expect(exempt("intra_eu_goods", [0])).toEqual(["Exonération de TVA, art. 262 ter, I du CGI"]);
    expect(exempt("export", [0], en)).toEqual(["VAT exempt: export outside the EU, art. 262 I of the French General Tax Code (CGI)"]);
    expect(exempt("reverse_charge", [2000, 0])).toEqual(["Lignes à 0 % : Autoliquidation"]);
    // No line at 0 %, or no reason chosen: nothing to say.
    expect(exempt("franchise", [2000])).toEqual([]);
    expect(exempt("", [0])).toEqual([]);
  });

  it("of an invoice finalised before these mentions are what it printed then", () => {
    const before = { seller: { ...seller, vatNumber: "" }, buyer: { ...buyer, siren: undefined, vatNumber: undefined, delivery: undefined } };
    expect(printed(before, [0, 0])).toEqual({ buyer: [], delivery: null, notes: ["TVA non applicable, art. 293 B du CGI."] });
    expect(printed(before, [2000, 0]).notes).toEqual([]);
    expect(printed({ ...before, seller }, [0]).notes).toEqual([]);
  });
});

describe("the customer form's business fields", () => {
  const base = { name: "Sophie Leroy", locale: "fr", country: "FR" };
  const errors = (fields: Record<string, string>) => {
    const result = customerSchema.safeParse({ ...base, ...fields });
    return result.success ? {} : Object.fromEntries(result.error.issues.map((issue) => [issue.path.join("."), issue.message]));
  };

  it("accept a SIREN or a SIRET with a valid key, and a VAT number of the same company", () => {
    expect(customerSchema.parse({ ...base, siren: "732 829 320", vatNumber: "fr 44 732829320" })).toMatchObject({
      siren: "732829320",
      vatNumber: "FR44732829320",
    });
    expect(customerSchema.parse({ ...base, siren: "73282932000074", vatNumber: "FR44732829320" }).siren).toBe("73282932000074");
    expect(customerSchema.parse({ ...base, vatNumber: "DE123456789" }).vatNumber).toBe("DE123456789");
  });

  it("refuse a wrong SIREN key, a wrong VAT key, and a VAT number of another company", () => {
    expect(errors({ siren: "732829321" })).toEqual({ siren: "errors.siren" });
    expect(errors({ vatNumber: "FR45732829320" })).toEqual({ vatNumber: "errors.vatNumber" });
    // FR83404833048 is a valid VAT number, of SIREN 404833048.
    expect(errors({ siren: "732829320", vatNumber: "FR83404833048" })).toEqual({ vatNumber: "errors.vatNumberNotSiren" });
  });

  it("want a delivery address whole or not at all", () => {
    expect(errors({ deliveryPostalCode: "69100" })).toEqual({ deliveryAddressLine1: "errors.required", deliveryCity: "errors.required" });
    expect(errors({ deliveryAddressLine1: "Entrepôt 4", deliveryCity: "Villeurbanne", deliveryCountry: "be" })).toEqual({});
    expect(customerSchema.parse({ ...base, deliveryAddressLine1: "Entrepôt 4", deliveryCity: "Gent", deliveryCountry: "be" }).deliveryCountry).toBe("BE");
  });
});

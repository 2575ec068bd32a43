import { describe, expect, it } from "vitest";
import { proposeBic } from "~/domain/bic";
import { sameBic } from "~/domain/identifiers";

describe("the BIC proposed from an IBAN", () => {
  it("is the bank's BIC for a French bank code in the tables", () => {
    expect(proposeBic("FR76 3000 6000 0112 3456 7890 189")).toBe("AGRIFRPPXXX"); // 30006 Crédit Agricole
    expect(proposeBic("FR7630004000031234567890143")).toBe("BNPAFRPPXXX"); // 30004 BNP Paribas
    expect(proposeBic("FR1420041010050500013M02606")).toBe("PSSTFRPPXXX"); // 20041 La Banque Postale
  });

  it("is none for a bank code the tables do not have, and for an invalid IBAN", () => {
    expect(proposeBic("FR7616958000011234567890177")).toBeNull(); // 16958: a valid IBAN, bank not listed
    expect(proposeBic("FR7630006000011234567890188")).toBeNull(); // wrong check digits
    expect(proposeBic("")).toBeNull();
  });

  it("is compared with the merchant's own as the same office with or without XXX", () => {
    expect(sameBic("AGRIFRPP", "AGRIFRPPXXX")).toBe(true);
    expect(sameBic("agrifrppxxx", "AGRIFRPPXXX")).toBe(true);
    expect(sameBic("AGRIFRPP882", "AGRIFRPPXXX")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { checkIban, normaliseBic, normaliseIban, normaliseSiren, normaliseSiret, normaliseVatNumber, sirenOfVatNumber } from "~/domain/identifiers";

describe("bank and company identifiers", () => {
  it("accepts a valid IBAN typed with spaces and lower case, and refuses a wrong checksum", () => {
    expect(normaliseIban("fr76 3000 6000 0112 3456 7890 189")).toBe("FR7630006000011234567890189");
    expect(normaliseIban("FR7630006000011234567890188")).toBeNull();
    expect(normaliseIban("not an iban")).toBeNull();
  });

  it("tells a mistyped IBAN (check digits) from one that is not shaped like an IBAN", () => {
    expect(checkIban("fr76 3000 6000 0112 3456 7890 189")).toEqual({ ok: true, iban: "FR7630006000011234567890189" });
    // Right shape, one digit wrong: both the IBAN's check digits and the French RIB key fail.
    expect(checkIban("FR76 3000 6000 0112 3456 7890 188")).toEqual({ ok: false, error: "checksum" });
    // Only the two check digits after FR wrong.
    expect(checkIban("FR7730006000011234567890189")).toEqual({ ok: false, error: "checksum" });
    // A digit missing, an unknown country, letters where digits go, nothing IBAN-like.
    expect(checkIban("FR76 3000 6000 0112 3456 7890 18")).toEqual({ ok: false, error: "format" });
    expect(checkIban("XX7630006000011234567890189")).toEqual({ ok: false, error: "format" });
    expect(checkIban("FR7A30006000011234567890189")).toEqual({ ok: false, error: "format" });
    expect(checkIban("not an iban")).toEqual({ ok: false, error: "format" });
  });

  it("checks BIC format", () => {
    expect(normaliseBic("agrifrpp")).toBe("AGRIFRPP");
    expect(normaliseBic("AGRIFRPPXXX")).toBe("AGRIFRPPXXX");
    expect(normaliseBic("AGRI")).toBeNull();
  });

  it("checks the SIRET key, including La Poste's exception", () => {
    expect(normaliseSiret("732 829 320 00074")).toBe("73282932000074");
    expect(normaliseSiret("73282932000075")).toBeNull();
    expect(normaliseSiret("35600000049837")).toBe("35600000049837");
    expect(normaliseSiret("1234")).toBeNull();
  });

  it("checks the SIREN key", () => {
    expect(normaliseSiren("732 829 320")).toBe("732829320");
    expect(normaliseSiren("732829321")).toBeNull();
    expect(normaliseSiren("356000000")).toBe("356000000"); // La Poste
    expect(normaliseSiren("73282932")).toBeNull();
    expect(normaliseSiren("73282932000074")).toBeNull(); // a SIRET is not a SIREN
  });

  it("reads the SIREN a French VAT number is built on", () => {
    expect(sirenOfVatNumber("FR44732829320")).toBe("732829320");
    expect(sirenOfVatNumber("FRXX732829320")).toBeNull();
    expect(sirenOfVatNumber("DE123456789")).toBeNull();
  });

  it("checks the French VAT key against the SIREN", () => {
    expect(normaliseVatNumber("FR 44 732829320")).toBe("FR44732829320");
    expect(normaliseVatNumber("FR45732829320")).toBeNull();
    expect(normaliseVatNumber("DE123456789")).toBe("DE123456789");
    expect(normaliseVatNumber("12")).toBeNull();
  });
});

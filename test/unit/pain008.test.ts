import { describe, expect, it } from "vitest";
import { buildPain008, type DebitLine, isSepaId, sepaText } from "~/domain/debit-files/pain008";
import { validateAgainstXsd } from "../helpers/xsd";

const creditor = { name: "Syndicat des copropriétaires Gilbert", iban: "FR76 3000 6000 0112 3456 7890 189", bic: "AGRIFRPP", ics: "FR13ZZZ437149" };
const line = (overrides: Partial<DebitLine> = {}): DebitLine => ({
  debtorName: "Pierre Propriétaire",
  debtorIban: "FR7630006000011234567890189",
  debtorBic: "CEPAFRPP513",
  mandateReference: "RUM-2026-0001",
  mandateSignedOn: new Date("2026-10-01T00:00:00Z"),
  amountMinor: 6563,
  currency: "EUR",
  endToEndId: "F2026-0001-1",
  remittance: "Facture F2026-0001 — appel de fonds",
  sequenceType: "OOFF",
  collectionDate: new Date("2026-12-01T00:00:00Z"),
  ...overrides,
});

describe("pain.008 debit files", () => {
  it("are valid against the official pain.008.001.02 XSD, grouped by collection date and sequence type, with the right totals", async () => {
    const lines = [
      line(),
      line({ endToEndId: "E2E-2", amountMinor: 10, sequenceType: "RCUR", mandateReference: "RUM-2" }),
      line({ endToEndId: "E2E-3", amountMinor: 123456, sequenceType: "RCUR", mandateReference: "RUM-3", debtorBic: "" }),
      line({ endToEndId: "E2E-4", amountMinor: 1, collectionDate: new Date("2026-12-05T00:00:00Z") }),
    ];
    const file = buildPain008(creditor, lines, { messageId: "DF20261123-0001", createdAt: new Date("2026-11-23T10:00:00Z") });
    const validation = await validateAgainstXsd(file.xml, "pain.008.001.02.xsd");
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(file.transactionCount).toBe(4);
    expect(file.controlSumMinor).toBe(6563 + 10 + 123456 + 1);
    expect(file.groups).toEqual([
      { collectionDate: "2026-12-01", sequenceType: "OOFF", count: 1, sumMinor: 6563 },
      { collectionDate: "2026-12-01", sequenceType: "RCUR", count: 2, sumMinor: 123466 },
      { collectionDate: "2026-12-05", sequenceType: "OOFF", count: 1, sumMinor: 1 },
    ]);
    const xml = file.xml;
    expect(xml).toContain('xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"');
    expect(/<GrpHdr>[\s\S]*?<NbOfTxs>4<\/NbOfTxs>[\s\S]*?<CtrlSum>1300.30<\/CtrlSum>/.test(xml)).toBe(true);
    expect(xml.match(/<PmtInf>/g)).toHaveLength(3);
    expect(xml).toContain("<CtrlSum>1234.66</CtrlSum>");
    expect(xml).toContain('<InstdAmt Ccy="EUR">0.01</InstdAmt>');
    expect(xml).toContain("<Id>FR13ZZZ437149</Id>");
    expect(xml).toContain("<MndtId>RUM-2026-0001</MndtId>");
    expect(xml).toContain("<DtOfSgntr>2026-10-01</DtOfSgntr>");
    expect(xml).toContain("<ReqdColltnDt>2026-12-05</ReqdColltnDt>");
    expect(xml).toContain("<Nm>Pierre Proprietaire</Nm>");
    expect(xml).toContain("<Ustrd>Facture F2026-0001 appel de fonds</Ustrd>");
    expect(xml).toContain("NOTPROVIDED");
    expect(xml).toContain("<Cd>CORE</Cd>");
    // The validator does refuse a file the schema does not allow.
    const broken = await validateAgainstXsd(xml.replace(/<ReqdColltnDt>[^<]*<\/ReqdColltnDt>/, ""), "pain.008.001.02.xsd");
    expect(broken.valid).toBe(false);
  });

  it("refuses what the scheme would refuse", () => {
    const header = { messageId: "DF-1", createdAt: new Date() };
    expect(() => buildPain008(creditor, [], header)).toThrow(/no debit/);
    expect(() => buildPain008(creditor, [line({ currency: "GBP" })], header)).toThrow(/euros/);
    expect(() => buildPain008(creditor, [line({ amountMinor: 0 })], header)).toThrow(/amount/);
    expect(() => buildPain008({ ...creditor, ics: "FR00ZZZ437149" }, [line()], header)).toThrow(/ICS/);
    expect(() => buildPain008(creditor, [line({ debtorIban: "FR7630006000011234567890188" })], header)).toThrow();
    expect(() => buildPain008(creditor, [line({ endToEndId: "a//b" })], header)).toThrow(/end-to-end/);
  });

  it("writes only the SEPA character set", () => {
    expect(sepaText("Œuvre d'Éloïse & Cie — n°5 ", 70)).toBe("OEuvre d'Eloise Cie n 5");
    expect(isSepaId("RUM-1/2026")).toBe(true);
    expect(isSepaId("/RUM")).toBe(false);
    expect(isSepaId("RUM 1")).toBe(false);
  });
});

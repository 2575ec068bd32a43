import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCamt } from "~/domain/imports/camt";
import { columnIndex, decodeBytes, detectSeparator, parseCsvFile } from "~/domain/imports/csv";
import { parseFileAmount, parseFileDate } from "~/domain/imports/parse-values";

const win1252 = (text: string) => Uint8Array.from([...text].map((c) => ({ é: 0xe9, è: 0xe8, ç: 0xe7, "€": 0x80 })[c] ?? c.charCodeAt(0)));

describe("amounts in payment files", () => {
  it.each([
    ["1 234,56", "auto", 123456],
    ["1.234,56", "auto", 123456],
    ["1,234.56", "auto", 123456],
    ["-12,50 €", "auto", -1250],
    ["+1234.5", "auto", 123450],
    ["1234", "auto", 123400],
    ["1.234", "auto", 123400],
    ["330,00", "comma", 33000],
    ["1.234,5", "comma", 123450],
    ["1234.56", "point", 123456],
    ["12\u00a0345,00", "comma", 1234500],
    ["(15,00)", "auto", -1500],
  ] as const)("%s (%s) is %d minor units", (text, mark, minor) => {
    expect(parseFileAmount(text, mark)).toBe(minor);
  });
  it.each(["", "abc", "12,345", "1,2,3x", "--5"])("%j is no amount with a comma decimal", (text) => {
    expect(parseFileAmount(text, "comma")).toBeNull();
  });
});

describe("dates in payment files", () => {
  it("reads French and ISO days", () => {
    expect(parseFileDate("05/11/2026")?.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(parseFileDate("5.11.26")?.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(parseFileDate("2026-11-05")?.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(parseFileDate("2026-11-05T10:00:00+01:00")?.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(parseFileDate("31/02/2026")).toBeNull();
    expect(parseFileDate("demain")).toBeNull();
  });
});

describe("CSV files", () => {
  it("decodes UTF-8, and Windows-1252 when the bytes are not UTF-8", () => {
    expect(decodeBytes(new TextEncoder().encode("Libellé")).encoding).toBe("utf-8");
    const decoded = decodeBytes(win1252("Libellé;Montant €"));
    expect(decoded).toEqual({ text: "Libellé;Montant €", encoding: "windows-1252" });
  });

  it("detects the separator and finds columns by header, accents and case aside, or by number", () => {
    expect(detectSeparator('Date;Montant;"Libellé; long"\n')).toBe(";");
    expect(detectSeparator("Date,Montant,Libellé\n")).toBe(",");
    expect(detectSeparator("Date\tMontant\tLibellé\n")).toBe("\t");
    expect(columnIndex(["Date d'opération", "Libellé"], "libelle")).toBe(1);
    expect(columnIndex(["a", "b", "c"], "3")).toBe(2);
    expect(columnIndex(["a"], "z")).toBe(-1);
  });

  it("reads the lines through the mapping; money paid out and unreadable rows are ignored", () => {
    const file = win1252(
      "Date;Montant;Libellé;Payeur;Réf client\r\n10/08/2019;330,00;Règlement F2019-0001;MARITON Paul;81MARITON\r\n10/08/2019;-12,00;Frais;;\r\nhier;5,00;?;;\r\n",
    );
    const result = parseCsvFile(
      file,
      { dateColumn: "Date", amountColumn: "Montant", referenceColumn: "Libellé", payerColumn: "Payeur", customerRefColumn: "Réf client", decimal: "comma" },
      "EUR",
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.encoding).toBe("windows-1252");
    expect(result.lines.map((l) => [l.lineNo, l.kind, l.amountMinor, l.reference, l.payerName, l.customerRef])).toEqual([
      [1, "credit", 33000, "Règlement F2019-0001", "MARITON Paul", "81MARITON"],
      [2, "ignored", 1200, "Frais", "", ""],
      [3, "ignored", 500, "?", "", ""],
    ]);
  });

  it("names the mapped columns a file does not have", () => {
    const result = parseCsvFile(
      new TextEncoder().encode("a,b\n1,2\n"),
      { dateColumn: "Date", amountColumn: "b", referenceColumn: "a", payerColumn: "", customerRefColumn: "", decimal: "auto" },
      "EUR",
    );
    expect(result).toEqual({ ok: false, error: "imports.errors.columns", missing: ["Date"] });
  });
});

const CAMT_053 = readFileSync(new URL("../fixtures/imports/statement.camt053.xml", import.meta.url), "utf8");

describe("CAMT.053 statements", () => {
  it("reads credits (a batch split into its transactions), returns and ignored debits", () => {
    const result = parseCamt(new TextEncoder().encode(CAMT_053));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.lines.map((l) => [l.kind, l.amountMinor, l.currency, l.reference, l.payerName, l.endToEndId, l.returnReason])).toEqual([
      ["credit", 12000, "EUR", "Facture F2026-0001", "Julie Bernard", "E2E-0001", ""],
      ["credit", 5050, "EUR", "VIR SANS REF", "", "", ""],
      ["credit", 2500, "EUR", "RF18539007547034", "ACME", "", ""],
      ["ignored", 990, "EUR", "FRAIS BANCAIRES", "", "", ""],
      ["return", 12000, "EUR", "Facture F2026-0001", "", "E2E-0001", "AM04"],
    ]);
    expect(result.lines[0].bookedOn.toISOString()).toBe("2026-11-19T00:00:00.000Z");
  });

  it("reads the .001.08 layout (debtor under Pty)", () => {
    const xml = CAMT_053.replace("camt.053.001.02", "camt.053.001.08").replace(
      "<Dbtr><Nm>Julie Bernard</Nm></Dbtr>",
      "<Dbtr><Pty><Nm>Julie Bernard</Nm></Pty></Dbtr>",
    );
    const result = parseCamt(new TextEncoder().encode(xml));
    expect(result.ok && result.lines[0].payerName).toBe("Julie Bernard");
  });

  it("refuses XML that is no statement", () => {
    expect(parseCamt(new TextEncoder().encode("<Document><Other/></Document>"))).toEqual({ ok: false, error: "imports.errors.notCamt" });
  });
});

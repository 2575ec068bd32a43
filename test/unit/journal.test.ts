/**
 * Issue 16: the FEC's formats (LPF art. A47 A-1), account numbering of the French chart, and entries that
 * always balance.
 */
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FEC_COLUMNS, fecAmount, fecDate, fecFile, fecFileName, fecRecords, fecText, periodOf, sirenOf } from "~/domain/journal/fec";
import { isBalanced, saleLines } from "~/domain/journal/posting";
import {
  DEFAULT_SETTINGS,
  accountingSettingsSchema,
  codeFromReference,
  generatedCustomerCode,
  isAccountOf,
  journalFor,
  journalLabel,
  vatAccountFor,
} from "~/domain/journal/settings";

describe("FEC formats", () => {
  it("writes amounts with a decimal comma, no thousands separator, the currency's decimals", () => {
    expect(fecAmount(123456)).toBe("1234,56");
    expect(fecAmount(5)).toBe("0,05");
    expect(fecAmount(0)).toBe("0,00");
    expect(fecAmount(-1999)).toBe("-19,99");
    expect(fecAmount(100000000)).toBe("1000000,00");
    expect(fecAmount(1500, "JPY")).toBe("1500");
  });

  it("writes dates AAAAMMJJ and the legal file name <SIREN>FEC<closing date>.txt", () => {
    expect(fecDate(new Date("2026-03-09T00:00:00Z"))).toBe("20260309");
    expect(fecFileName("732829320", new Date(Date.UTC(2026, 11, 31)))).toBe("732829320FEC20261231.txt");
    expect(sirenOf("73282932000074")).toBe("732829320");
    expect(sirenOf("")).toBe("");
  });

  it("keeps separators and line breaks out of text fields", () => {
    expect(fecText("Règlement\tDupont\r\nfacture | 12")).toBe("Règlement Dupont facture 12");
  });

  it("reads a year or a range of days, and refuses what is neither", () => {
    expect(periodOf(new URL("http://x/?year=2026"))).toEqual({ from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-12-31T00:00:00Z") });
    expect(periodOf(new URL("http://x/?from=2026-07-01&to=2027-06-30"))?.to).toEqual(new Date("2027-06-30T00:00:00Z"));
    expect(periodOf(new URL("http://x/?year=abc"))).toBeNull();
    expect(periodOf(new URL("http://x/?from=2026-03-02&to=2026-03-01"))).toBeNull();
  });

  const entry = {
    journalCode: "BQ",
    journalLabel: "Encaissements virement",
    number: 7,
    date: new Date("2026-11-20T00:00:00Z"),
    pieceRef: "BQ00007",
    pieceDate: new Date("2026-11-20T00:00:00Z"),
    currency: "EUR",
    validatedAt: new Date("2026-11-25T10:00:00Z"),
    lines: [
      { accountNumber: "512000", accountLabel: "Banque", auxNumber: "", auxLabel: "", label: "Règlement Société Œuvre €", debitMinor: 36000, creditMinor: 0 },
      {
        accountNumber: "411000",
        accountLabel: "Clients",
        auxNumber: "411C0001",
        auxLabel: "Société Œuvre",
        label: "Règlement Société Œuvre €",
        debitMinor: 0,
        creditMinor: 36000,
      },
    ],
  };

  it("has the 18 columns in order, and a sample line checked field by field", () => {
    const [header, bank, customer] = fecRecords([entry, { ...entry, validatedAt: null }]);
    expect(header).toEqual([...FEC_COLUMNS]);
    expect(header.join("|")).toBe(
      "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise",
    );
    expect(bank).toEqual([
      "BQ",
      "Encaissements virement",
      "7",
      "20261120",
      "512000",
      "Banque",
      "",
      "",
      "BQ00007",
      "20261120",
      "Règlement Société Œuvre €",
      "360,00",
      "0,00",
      "",
      "",
      "20261125",
      "",
      "",
    ]);
    expect(customer.slice(4, 8)).toEqual(["411000", "Clients", "411C0001", "Société Œuvre"]);
    expect(customer.slice(11, 13)).toEqual(["0,00", "360,00"]);
  });

  it("is tab-separated ISO 8859-15 with CRLF, and leaves out entries not validated", () => {
    const file = fecFile([entry, { ...entry, number: 8, validatedAt: null }]);
    // € and Œ exist in ISO 8859-15 (0xA4, 0xBC), not in Latin-1.
    expect(file.includes(0xa4)).toBe(true);
    expect(file.includes(0xbc)).toBe(true);
    const text = iconv.decode(file, "iso-8859-15");
    const records = text.split("\r\n").filter(Boolean);
    expect(records).toHaveLength(3);
    for (const record of records) expect(record.split("\t")).toHaveLength(18);
    expect(text).toContain("Règlement Société Œuvre €");
  });
});

describe("accounts of the French chart", () => {
  it("checks an account's class and digits", () => {
    expect(isAccountOf("512000", ["5"])).toBe(true);
    expect(isAccountOf("411000", ["411"])).toBe(true);
    expect(isAccountOf("401000", ["411"])).toBe(false);
    expect(isAccountOf("51A", ["5"])).toBe(false);
    expect(isAccountOf("51", ["5"])).toBe(false);
  });

  it("numbers customers C0001… or from their reference, and VAT accounts per rate", () => {
    expect(generatedCustomerCode(1)).toBe("C0001");
    expect(generatedCustomerCode(12345)).toBe("C12345");
    expect(codeFromReference("  Élodie-Dupré n°7 ")).toBe("ELODIEDUPREN7");
    expect(vatAccountFor(DEFAULT_SETTINGS, 2000)).toBe("4457120");
    expect(vatAccountFor(DEFAULT_SETTINGS, 550)).toBe("4457155");
    expect(vatAccountFor(DEFAULT_SETTINGS, 850)).toBe("4457185");
    expect(vatAccountFor({ ...DEFAULT_SETTINGS, vatAccounts: JSON.stringify({ 2000: "445711" }) }, 2000)).toBe("445711");
  });

  it("gives each method its journal and names the journals", () => {
    expect(journalFor(DEFAULT_SETTINGS, "card")).toBe("CB");
    expect(journalFor(DEFAULT_SETTINGS, "direct_debit")).toBe("PRL");
    expect(journalFor(DEFAULT_SETTINGS, "cash")).toBe("BQ");
    expect(journalLabel(DEFAULT_SETTINGS, "VT")).toBe("Ventes");
    expect(journalLabel(DEFAULT_SETTINGS, "CB")).toBe("Encaissements carte");
    // BQ is shared by transfers, cheques and the rest: the bank journal.
    expect(journalLabel(DEFAULT_SETTINGS, "BQ")).toBe("Banque");
  });

  it("refuses a bank account outside class 5 and a journal code with spaces", () => {
    const form = {
      ...Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [k, String(v ?? "")])),
      pieceRequired: "on",
      customerAuxSource: "generated",
    };
    expect(accountingSettingsSchema.safeParse(form).success).toBe(true);
    const wrong = accountingSettingsSchema.safeParse({ ...form, bankAccount: "411000", journalCard: "C B!" });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.path[0]).sort()).toEqual(["bankAccount", "journalCard"]);
  });
});

describe("entries", () => {
  const invoice = {
    id: "i1",
    number: "F2026-0001",
    issueDate: new Date("2026-11-01T00:00:00Z"),
    currency: "EUR",
    totalMinor: 0,
    customerId: "c1",
    customer: { name: "Jean", company: "" },
    lines: [
      { vatRateBasisPoints: 2000, totalMinor: 10000 },
      { vatRateBasisPoints: 2000, totalMinor: 333 },
      { vatRateBasisPoints: 550, totalMinor: 1999 },
      { vatRateBasisPoints: 0, totalMinor: 500 },
    ],
  };

  it("a sale: customer debit, sales and VAT credit per rate, balanced; a credit note the reverse", () => {
    const lines = saleLines(DEFAULT_SETTINGS, invoice, "services", "411C0001", "Facture", false);
    expect(isBalanced(lines)).toBe(true);
    expect(lines.map((l) => [l.accountNumber, l.debitMinor, l.creditMinor])).toEqual([
      ["411000", 15009, 0],
      ["706000", 0, 10333],
      ["4457120", 0, 2067],
      ["706000", 0, 1999],
      ["4457155", 0, 110],
      ["706000", 0, 500],
    ]);
    const credit = saleLines(DEFAULT_SETTINGS, invoice, "goods", "411C0001", "Avoir", true);
    expect(isBalanced(credit)).toBe(true);
    expect(credit[0]).toMatchObject({ accountNumber: "411000", debitMinor: 0, creditMinor: 15009 });
    expect(credit[1]).toMatchObject({ accountNumber: "707000", debitMinor: 10333 });
  });

  it("is balanced only with two lines or more, whole non-negative amounts, debit = credit", () => {
    expect(isBalanced([{ debitMinor: 100, creditMinor: 0 }])).toBe(false);
    expect(
      isBalanced([
        { debitMinor: 100, creditMinor: 0 },
        { debitMinor: 0, creditMinor: 99 },
      ]),
    ).toBe(false);
    expect(
      isBalanced([
        { debitMinor: -100, creditMinor: 0 },
        { debitMinor: 0, creditMinor: -100 },
      ]),
    ).toBe(false);
    expect(
      isBalanced([
        { debitMinor: 100, creditMinor: 0 },
        { debitMinor: 0, creditMinor: 100 },
      ]),
    ).toBe(true);
  });
});

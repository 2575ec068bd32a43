import { describe, expect, it } from "vitest";
import { icsCheckDigits, normaliseIcs } from "~/domain/mandates/creditor";
import { addMonthsClamped, splitInstalments } from "~/domain/mandates/instalments";
import { RUM_MAX_LENGTH, generateRum, isValidRum } from "~/domain/mandates/reference";

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const iso = (date: Date) => date.toISOString().slice(0, 10);

describe("the mandate reference (RUM)", () => {
  it("is made of SEPA characters, at most 35, dated, and different each time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const rum = generateRum(day("2026-11-23"));
      expect(rum).toMatch(/^RUM-20261123-[0-9A-HJKMNP-TV-Z]{10}$/);
      expect(rum.length).toBeLessThanOrEqual(RUM_MAX_LENGTH);
      expect(isValidRum(rum)).toBe(true);
      seen.add(rum);
    }
    expect(seen.size).toBe(2000);
  });

  it("refuses what SEPA refuses: space, accents, over 35, a leading slash, a double slash, empty", () => {
    expect(isValidRum("0000G0191101091307442")).toBe(true); // seed 002's
    expect(isValidRum("ABC-12/3?:().,'+")).toBe(true);
    expect(isValidRum("A".repeat(35))).toBe(true);
    for (const bad of ["RUM 1", "RUMé", "A".repeat(36), "/RUM", "RUM//1", "", "RUM_1", "RUM*1"]) expect(isValidRum(bad), bad).toBe(false);
  });
});

describe("the creditor identifier (ICS)", () => {
  it("accepts well-formed identifiers whose check digits match (business code left out of the key)", () => {
    expect(normaliseIcs("FR13ZZZ437149")).toBe("FR13ZZZ437149"); // seed 002's
    expect(normaliseIcs("fr13 zzz 437149")).toBe("FR13ZZZ437149");
    expect(normaliseIcs("FR13ABC437149")).toBe("FR13ABC437149"); // another business code, same key
    expect(normaliseIcs("DE98ZZZ09999999999")).toBe("DE98ZZZ09999999999"); // sepa.js's example
    expect(icsCheckDigits("DE", "09999999999")).toBe("98");
  });

  it("refuses wrong check digits, a French one of the wrong length, and rubbish", () => {
    for (const bad of ["FR14ZZZ437149", "FR13ZZZ43714", "FR13ZZZ4371490", "FR1 149 44558", "", "ZZZ437149", "FR13ZZ_437149"]) {
      expect(normaliseIcs(bad), bad).toBeNull();
    }
  });
});

describe("three monthly collections", () => {
  it("add up to the total exactly for any amount, none more than a cent above another", () => {
    const amounts = [1, 2, 3, 4, 5, 99, 100, 101, 1_000, 33_333, 36_000, 99_999, 1_000_001, 123_456_789, Number.MAX_SAFE_INTEGER];
    for (let n = 1; n <= 3000; n++) amounts.push(n * 7 + (n % 3));
    for (const total of amounts) {
      const split = splitInstalments(total, day("2026-12-01"));
      expect(split).toHaveLength(3);
      expect(split.reduce((sum, c) => sum + c.amountMinor, 0)).toBe(total);
      const values = split.map((c) => c.amountMinor);
      expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      expect(values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    }
    expect(splitInstalments(1, day("2026-12-01")).map((c) => c.amountMinor)).toEqual([1, 0, 0]);
    expect(splitInstalments(2, day("2026-12-01")).map((c) => c.amountMinor)).toEqual([1, 1, 0]);
    expect(splitInstalments(100, day("2026-12-01")).map((c) => c.amountMinor)).toEqual([34, 33, 33]);
    expect(splitInstalments(1_000_001, day("2026-12-01")).map((c) => c.amountMinor)).toEqual([333_334, 333_334, 333_333]);
  });

  it("are a month apart from the start, on the month's last day when it is shorter", () => {
    expect(splitInstalments(300, day("2026-12-15")).map((c) => iso(c.date))).toEqual(["2026-12-15", "2027-01-15", "2027-02-15"]);
    expect(splitInstalments(300, day("2027-01-31")).map((c) => iso(c.date))).toEqual(["2027-01-31", "2027-02-28", "2027-03-31"]);
    expect(splitInstalments(300, day("2027-12-31")).map((c) => iso(c.date))).toEqual(["2027-12-31", "2028-01-31", "2028-02-29"]);
    expect(splitInstalments(300, day("2026-11-30")).map((c) => iso(c.date))).toEqual(["2026-11-30", "2026-12-30", "2027-01-30"]);
    expect(iso(addMonthsClamped(day("2026-08-31"), 1))).toBe("2026-09-30");
  });

  it("refuses a total that is not a positive whole number of minor units", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) expect(() => splitInstalments(bad, day("2026-12-01"))).toThrow(RangeError);
  });
});

describe("what the signing flow shows and sends", () => {
  it("masks an IBAN to its country, check digits and last four characters", async () => {
    const { maskIban } = await import("~/domain/mandates/service");
    expect(maskIban("FR7630006000011234567890189")).toBe("FR76 •••• •••• •••• •••• •••0 189");
    expect(maskIban("DE89370400440532013000")).toBe("DE89 •••• •••• •••• ••30 00");
  });

  it("reads French and international mobile numbers as E.164, and masks them", async () => {
    const { maskPhone, normalisePhone } = await import("../../integrations/sms");
    expect(normalisePhone("06 12 34 56 78")).toBe("+33612345678");
    expect(normalisePhone("+33 7.12.34.56.78")).toBe("+33712345678");
    expect(normalisePhone("0033612345678")).toBe("+33612345678");
    expect(normalisePhone("+44 7911 123456")).toBe("+447911123456");
    for (const bad of ["01 23 45 67 89", "12345", "", "+0612345678", "06 12 34 56"]) expect(normalisePhone(bad), bad).toBeNull();
    expect(maskPhone("+33612345678")).toBe("+33 6 •• •• •• 78");
  });

  it("normalises GoCardless's mandate events, with the new mandate of a replacement", async () => {
    const { normaliseGoCardlessEvent } = await import("../../integrations/gocardless");
    const event = {
      id: "EV1",
      resource_type: "mandates",
      action: "replaced",
      links: { mandate: "MD1", new_mandate: "MD2" },
      details: { cause: "mandate_replaced" },
    };
    expect(normaliseGoCardlessEvent(event)).toEqual({ kind: "mandate", mandateId: "MD1", action: "replaced", newMandateId: "MD2", cause: "mandate_replaced" });
  });
});

import { describe, expect, it } from "vitest";
import { parseAmountMinor, parseQuantityThousandths, parseVatRateBasisPoints } from "~/domain/money";
import { formatMoney, minorToInput } from "~/lib/format";

describe("amounts typed by people", () => {
  it.each([
    ["1234,56", 123456],
    ["1 234,56", 123456],
    ["1\u202f234,56", 123456],
    ["1234.56", 123456],
    ["1,234.56", 123456],
    ["1.234,56", 123456],
    ["12", 1200],
    ["12,5", 1250],
    ["-5,00", -500],
    ["0", 0],
  ])("reads %s as %i cents in EUR", (input, expected) => {
    expect(parseAmountMinor(input, "EUR")).toBe(expected);
  });

  it.each(["", "abc", "12,345", "1,2,3", "1.2.3", "12..5", "--1", "1e5", "12,5€x"])("refuses %s", (input) => {
    expect(parseAmountMinor(input, "EUR")).toBeNull();
  });

  it("uses the currency's minor unit (JPY has none)", () => {
    expect(parseAmountMinor("1500", "JPY")).toBe(1500);
    expect(parseAmountMinor("1500,5", "JPY")).toBeNull();
  });

  it("reads quantities to the thousandth and VAT rates to the hundredth of a percent", () => {
    expect(parseQuantityThousandths("1,5")).toBe(1500);
    expect(parseQuantityThousandths("0.125")).toBe(125);
    expect(parseQuantityThousandths("0.1255")).toBeNull();
    expect(parseVatRateBasisPoints("5,5")).toBe(550);
    expect(parseVatRateBasisPoints("20 %")).toBe(2000);
  });
});

describe("formatting for the reader", () => {
  it("formats amounts in French and English", () => {
    expect(formatMoney(123456, "EUR", "fr").replace(/\s/g, " ")).toBe("1 234,56 €");
    expect(formatMoney(123456, "EUR", "en")).toBe("€1,234.56");
    expect(formatMoney(1500, "JPY", "en")).toBe("JP¥1,500");
  });

  it("round-trips stored amounts into form fields", () => {
    expect(minorToInput(123456, "EUR")).toBe("1234.56");
    expect(minorToInput(-5, "EUR")).toBe("-0.05");
    expect(minorToInput(1500, "JPY")).toBe("1500");
    expect(parseAmountMinor(minorToInput(-5, "EUR"), "EUR")).toBe(-5);
  });
});

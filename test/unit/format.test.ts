import { describe, expect, it } from "vitest";
import { currencyExponent, formatDate, formatDateTime, formatMoney, formatQuantity, formatVatRate, minorToInput } from "~/lib/format";

/** What format.ts did before keeping its formatters: a new Intl object on every call. */
const intlLocale = { fr: "fr-FR", en: "en-GB" } as const;
const fresh = {
  money: (minor: number, currency: string, locale: "fr" | "en") => {
    const exponent = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat(intlLocale[locale], { style: "currency", currency }).format(minor / 10 ** exponent);
  },
  date: (date: Date | string, locale: "fr" | "en") =>
    new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "long", timeZone: "UTC" }).format(new Date(date)),
  dateTime: (date: Date | string, locale: "fr" | "en") =>
    new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(date)),
  quantity: (thousandths: number, locale: "fr" | "en") => new Intl.NumberFormat(intlLocale[locale], { maximumFractionDigits: 3 }).format(thousandths / 1000),
  vat: (basisPoints: number, locale: "fr" | "en") =>
    new Intl.NumberFormat(intlLocale[locale], { style: "percent", maximumFractionDigits: 2 }).format(basisPoints / 10000),
};

describe("formatters kept per locale and currency format exactly as before", () => {
  it.each([
    ["fr", "EUR", 123456789, "1\u202f234\u202f567,89\u00a0€", -5, "-0,05\u00a0€"],
    ["en", "EUR", 123456789, "€1,234,567.89", -5, "-€0.05"],
    ["fr", "JPY", 123456789, "123\u202f456\u202f789\u00a0JPY", -5, "-5\u00a0JPY"],
    ["en", "JPY", 123456789, "JP¥123,456,789", -5, "-JP¥5"],
    ["fr", "KWD", 123456789, "123\u202f456,789\u00a0KWD", -5, "-0,005\u00a0KWD"],
    ["en", "KWD", 123456789, "KWD\u00a0123,456.789", -5, "-KWD\u00a00.005"],
  ] as const)("%s %s", (locale, currency, minor, expected, negative, expectedNegative) => {
    // Twice: the first call builds the formatter, the second uses the kept one.
    for (let i = 0; i < 2; i++) {
      expect(formatMoney(minor, currency, locale)).toBe(expected);
      expect(formatMoney(negative, currency, locale)).toBe(expectedNegative);
    }
  });

  it("keeps each currency's minor unit (EUR 2, JPY 0, KWD 3) for amounts and form fields", () => {
    expect([currencyExponent("EUR"), currencyExponent("JPY"), currencyExponent("KWD")]).toEqual([2, 0, 3]);
    expect(minorToInput(1234567, "EUR", "fr")).toBe("12345,67");
    expect(minorToInput(1234567, "JPY", "en")).toBe("1234567");
    expect(minorToInput(1234567, "KWD", "en")).toBe("1234.567");
  });

  it("gives the same strings as a new formatter per call, whatever the order of locales and currencies", () => {
    const amounts = [0, 1, -1, 99, 100, 12345, -987654, 2147483647];
    for (let round = 0; round < 2; round++) {
      for (const currency of ["EUR", "JPY", "KWD", "GBP", "CHF", "eur"]) {
        for (const locale of ["fr", "en"] as const) {
          for (const minor of amounts) expect(formatMoney(minor, currency, locale)).toBe(fresh.money(minor, currency, locale));
        }
      }
    }
  });

  it("formats dates, times, quantities and VAT rates as before", () => {
    expect(formatDate(new Date("2026-03-01T00:00:00Z"), "fr")).toBe("1 mars 2026");
    expect(formatDate("2026-12-31T00:00:00.000Z", "en")).toBe("31 December 2026");
    expect(formatDateTime(new Date("2026-07-14T21:30:00Z"), "fr")).toBe("14 juil. 2026, 23:30");
    expect(formatDateTime(new Date("2026-07-14T21:30:00Z"), "en")).toBe("14 Jul 2026, 23:30");
    expect(formatQuantity(1234567, "fr")).toBe("1\u202f234,567");
    expect(formatQuantity(1500, "en")).toBe("1.5");
    expect(formatVatRate(550, "fr")).toBe("5,5\u00a0%");
    expect(formatVatRate(2000, "en")).toBe("20%");
    for (const locale of ["fr", "en"] as const) {
      for (const date of ["2026-01-01T00:00:00Z", "2026-10-25T00:30:00Z", "2026-03-29T01:30:00Z"]) {
        expect(formatDate(date, locale)).toBe(fresh.date(date, locale));
        expect(formatDateTime(date, locale)).toBe(fresh.dateTime(date, locale));
      }
      for (const q of [0, 1, 1000, 1001, 123456789]) expect(formatQuantity(q, locale)).toBe(fresh.quantity(q, locale));
      for (const r of [0, 550, 2000, 1234]) expect(formatVatRate(r, locale)).toBe(fresh.vat(r, locale));
    }
  });

  it("still refuses an invalid currency code (and keeps nothing for it)", () => {
    expect(() => formatMoney(100, "EURO", "fr")).toThrow(RangeError);
    expect(() => formatMoney(100, "EURO", "fr")).toThrow(RangeError);
  });
});

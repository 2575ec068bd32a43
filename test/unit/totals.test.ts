import { describe, expect, it } from "vitest";
import { computeTotals, divideRounded, lineTotalMinor } from "~/domain/invoices/totals";

describe("divideRounded (half away from zero)", () => {
  it("rounds halves away from zero in both directions", () => {
    expect(divideRounded(25n, 10n)).toBe(3n);
    expect(divideRounded(-25n, 10n)).toBe(-3n);
    expect(divideRounded(24n, 10n)).toBe(2n);
    expect(divideRounded(-24n, 10n)).toBe(-2n);
    expect(divideRounded(0n, 10n)).toBe(0n);
  });
});

describe("invoice totals", () => {
  it("rounds each line to the cent: 1.5 × 0.33 € = 0.495 → 0.50 €", () => {
    expect(lineTotalMinor({ quantityThousandths: 1500, unitPriceMinor: 33, vatRateBasisPoints: 2000 })).toBe(50);
  });

  it("computes VAT once per rate on the sum of that rate's lines, not per line", () => {
    // Three lines of 0.10 € at 5.5 %: per line VAT would be 0.01 × 3 = 0.03 €; on the sum (0.30 €) it is 0.02 €.
    const line = { quantityThousandths: 1000, unitPriceMinor: 10, vatRateBasisPoints: 550 };
    const totals = computeTotals([line, line, line]);
    expect(totals.vat).toEqual([{ rateBasisPoints: 550, baseMinor: 30, vatMinor: 2 }]);
    expect(totals).toMatchObject({ subtotalMinor: 30, taxMinor: 2, totalMinor: 32 });
  });

  it("breaks VAT down by rate, highest first, and totals them", () => {
    const totals = computeTotals([
      { quantityThousandths: 2000, unitPriceMinor: 15000, vatRateBasisPoints: 2000 }, // 300.00, VAT 60.00
      { quantityThousandths: 1000, unitPriceMinor: 1999, vatRateBasisPoints: 550 }, // 19.99, VAT 1.09945 → 1.10
      { quantityThousandths: 1000, unitPriceMinor: 5000, vatRateBasisPoints: 0 },
    ]);
    expect(totals.vat).toEqual([
      { rateBasisPoints: 2000, baseMinor: 30000, vatMinor: 6000 },
      { rateBasisPoints: 550, baseMinor: 1999, vatMinor: 110 },
      { rateBasisPoints: 0, baseMinor: 5000, vatMinor: 0 },
    ]);
    expect(totals).toMatchObject({ subtotalMinor: 36999, taxMinor: 6110, totalMinor: 43109, lineTotalsMinor: [30000, 1999, 5000] });
  });

  it("handles discount lines (negative unit price) with symmetric rounding", () => {
    const totals = computeTotals([
      { quantityThousandths: 1000, unitPriceMinor: 10000, vatRateBasisPoints: 2000 },
      { quantityThousandths: 1500, unitPriceMinor: -333, vatRateBasisPoints: 2000 }, // -499.5 → -500
    ]);
    expect(totals.lineTotalsMinor).toEqual([10000, -500]);
    expect(totals.totalMinor).toBe(9500 + 1900);
  });

  it("keeps exact integers where floating point would drift", () => {
    // 0.1 + 0.2 style drift: 3 × 0.10 € lines with no VAT must be exactly 30 cents.
    const line = { quantityThousandths: 1000, unitPriceMinor: 10, vatRateBasisPoints: 0 };
    expect(computeTotals([line, line, line]).totalMinor).toBe(30);
    // A product beyond 2^53 before division stays exact.
    expect(lineTotalMinor({ quantityThousandths: 999_999_999, unitPriceMinor: 2_000_000_000, vatRateBasisPoints: 0 })).toBe(1_999_999_998_000_000);
  });

  it("gives zero totals for no lines", () => {
    expect(computeTotals([])).toMatchObject({ subtotalMinor: 0, taxMinor: 0, totalMinor: 0, vat: [] });
  });
});

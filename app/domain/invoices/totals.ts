/**
 * Invoice totals, in integer minor units.
 *
 * Rounding rule (the French "arrondi commercial", as the tax administration accepts it):
 * 1. each line's amount excluding VAT = quantity × unit price, rounded half away from zero to the minor unit;
 * 2. VAT is computed once per rate, on the sum of the line amounts at that rate, rounded the same way;
 * 3. total including VAT = sum of line amounts + sum of VAT per rate.
 * All arithmetic is done on BigInt so no intermediate product loses precision.
 */

export interface LineAmounts {
  quantityThousandths: number;
  unitPriceMinor: number;
  vatRateBasisPoints: number;
}

export interface VatBreakdown {
  rateBasisPoints: number;
  baseMinor: number;
  vatMinor: number;
}

export interface InvoiceTotals {
  lineTotalsMinor: number[];
  vat: VatBreakdown[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/** Integer division rounded half away from zero; divisor must be positive. */
export function divideRounded(numerator: bigint, divisor: bigint): bigint {
  const quotient = numerator / divisor;
  const remainder = numerator % divisor;
  const absRemainder = remainder < 0n ? -remainder : remainder;
  if (absRemainder * 2n >= divisor) return numerator < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

export function lineTotalMinor(line: LineAmounts): number {
  return Number(divideRounded(BigInt(line.quantityThousandths) * BigInt(line.unitPriceMinor), 1000n));
}

export function computeTotals(lines: readonly LineAmounts[]): InvoiceTotals {
  const lineTotalsMinor = lines.map(lineTotalMinor);
  const baseByRate = new Map<number, bigint>();
  lines.forEach((line, index) => {
    baseByRate.set(line.vatRateBasisPoints, (baseByRate.get(line.vatRateBasisPoints) ?? 0n) + BigInt(lineTotalsMinor[index]));
  });
  const vat = [...baseByRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBasisPoints, base]) => ({
      rateBasisPoints,
      baseMinor: Number(base),
      vatMinor: Number(divideRounded(base * BigInt(rateBasisPoints), 10000n)),
    }));
  const subtotalMinor = lineTotalsMinor.reduce((sum, amount) => sum + amount, 0);
  const taxMinor = vat.reduce((sum, rate) => sum + rate.vatMinor, 0);
  return { lineTotalsMinor, vat, subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}

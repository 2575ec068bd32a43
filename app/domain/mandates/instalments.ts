/**
 * Spreading an amount over monthly collections (issue 15: "three monthly debits"). Integer minor units
 * only: the amounts always add up to the total exactly; the remainder of the division goes one minor
 * unit at a time to the first collections (1 → 1, 0, 0; 100 → 34, 33, 33), so no collection is ever more
 * than one minor unit above another. A collection of 0 can happen only when the total is below the count.
 */
export interface Collection {
  /** Calendar day (UTC midnight). */
  date: Date;
  amountMinor: number;
}

/** The same day of the month `months` later, or the month's last day when it is shorter (31 Jan → 28/29 Feb). */
export function addMonthsClamped(start: Date, months: number): Date {
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay)));
}

export function splitInstalments(totalMinor: number, start: Date, count = 3): Collection[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0) throw new RangeError("the total must be a positive whole number of minor units");
  if (!Number.isInteger(count) || count < 1) throw new RangeError("the number of collections must be at least 1");
  const base = Math.floor(totalMinor / count);
  const remainder = totalMinor - base * count;
  // Each date from the start day, never from the previous (clamped) one: 31 Jan → 28 Feb → 31 Mar.
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  return Array.from({ length: count }, (_, i) => ({ date: addMonthsClamped(day, i), amountMinor: base + (i < remainder ? 1 : 0) }));
}

/**
 * When a SEPA debit can be collected (issue 15, docs/decisions/0020-automatic-debit.md). Calendar days are
 * Dates at UTC midnight; "today" is the day in Paris (the merchants' and the nightly job's time zone).
 *
 * - Business days are TARGET2 days (the SEPA interbank calendar): not Saturday or Sunday, not 1 January,
 *   Good Friday, Easter Monday, 1 May, 25 and 26 December. A collection falls on a business day.
 * - Pre-notification: at least `noticeDays` calendar days before the collection (14 unless the merchant
 *   agreed a shorter delay with its customers; ../shared/accounting-and-sepa.md §3 "Pre-notification").
 * - Own-ICS creditors: since SDD Core rulebook 9.0 every collection (FRST, RCUR, OOFF) can be presented up to
 *   D-1 interbank business day (§3 "Sequence types"); one more business day is left for the merchant to send
 *   the debit file before its bank's cut-off: collection ≥ today + 2 business days.
 * - GoCardless creditors: GoCardless says the earliest date itself (the mandate's `next_possible_charge_date`,
 *   asked for when the payment is created); we plan with today + 3 business days and move to GoCardless's
 *   date when it is later.
 */
export type CreditorKind = "gocardless" | "own_ics";

export const OWN_ICS_LEAD_BUSINESS_DAYS = 2;
export const GOCARDLESS_LEAD_BUSINESS_DAYS = 3;
/** GoCardless payments are created this many business days before their collection date. */
export const GOCARDLESS_SUBMIT_BUSINESS_DAYS = 5;
export const DEFAULT_NOTICE_DAYS = 14;
export const MIN_NOTICE_DAYS = 1;

const DAY_MS = 86_400_000;

/** The calendar day (UTC midnight) of a date as lived in Paris. */
export function parisDay(now: Date): Date {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  return new Date(`${parts}T00:00:00.000Z`);
}

export function dayOf(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function addDays(day: Date, days: number): Date {
  return new Date(dayOf(day).getTime() + days * DAY_MS);
}

export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

export function isBusinessDay(day: Date): boolean {
  const d = dayOf(day);
  const weekday = d.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const md = `${d.getUTCMonth() + 1}-${d.getUTCDate()}`;
  if (md === "1-1" || md === "5-1" || md === "12-25" || md === "12-26") return false;
  const easter = easterSunday(d.getUTCFullYear()).getTime();
  return d.getTime() !== easter - 2 * DAY_MS && d.getTime() !== easter + DAY_MS;
}

/** The day itself when it is a business day, else the next one. */
export function nextBusinessDay(day: Date): Date {
  let d = dayOf(day);
  while (!isBusinessDay(d)) d = addDays(d, 1);
  return d;
}

/** `count` business days after `day` (not counting `day`). */
export function addBusinessDays(day: Date, count: number): Date {
  let d = dayOf(day);
  for (let added = 0; added < count; ) {
    d = addDays(d, 1);
    if (isBusinessDay(d)) added++;
  }
  return d;
}

/** `count` business days before `day`. */
export function subtractBusinessDays(day: Date, count: number): Date {
  let d = dayOf(day);
  for (let removed = 0; removed < count; ) {
    d = addDays(d, -1);
    if (isBusinessDay(d)) removed++;
  }
  return d;
}

/** The notice a merchant set, kept within SEPA's bounds (1 to 14 days; 14 when nothing was agreed). */
export function noticeDaysOf(organisation: { debitNoticeDays: number }): number {
  const days = organisation.debitNoticeDays;
  return Number.isInteger(days) && days >= MIN_NOTICE_DAYS && days <= DEFAULT_NOTICE_DAYS ? days : DEFAULT_NOTICE_DAYS;
}

/** The earliest day a debit planned today can be collected: after the notice and the creditor's lead time. */
export function earliestCollection(today: Date, creditor: CreditorKind, noticeDays: number): Date {
  const lead = addBusinessDays(today, creditor === "own_ics" ? OWN_ICS_LEAD_BUSINESS_DAYS : GOCARDLESS_LEAD_BUSINESS_DAYS);
  const notice = addDays(today, noticeDays);
  return nextBusinessDay(new Date(Math.max(lead.getTime(), notice.getTime())));
}

/**
 * The collection date of a debit due on `dueDate`: its due date (or the next business day), or the earliest
 * date that respects the notice and the lead time when the due date is closer than that. With the day the
 * pre-notification must go out (never before today).
 */
export function collectionPlan(input: { dueDate: Date; today: Date; creditor: CreditorKind; noticeDays: number }) {
  const today = dayOf(input.today);
  const earliest = earliestCollection(today, input.creditor, input.noticeDays);
  const due = nextBusinessDay(input.dueDate);
  const collectionDate = due.getTime() >= earliest.getTime() ? due : earliest;
  const notifyOn = addDays(collectionDate, -input.noticeDays);
  return { collectionDate, notifyOn: notifyOn.getTime() < today.getTime() ? today : notifyOn };
}

/** The day a GoCardless payment is created for a collection (never after today once it is due). */
export function gocardlessSubmitOn(collectionDate: Date): Date {
  return subtractBusinessDays(collectionDate, GOCARDLESS_SUBMIT_BUSINESS_DAYS);
}

/**
 * Three (or `count`) collections a month apart for a spread balance, each on a business day: the first at the
 * earliest possible date, the others the same day of the following months (moved to the next business day).
 */
export function instalmentDates(today: Date, creditor: CreditorKind, noticeDays: number, count: number, addMonths: (d: Date, n: number) => Date): Date[] {
  const first = earliestCollection(today, creditor, noticeDays);
  return Array.from({ length: count }, (_, i) => (i === 0 ? first : nextBusinessDay(addMonths(first, i))));
}

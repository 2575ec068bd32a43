/** Issue 15: when an automatic debit can be collected (business days, notice, lead time). See app/domain/debits/calendar.ts. */
import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  collectionPlan,
  earliestCollection,
  gocardlessSubmitOn,
  isBusinessDay,
  isoDay,
  nextBusinessDay,
  noticeDaysOf,
  parisDay,
} from "~/domain/debits/calendar";
import { spreadPlan } from "~/domain/debits/plans";

const d = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe("SEPA business days (TARGET2)", () => {
  it("skips weekends and the TARGET2 holidays, Easter included", () => {
    expect(isBusinessDay(d("2026-11-23"))).toBe(true); // Monday
    expect(isBusinessDay(d("2026-11-28"))).toBe(false); // Saturday
    expect(isBusinessDay(d("2026-11-29"))).toBe(false); // Sunday
    for (const holiday of ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2026-12-25", "2026-12-28"]) {
      // 2027: Good Friday 26 March, Easter Monday 29 March; 1 May 2027 is a Saturday (3 May is a plain Monday).
      expect(isBusinessDay(d(holiday)), holiday).toBe(["2027-05-03", "2026-12-28"].includes(holiday));
    }
    expect(isBusinessDay(d("2026-05-01"))).toBe(false); // Friday 1 May
    expect(isBusinessDay(d("2026-04-03"))).toBe(false); // Good Friday 2026
    expect(isBusinessDay(d("2026-04-06"))).toBe(false); // Easter Monday 2026
    expect(isBusinessDay(d("2026-07-14"))).toBe(true); // a French holiday, not a TARGET2 one
  });

  it("moves to the next business day and counts business days", () => {
    expect(isoDay(nextBusinessDay(d("2026-12-25")))).toBe("2026-12-28");
    expect(isoDay(nextBusinessDay(d("2026-11-24")))).toBe("2026-11-24");
    expect(isoDay(addBusinessDays(d("2026-12-23"), 2))).toBe("2026-12-28"); // over Christmas and the 26th (Saturday)
    expect(isoDay(addBusinessDays(d("2026-11-27"), 1))).toBe("2026-11-30"); // Friday → Monday
  });

  it("reads today in Paris (late evening UTC is already tomorrow there)", () => {
    expect(isoDay(parisDay(new Date("2026-11-23T23:30:00Z")))).toBe("2026-11-24");
    expect(isoDay(parisDay(new Date("2026-06-30T22:30:00Z")))).toBe("2026-07-01"); // summer time
    expect(isoDay(parisDay(new Date("2026-11-23T10:00:00Z")))).toBe("2026-11-23");
  });
});

describe("collection date", () => {
  const today = d("2026-11-23"); // a Monday

  it("collects at the due date when the notice allows it, telling the customer 14 days before", () => {
    const plan = collectionPlan({ dueDate: d("2026-12-23"), today, creditor: "own_ics", noticeDays: 14 });
    expect(isoDay(plan.collectionDate)).toBe("2026-12-23");
    expect(isoDay(plan.notifyOn)).toBe("2026-12-09");
  });

  it("moves a due date on a weekend or holiday to the next business day", () => {
    const plan = collectionPlan({ dueDate: d("2026-12-25"), today, creditor: "own_ics", noticeDays: 14 });
    expect(isoDay(plan.collectionDate)).toBe("2026-12-28");
  });

  it("collects at the earliest date that respects the notice when the due date is closer", () => {
    const plan = collectionPlan({ dueDate: d("2026-11-30"), today, creditor: "own_ics", noticeDays: 14 });
    expect(isoDay(plan.collectionDate)).toBe("2026-12-07"); // 23 Nov + 14 days
    expect(isoDay(plan.notifyOn)).toBe("2026-11-23"); // today
    // A due date already past: the same earliest date.
    expect(isoDay(collectionPlan({ dueDate: d("2026-10-01"), today, creditor: "gocardless", noticeDays: 14 }).collectionDate)).toBe("2026-12-07");
  });

  it("with a shorter agreed notice, the creditor's lead time is the limit", () => {
    // Own ICS: presented up to D-1 business day, plus a day to send the file: today + 2 business days.
    expect(isoDay(earliestCollection(today, "own_ics", 1))).toBe("2026-11-25");
    // GoCardless: planned at today + 3 business days (GoCardless's next possible charge date is checked when submitting).
    expect(isoDay(earliestCollection(today, "gocardless", 1))).toBe("2026-11-26");
    // Friday: the lead counts business days, over the weekend.
    expect(isoDay(earliestCollection(d("2026-11-27"), "own_ics", 1))).toBe("2026-12-01");
    // The notice lands on a Saturday: the next business day.
    expect(isoDay(earliestCollection(today, "own_ics", 5))).toBe("2026-11-30");
  });

  it("keeps the merchant's notice between 1 and 14 days (14 by default)", () => {
    expect(noticeDaysOf({ debitNoticeDays: 5 })).toBe(5);
    expect(noticeDaysOf({ debitNoticeDays: 0 })).toBe(14);
    expect(noticeDaysOf({ debitNoticeDays: 30 })).toBe(14);
  });

  it("creates GoCardless payments five business days before their collection", () => {
    expect(isoDay(gocardlessSubmitOn(d("2026-12-23")))).toBe("2026-12-16");
    expect(isoDay(gocardlessSubmitOn(d("2026-12-28")))).toBe("2026-12-18"); // back over Christmas and the weekend
  });
});

describe("a balance spread over three monthly debits", () => {
  it("adds up to the balance to the cent, a month apart, each on a business day", () => {
    for (const total of [1, 2, 100, 36000, 100001, 99999999]) {
      const plan = spreadPlan(total, d("2026-11-23"), "own_ics", 14);
      expect(plan).toHaveLength(3);
      expect(plan.reduce((sum, c) => sum + c.amountMinor, 0)).toBe(total);
      for (const c of plan) expect(isBusinessDay(c.date)).toBe(true);
    }
    const plan = spreadPlan(100, d("2026-11-23"), "own_ics", 14);
    expect(plan.map((c) => [isoDay(c.date), c.amountMinor])).toEqual([
      ["2026-12-07", 34],
      ["2027-01-07", 33],
      ["2027-02-08", 33], // 7 February 2027 is a Sunday
    ]);
    expect(spreadPlan(0, d("2026-11-23"), "own_ics", 14)).toEqual([]);
  });
});

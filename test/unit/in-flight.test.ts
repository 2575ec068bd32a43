import { describe, expect, it } from "vitest";
import { balanceOf, payAmount } from "~/domain/checkout";
import { excessOf, refundSources } from "~/domain/refunds";

const invoice = (amountDueMinor: number, payments: { status: string; amountMinor: number }[], allowPartialPayment = false) => ({
  status: "open",
  sentAt: new Date(),
  onlinePayment: true,
  amountDueMinor,
  currency: "EUR",
  allowPartialPayment,
  payments,
});
const debit = (amountMinor: number, status = "processing") => ({ status, amountMinor });

describe("the amount a customer pays while money is in flight", () => {
  it("counts only payments still on their way", () => {
    expect(balanceOf(invoice(12000, [debit(12000), debit(5000, "failed"), debit(3000, "confirmed")]))).toEqual({
      dueMinor: 12000,
      inFlightMinor: 12000,
      leftMinor: 0,
    });
  });

  it("offers what is left by default, without confirmation", () => {
    expect(payAmount("", invoice(36000, [debit(10000)], true))).toEqual({ ok: true, amountMinor: 26000 });
    expect(payAmount("", invoice(36000, []))).toEqual({ ok: true, amountMinor: 36000 });
  });

  it("needs the customer's confirmation for anything beyond what is left, and then allows up to the amount due", () => {
    const covered = invoice(12000, [debit(12000)]);
    expect(payAmount("", covered)).toEqual({ ok: false, error: "checkout.errors.inFlightConfirm", field: "payAnyway" });
    expect(payAmount("120,00", covered)).toMatchObject({ ok: false, field: "payAnyway" });
    expect(payAmount("", covered, true)).toEqual({ ok: true, amountMinor: 12000 });
    expect(payAmount("130", covered, true)).toMatchObject({ ok: false, error: "checkout.errors.amountAboveDue" });
  });

  it("keeps whole amounts only, unless the merchant allows partial payment: what is left, or (confirmed) all that is due", () => {
    const partlyCovered = invoice(36000, [debit(10000)]);
    expect(payAmount("260", partlyCovered)).toEqual({ ok: true, amountMinor: 26000 });
    expect(payAmount("360", partlyCovered, true)).toEqual({ ok: true, amountMinor: 36000 });
    expect(payAmount("300", partlyCovered, true)).toMatchObject({ ok: false, error: "checkout.errors.partialNotAllowed" });
    expect(payAmount("300", { ...partlyCovered, allowPartialPayment: true })).toMatchObject({ ok: false, field: "payAnyway" });
    expect(payAmount("100", { ...partlyCovered, allowPartialPayment: true })).toEqual({ ok: true, amountMinor: 10000 });
  });
});

describe("the excess of an overpaid invoice", () => {
  const payment = (id: string, amountMinor: number, minutes: number, extra: Record<string, unknown> = {}) => ({
    id,
    provider: id.startsWith("pi_") ? "stripe" : "gocardless",
    providerPaymentId: id,
    amountMinor,
    refundedMinor: 0,
    disputedMinor: 0,
    currency: "EUR",
    status: "confirmed",
    flag: null,
    createdAt: new Date(Date.UTC(2026, 10, 22, 10, minutes)),
    ...extra,
  });

  it("is what was paid beyond the total, less the refunds already asked for", () => {
    expect(excessOf({ amountPaidMinor: 24000, totalMinor: 12000 }, [{ status: "pending", amountMinor: 5000 }])).toEqual({
      overpaidMinor: 12000,
      pendingMinor: 5000,
      refundableMinor: 7000,
    });
    expect(excessOf({ amountPaidMinor: 12000, totalMinor: 12000 }, []).refundableMinor).toBe(0);
  });

  it("goes back from the latest payment that covers it, else from the latest ones in turn, never from a disputed one", () => {
    const debitFirst = payment("PM1", 12000, 0);
    const cardLater = payment("pi_2", 12000, 5);
    expect(refundSources([debitFirst, cardLater], [], 12000)).toEqual([{ payment: cardLater, amountMinor: 12000 }]);
    const smallLater = payment("pi_3", 4000, 9);
    expect(refundSources([debitFirst, cardLater, smallLater], [], 10000)).toEqual([{ payment: cardLater, amountMinor: 10000 }]);
    const disputed = { ...cardLater, flag: "dispute" };
    expect(refundSources([debitFirst, disputed], [], 12000)).toEqual([{ payment: debitFirst, amountMinor: 12000 }]);
    // What is already being refunded from a payment cannot be refunded from it again.
    const pendingOnCard = [{ provider: "stripe", providerPaymentId: "pi_2", status: "pending", amountMinor: 8000 }];
    expect(refundSources([debitFirst, cardLater, smallLater], pendingOnCard, 16000)).toEqual([
      { payment: smallLater, amountMinor: 4000 },
      { payment: cardLater, amountMinor: 4000 },
      { payment: debitFirst, amountMinor: 8000 },
    ]);
    expect(refundSources([debitFirst, cardLater], [], 30000)).toEqual([]);
  });

  it("is split over the latest payments when none covers it alone", () => {
    const a = payment("PM1", 12000, 0);
    const b = payment("pi_2", 5000, 5);
    const c = payment("pi_3", 4000, 9);
    expect(refundSources([a, b, c], [], 15000)).toEqual([
      { payment: c, amountMinor: 4000 },
      { payment: b, amountMinor: 5000 },
      { payment: a, amountMinor: 6000 },
    ]);
  });
});

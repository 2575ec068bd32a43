import { describe, expect, it } from "vitest";
import { checkAllocation, type OpenInvoice, proposeAllocation, referenceNames } from "~/domain/accounts/allocation";

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const invoice = (id: string, number: string, due: string, amountDueMinor: number, currency = "EUR"): OpenInvoice => ({
  id,
  number,
  currency,
  issueDate: day("2026-10-01"),
  dueDate: day(due),
  amountDueMinor,
});
const open = [
  invoice("c", "F2026-0003", "2026-12-01", 30000),
  invoice("a", "F2026-0001", "2026-10-15", 10000),
  invoice("b", "F2026-0002", "2026-11-01", 20000),
];

describe("the proposed allocation", () => {
  it("settles the oldest due first and leaves the rest as credit", () => {
    expect(proposeAllocation(open, 25000, "", "EUR")).toEqual([
      { invoiceId: "a", amountMinor: 10000 },
      { invoiceId: "b", amountMinor: 15000 },
    ]);
    const all = proposeAllocation(open, 70000, "VIR DUPONT", "EUR");
    expect(all.reduce((s, l) => s + l.amountMinor, 0)).toBe(60000);
  });

  it("puts first the invoice whose number is in the reference", () => {
    expect(proposeAllocation(open, 35000, "Virement facture f2026-0003 merci", "EUR")).toEqual([
      { invoiceId: "c", amountMinor: 30000 },
      { invoiceId: "a", amountMinor: 5000 },
    ]);
  });

  it("matches a number only as a whole word", () => {
    expect(referenceNames("F2026-00012", "F2026-0001")).toBe(false);
    expect(referenceNames("REF:F2026-0001/", "F2026-0001")).toBe(true);
  });

  it("only proposes invoices in the payment's currency", () => {
    expect(proposeAllocation([...open, invoice("g", "F2026-0004", "2026-01-01", 5000, "GBP")], 5000, "", "GBP")).toEqual([
      { invoiceId: "g", amountMinor: 5000 },
    ]);
    expect(proposeAllocation(open, 5000, "", "GBP")).toEqual([]);
  });
});

describe("a submitted allocation", () => {
  it("is accepted within each due and the payment, the rest being credit", () => {
    const checked = checkAllocation(open, 40000, "EUR", [
      { invoiceId: "b", amountMinor: 20000 },
      { invoiceId: "a", amountMinor: 0 },
      { invoiceId: "c", amountMinor: 5000 },
    ]);
    expect(checked).toEqual({
      ok: true,
      lines: [
        { invoiceId: "b", amountMinor: 20000 },
        { invoiceId: "c", amountMinor: 5000 },
      ],
      creditMinor: 15000,
    });
  });

  it("never gives an invoice more than its due, nor more than the payment in all", () => {
    expect(checkAllocation(open, 40000, "EUR", [{ invoiceId: "a", amountMinor: 10001 }])).toMatchObject({
      ok: false,
      error: "receipt.errors.allocationAboveDue",
    });
    expect(
      checkAllocation(open, 15000, "EUR", [
        { invoiceId: "a", amountMinor: 10000 },
        { invoiceId: "b", amountMinor: 10000 },
      ]),
    ).toMatchObject({ ok: false, error: "receipt.errors.allocationAboveAmount" });
  });

  it("refuses unknown or repeated invoices, other currencies and negative shares", () => {
    expect(checkAllocation(open, 100, "EUR", [{ invoiceId: "zzz", amountMinor: 100 }])).toMatchObject({ ok: false, error: "receipt.errors.allocationInvoice" });
    expect(
      checkAllocation(open, 200, "EUR", [
        { invoiceId: "a", amountMinor: 100 },
        { invoiceId: "a", amountMinor: 100 },
      ]),
    ).toMatchObject({ ok: false, error: "receipt.errors.allocationInvoice" });
    expect(checkAllocation(open, 100, "GBP", [{ invoiceId: "a", amountMinor: 100 }])).toMatchObject({ ok: false, error: "receipt.errors.allocationCurrency" });
    expect(checkAllocation(open, 100, "EUR", [{ invoiceId: "a", amountMinor: -1 }])).toMatchObject({ ok: false, error: "receipt.errors.allocationInvalid" });
  });
});

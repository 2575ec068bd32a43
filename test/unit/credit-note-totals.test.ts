/** Issue 14, credit notes: what a credit note credits (full, lines, amount), its VAT, and never more than is left. */
import { describe, expect, it } from "vitest";
import { baseForGross, type CreditableInvoice, draftCreditNote, type PriorCreditNote, remainingOf, splitByRates } from "~/domain/credit-notes/totals";
import { computeTotals, divideRounded } from "~/domain/invoices/totals";

function invoiceOf(lines: { id: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number }[]): CreditableInvoice {
  const totals = computeTotals(lines);
  return {
    subtotalMinor: totals.subtotalMinor,
    taxMinor: totals.taxMinor,
    totalMinor: totals.totalMinor,
    lines: lines.map((l, i) => ({ ...l, description: `Ligne ${l.id}`, totalMinor: totals.lineTotalsMinor[i] })),
  };
}

// 2 × 150,00 € at 20 % + 3 × 33,33 € at 5,5 % + 1 × 10,00 € at 0 %.
const invoice = invoiceOf([
  { id: "a", quantityThousandths: 2000, unitPriceMinor: 15000, vatRateBasisPoints: 2000 },
  { id: "b", quantityThousandths: 3000, unitPriceMinor: 3333, vatRateBasisPoints: 550 },
  { id: "c", quantityThousandths: 1000, unitPriceMinor: 1000, vatRateBasisPoints: 0 },
]);
const asPrior = (draft: {
  kind: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  lines: { invoiceLineId: string | null; quantityThousandths: number; totalMinor: number }[];
}): PriorCreditNote => draft;

describe("a full credit note", () => {
  it("credits the invoice to the cent: same lines, same VAT per rate, same totals", () => {
    const draft = draftCreditNote(invoice, [], { kind: "full" });
    expect(draft.ok).toBe(true);
    if (!draft.ok) return;
    expect(draft.value).toMatchObject({ subtotalMinor: invoice.subtotalMinor, taxMinor: invoice.taxMinor, totalMinor: invoice.totalMinor });
    expect(draft.value.vat).toEqual(computeTotals(invoice.lines).vat);
    expect(draft.value.lines.map((l) => [l.invoiceLineId, l.quantityThousandths])).toEqual([
      ["a", 2000],
      ["b", 3000],
      ["c", 1000],
    ]);
  });

  it("after a partial one, credits exactly what is left, and then nothing more can be credited", () => {
    const first = draftCreditNote(invoice, [], { kind: "lines", quantities: [{ invoiceLineId: "b", quantityThousandths: 1500 }] });
    if (!first.ok) throw new Error(first.error);
    const rest = draftCreditNote(invoice, [asPrior(first.value)], { kind: "full" });
    if (!rest.ok) throw new Error(rest.error);
    expect(first.value.subtotalMinor + rest.value.subtotalMinor).toBe(invoice.subtotalMinor);
    expect(Math.abs(first.value.totalMinor + rest.value.totalMinor - invoice.totalMinor)).toBeLessThanOrEqual(1);
    const after = draftCreditNote(invoice, [asPrior(first.value), asPrior(rest.value)], { kind: "full" });
    expect(after.ok ? "ok" : after.error).toBe(
      invoice.totalMinor - first.value.totalMinor - rest.value.totalMinor > 0 ? "ok" : "creditNotes.errors.nothingLeft",
    );
  });
});

describe("a credit note for some lines", () => {
  it("credits the quantities at the invoice's prices and VAT rates, rounded as invoices are", () => {
    const draft = draftCreditNote(invoice, [], {
      kind: "lines",
      quantities: [
        { invoiceLineId: "a", quantityThousandths: 1000 },
        { invoiceLineId: "b", quantityThousandths: 0 },
      ],
    });
    if (!draft.ok) throw new Error(draft.error);
    expect(draft.value).toMatchObject({ subtotalMinor: 15000, taxMinor: 3000, totalMinor: 18000 });
    expect(draft.value.lines).toHaveLength(1);
  });

  it("never credits more of a line than is left of it, and the pieces never add up to more than the line", () => {
    const pieces: PriorCreditNote[] = [];
    for (const quantity of [1000, 1000, 1000]) {
      const draft = draftCreditNote(invoice, pieces, { kind: "lines", quantities: [{ invoiceLineId: "b", quantityThousandths: quantity }] });
      if (!draft.ok) throw new Error(draft.error);
      pieces.push(asPrior(draft.value));
    }
    expect(pieces.reduce((sum, p) => sum + p.subtotalMinor, 0)).toBe(invoice.lines[1].totalMinor);
    const more = draftCreditNote(invoice, pieces, { kind: "lines", quantities: [{ invoiceLineId: "b", quantityThousandths: 1 }] });
    expect(more).toEqual({ ok: false, error: "creditNotes.errors.quantityAboveRemaining" });
  });

  it("refuses a line of another invoice, a line twice, a negative quantity and nothing at all", () => {
    expect(draftCreditNote(invoice, [], { kind: "lines", quantities: [{ invoiceLineId: "zz", quantityThousandths: 1000 }] })).toEqual({
      ok: false,
      error: "creditNotes.errors.line",
    });
    expect(
      draftCreditNote(invoice, [], {
        kind: "lines",
        quantities: [
          { invoiceLineId: "a", quantityThousandths: 500 },
          { invoiceLineId: "a", quantityThousandths: 500 },
        ],
      }),
    ).toEqual({ ok: false, error: "creditNotes.errors.line" });
    expect(draftCreditNote(invoice, [], { kind: "lines", quantities: [{ invoiceLineId: "a", quantityThousandths: -1 }] })).toEqual({
      ok: false,
      error: "creditNotes.errors.quantity",
    });
    expect(draftCreditNote(invoice, [], { kind: "lines", quantities: [] })).toEqual({ ok: false, error: "creditNotes.errors.noLines" });
  });
});

describe("a credit note for an amount", () => {
  it("splits the amount over the invoice's VAT rates by their share of its total; the parts add up to the amount", () => {
    const vat = computeTotals(invoice.lines).vat;
    for (const amount of [1, 7, 100, 9999, 12345, invoice.totalMinor]) {
      const parts = splitByRates(vat, amount);
      expect(parts.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(amount);
    }
    // A whole invoice's total splits back into each rate's base + VAT.
    expect(splitByRates(vat, invoice.totalMinor)).toEqual(vat.map((r) => ({ rateBasisPoints: r.rateBasisPoints, amountMinor: r.baseMinor + r.vatMinor })));
  });

  it("gives each rate an amount excluding VAT that, with its VAT, makes the part (or the nearest below)", () => {
    for (const rate of [2000, 1000, 550, 210, 0]) {
      for (let gross = 0; gross < 3000; gross++) {
        const base = baseForGross(gross, rate);
        const withVat = base + Number(divideRounded(BigInt(base) * BigInt(rate), 10000n));
        expect(withVat).toBeLessThanOrEqual(gross);
        expect(gross - withVat).toBeLessThanOrEqual(1);
      }
    }
  });

  it("credits 100,00 € of a one-rate invoice as 83,33 € + 16,67 € of VAT", () => {
    const simple = invoiceOf([{ id: "x", quantityThousandths: 1000, unitPriceMinor: 30000, vatRateBasisPoints: 2000 }]);
    const draft = draftCreditNote(simple, [], { kind: "amount", amountMinor: 10000, description: "Geste commercial" });
    if (!draft.ok) throw new Error(draft.error);
    expect(draft.value).toMatchObject({ kind: "amount", subtotalMinor: 8333, taxMinor: 1667, totalMinor: 10000 });
    expect(draft.value.lines).toEqual([
      { invoiceLineId: null, description: "Geste commercial", quantityThousandths: 1000, unitPriceMinor: 8333, vatRateBasisPoints: 2000, totalMinor: 8333 },
    ]);
  });

  it("is never above what is left un-credited, and never zero or negative", () => {
    const first = draftCreditNote(invoice, [], { kind: "amount", amountMinor: 20000, description: "x" });
    if (!first.ok) throw new Error(first.error);
    const left = invoice.totalMinor - first.value.totalMinor;
    expect(remainingOf(invoice, [asPrior(first.value)]).totalMinor).toBe(left);
    expect(draftCreditNote(invoice, [asPrior(first.value)], { kind: "amount", amountMinor: left + 1, description: "x" })).toEqual({
      ok: false,
      error: "creditNotes.errors.aboveRemaining",
    });
    expect(draftCreditNote(invoice, [], { kind: "amount", amountMinor: 0, description: "x" })).toEqual({ ok: false, error: "creditNotes.errors.amount" });
    // After an amount, lines no longer say what is left: lines are refused, "full" credits the rest as an amount.
    expect(draftCreditNote(invoice, [asPrior(first.value)], { kind: "lines", quantities: [{ invoiceLineId: "a", quantityThousandths: 1000 }] })).toEqual({
      ok: false,
      error: "creditNotes.errors.linesAfterAmount",
    });
    const rest = draftCreditNote(invoice, [asPrior(first.value)], { kind: "full" }, "Solde");
    if (!rest.ok) throw new Error(rest.error);
    expect(rest.value.totalMinor).toBeLessThanOrEqual(left);
    expect(left - rest.value.totalMinor).toBeLessThanOrEqual(rest.value.vat.length);
  });
});

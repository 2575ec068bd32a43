/**
 * What a credit note (facture d'avoir) credits, in integer minor units. Pure functions.
 *
 * - **Full**: every line of the invoice for what is left of it (the whole invoice when nothing was credited
 *   yet: the same lines, so the same totals to the cent).
 * - **Lines**: some quantity of some lines, at the invoice's unit price and VAT rate. Totals follow the
 *   invoice's rounding rule (./invoices/totals.ts); the last part of a line takes exactly what is left of
 *   the line's amount, so crediting a line in pieces never adds up to more than the line.
 * - **Amount**: an amount including VAT, split over the invoice's VAT rates in proportion to each rate's
 *   share of the invoice's total (largest remainder, so the parts add up to the amount); each part is one
 *   line whose amount excluding VAT is chosen so that it plus its VAT (rounded as on invoices) makes the
 *   part, or the nearest below when no amount does.
 *
 * Whatever the kind, a credit note never takes the invoice below zero: its total is at most what the
 * earlier credit notes left un-credited.
 */
import type { MessageKey } from "~/i18n";
import { MAX_AMOUNT_MINOR } from "../invoices/draft";
import { computeTotals, divideRounded, lineTotalMinor, type VatBreakdown } from "../invoices/totals";

export const CREDIT_NOTE_KINDS = ["full", "lines", "amount"] as const;
export type CreditNoteKind = (typeof CREDIT_NOTE_KINDS)[number];

export interface CreditableInvoice {
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  lines: { id: string; description: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number; totalMinor: number }[];
}

/** A credit note already issued on the invoice. */
export interface PriorCreditNote {
  kind: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  lines: { invoiceLineId: string | null; quantityThousandths: number; totalMinor: number }[];
}

export interface CreditNoteLineDraft {
  invoiceLineId: string | null;
  description: string;
  quantityThousandths: number;
  unitPriceMinor: number;
  vatRateBasisPoints: number;
  totalMinor: number;
}

export interface CreditNoteDraft {
  kind: CreditNoteKind;
  lines: CreditNoteLineDraft[];
  vat: VatBreakdown[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export type CreditRequest =
  | { kind: "full" }
  | { kind: "lines"; quantities: { invoiceLineId: string; quantityThousandths: number }[] }
  | { kind: "amount"; amountMinor: number; description: string };

export interface Remaining {
  totalMinor: number;
  subtotalMinor: number;
  taxMinor: number;
  /** Per invoice line: the quantity and amount not credited yet by line credit notes. */
  lines: { invoiceLineId: string; quantityThousandths: number; totalMinor: number }[];
  /** An earlier credit note was for an amount: lines no longer say what is left, only the total does. */
  amountCredited: boolean;
}

/** What is left to credit on an invoice after its credit notes. */
export function remainingOf(invoice: CreditableInvoice, prior: PriorCreditNote[]): Remaining {
  const sum = (pick: (c: PriorCreditNote) => number) => prior.reduce((total, c) => total + pick(c), 0);
  const priorLines = prior.flatMap((c) => c.lines);
  return {
    totalMinor: invoice.totalMinor - sum((c) => c.totalMinor),
    subtotalMinor: invoice.subtotalMinor - sum((c) => c.subtotalMinor),
    taxMinor: invoice.taxMinor - sum((c) => c.taxMinor),
    lines: invoice.lines.map((line) => {
      const credited = priorLines.filter((l) => l.invoiceLineId === line.id);
      return {
        invoiceLineId: line.id,
        quantityThousandths: line.quantityThousandths - credited.reduce((total, l) => total + l.quantityThousandths, 0),
        totalMinor: line.totalMinor - credited.reduce((total, l) => total + l.totalMinor, 0),
      };
    }),
    amountCredited: prior.some((c) => c.kind === "amount"),
  };
}

export type DraftResult = { ok: true; value: CreditNoteDraft } | { ok: false; error: MessageKey };

/** The credit note asked for, checked against what is left on the invoice. */
export function draftCreditNote(invoice: CreditableInvoice, prior: PriorCreditNote[], request: CreditRequest, amountDescription = ""): DraftResult {
  const remaining = remainingOf(invoice, prior);
  if (remaining.totalMinor <= 0) return { ok: false, error: "creditNotes.errors.nothingLeft" };
  if (request.kind === "amount") {
    if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0) return { ok: false, error: "creditNotes.errors.amount" };
    if (request.amountMinor > remaining.totalMinor) return { ok: false, error: "creditNotes.errors.aboveRemaining" };
    return finish("amount", amountLines(computeTotals(invoice.lines).vat, request.amountMinor, request.description), remaining);
  }
  if (request.kind === "full") {
    // After a credit note for an amount, the lines no longer tell what is left: credit the rest as an amount.
    if (remaining.amountCredited) return finish("full", amountLines(computeTotals(invoice.lines).vat, remaining.totalMinor, amountDescription), remaining);
    const quantities = remaining.lines
      .filter((l) => l.quantityThousandths !== 0)
      .map((l) => ({ invoiceLineId: l.invoiceLineId, quantityThousandths: Math.abs(l.quantityThousandths) }));
    return linesDraft("full", invoice, remaining, quantities);
  }
  if (remaining.amountCredited) return { ok: false, error: "creditNotes.errors.linesAfterAmount" };
  return linesDraft("lines", invoice, remaining, request.quantities);
}

function linesDraft(
  kind: CreditNoteKind,
  invoice: CreditableInvoice,
  remaining: Remaining,
  quantities: { invoiceLineId: string; quantityThousandths: number }[],
): DraftResult {
  const lines: CreditNoteLineDraft[] = [];
  const seen = new Set<string>();
  for (const { invoiceLineId, quantityThousandths } of quantities) {
    if (!Number.isSafeInteger(quantityThousandths) || quantityThousandths < 0) return { ok: false, error: "creditNotes.errors.quantity" };
    if (quantityThousandths === 0) continue;
    const line = invoice.lines.find((l) => l.id === invoiceLineId);
    const left = remaining.lines.find((l) => l.invoiceLineId === invoiceLineId);
    if (!line || !left || seen.has(invoiceLineId)) return { ok: false, error: "creditNotes.errors.line" };
    seen.add(invoiceLineId);
    // Credit the line's sign (a discount line has a negative quantity or price): compare magnitudes.
    const sign = Math.sign(line.quantityThousandths) || 1;
    const leftQuantity = Math.abs(left.quantityThousandths);
    if (quantityThousandths > leftQuantity) return { ok: false, error: "creditNotes.errors.quantityAboveRemaining" };
    const quantity = sign * quantityThousandths;
    const amounts = { quantityThousandths: quantity, unitPriceMinor: line.unitPriceMinor, vatRateBasisPoints: line.vatRateBasisPoints };
    lines.push({
      invoiceLineId,
      description: line.description,
      ...amounts,
      // The last of a line takes exactly what is left of its amount: pieces never add up to more than the line.
      totalMinor: quantityThousandths === leftQuantity ? left.totalMinor : lineTotalMinor(amounts),
    });
  }
  if (!lines.length) return { ok: false, error: "creditNotes.errors.noLines" };
  return finish(kind, lines, remaining);
}

function finish(kind: CreditNoteKind, lines: CreditNoteLineDraft[], remaining: Remaining): DraftResult {
  const vat = vatOf(lines);
  const subtotalMinor = lines.reduce((sum, l) => sum + l.totalMinor, 0);
  const taxMinor = vat.reduce((sum, r) => sum + r.vatMinor, 0);
  const totalMinor = subtotalMinor + taxMinor;
  if (totalMinor <= 0 || subtotalMinor < 0 || taxMinor < 0) return { ok: false, error: "creditNotes.errors.amount" };
  if (totalMinor > remaining.totalMinor) return { ok: false, error: "creditNotes.errors.aboveRemaining" };
  if (totalMinor > MAX_AMOUNT_MINOR) return { ok: false, error: "errors.amountTooLarge" };
  return { ok: true, value: { kind, lines, vat, subtotalMinor, taxMinor, totalMinor } };
}

/** VAT per rate on the sum of the lines' amounts at that rate, rounded once (the invoices' rule), from the lines' stored amounts. */
export function vatOf(lines: { vatRateBasisPoints: number; totalMinor: number }[]): VatBreakdown[] {
  const baseByRate = new Map<number, bigint>();
  for (const line of lines) baseByRate.set(line.vatRateBasisPoints, (baseByRate.get(line.vatRateBasisPoints) ?? 0n) + BigInt(line.totalMinor));
  return [...baseByRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBasisPoints, base]) => ({ rateBasisPoints, baseMinor: Number(base), vatMinor: Number(divideRounded(base * BigInt(rateBasisPoints), 10000n)) }));
}

/** `amountMinor` (VAT included) split over the rates in proportion to each rate's base + VAT; the parts add up to the amount. */
export function splitByRates(vat: VatBreakdown[], amountMinor: number): { rateBasisPoints: number; amountMinor: number }[] {
  const weights = vat.map((r) => ({ rateBasisPoints: r.rateBasisPoints, weight: BigInt(r.baseMinor + r.vatMinor) })).filter((r) => r.weight > 0n);
  const total = weights.reduce((sum, r) => sum + r.weight, 0n);
  if (total <= 0n) return [];
  const parts = weights.map((r) => {
    const exact = BigInt(amountMinor) * r.weight;
    return { rateBasisPoints: r.rateBasisPoints, amountMinor: Number(exact / total), remainder: exact % total };
  });
  let left = amountMinor - parts.reduce((sum, p) => sum + p.amountMinor, 0);
  // Largest remainder first; ties to the higher rate (the order `vat` comes in).
  for (const part of [...parts].sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : 0))) {
    if (left <= 0) break;
    part.amountMinor += 1;
    left -= 1;
  }
  return parts.map(({ rateBasisPoints, amountMinor }) => ({ rateBasisPoints, amountMinor })).filter((p) => p.amountMinor > 0);
}

/** The amount excluding VAT whose amount plus VAT (rounded) is `grossMinor`, or the nearest below when none is. */
export function baseForGross(grossMinor: number, rateBasisPoints: number): number {
  const gross = (base: number) => base + Number(divideRounded(BigInt(base) * BigInt(rateBasisPoints), 10000n));
  const estimate = Number(divideRounded(BigInt(grossMinor) * 10000n, BigInt(10000 + rateBasisPoints)));
  for (const base of [estimate, estimate - 1, estimate + 1, estimate - 2]) if (base >= 0 && gross(base) === grossMinor) return base;
  let base = estimate + 1;
  while (base > 0 && gross(base) > grossMinor) base--;
  return base;
}

function amountLines(vat: VatBreakdown[], amountMinor: number, description: string): CreditNoteLineDraft[] {
  return splitByRates(vat, amountMinor).map(({ rateBasisPoints, amountMinor: part }) => {
    const base = baseForGross(part, rateBasisPoints);
    return { invoiceLineId: null, description, quantityThousandths: 1000, unitPriceMinor: base, vatRateBasisPoints: rateBasisPoints, totalMinor: base };
  });
}

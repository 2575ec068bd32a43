import { z } from "zod";
import { CURRENCIES, parseAmountMinor, parseQuantityThousandths, parseVatRateBasisPoints } from "../money";
import { calendarDay, checkbox, optionalText, requiredText, type FieldErrors, type Validated } from "../validation";
import { computeTotals, lineTotalMinor } from "./totals";

/** Prisma's Int is 32-bit: every stored amount stays below this many minor units (21 474 836,47 €). */
export const MAX_AMOUNT_MINOR = 2_147_483_647;
export const MAX_QUANTITY_THOUSANDTHS = 1_000_000_000; // one million units
export const MAX_LINES = 200;

export interface DraftLine {
  description: string;
  quantityThousandths: number;
  unitPriceMinor: number;
  vatRateBasisPoints: number;
}

export interface DraftInput {
  customerId: string;
  currency: (typeof CURRENCIES)[number];
  issueDate: Date;
  dueDate: Date;
  notes: string;
  paymentTerms: string;
  onlinePayment: boolean;
  allowPartialPayment: boolean;
  lines: DraftLine[];
}

const headerSchema = z.object({
  customerId: requiredText(40),
  currency: z.enum(CURRENCIES, { error: "errors.currency" }),
  issueDate: calendarDay,
  dueDate: calendarDay,
  notes: optionalText(2000),
  paymentTerms: optionalText(500),
  onlinePayment: checkbox,
  allowPartialPayment: checkbox,
});

export type RawLine = { description?: string; quantity?: string; unitPrice?: string; vatRate?: string };

/** Reads `lines[0][description]`-style fields into rows, in index order. */
export function linesFromForm(values: Record<string, string>): RawLine[] {
  const rows = new Map<number, RawLine>();
  for (const [key, value] of Object.entries(values)) {
    const match = /^lines\[(\d{1,3})\]\[(description|quantity|unitPrice|vatRate)\]$/.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    rows.set(index, { ...rows.get(index), [match[2]]: value });
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

function isBlank(line: RawLine) {
  return !line.description?.trim() && !line.quantity?.trim() && !line.unitPrice?.trim();
}

export function parseDraft(values: Record<string, string>): Validated<DraftInput> & { lines: RawLine[] } {
  const rawLines = linesFromForm(values).filter((line) => !isBlank(line));
  const errors: FieldErrors = {};
  const header = headerSchema.safeParse(values);
  if (!header.success) {
    for (const issue of header.error.issues) {
      const key = String(issue.path[0]);
      errors[key] ??= (issue.message as FieldErrors[string]) ?? "errors.invalid";
    }
  }
  const currency = header.success ? header.data.currency : CURRENCIES.includes(values.currency as never) ? values.currency : "EUR";

  if (rawLines.length === 0) errors.lines = "errors.noLines";
  if (rawLines.length > MAX_LINES) errors.lines = "errors.tooManyLines";
  const lines: DraftLine[] = [];
  rawLines.slice(0, MAX_LINES).forEach((raw, index) => {
    const description = (raw.description ?? "").trim();
    const quantityThousandths = parseQuantityThousandths(raw.quantity?.trim() || "1");
    const unitPriceMinor = parseAmountMinor(raw.unitPrice ?? "", currency);
    const vatRateBasisPoints = parseVatRateBasisPoints(raw.vatRate?.trim() || "0");
    if (!description) errors[`lines.${index}.description`] = "errors.required";
    else if (description.length > 500) errors[`lines.${index}.description`] = "errors.tooLong";
    if (quantityThousandths === null || quantityThousandths <= 0 || quantityThousandths > MAX_QUANTITY_THOUSANDTHS) {
      errors[`lines.${index}.quantity`] = "errors.quantity";
    }
    if (unitPriceMinor === null) errors[`lines.${index}.unitPrice`] = "errors.amount";
    else if (Math.abs(unitPriceMinor) > MAX_AMOUNT_MINOR) errors[`lines.${index}.unitPrice`] = "errors.amountTooLarge";
    if (vatRateBasisPoints === null || vatRateBasisPoints < 0 || vatRateBasisPoints > 10000) errors[`lines.${index}.vatRate`] = "errors.vatRate";
    if (quantityThousandths !== null && unitPriceMinor !== null && vatRateBasisPoints !== null) {
      const line = { description, quantityThousandths, unitPriceMinor, vatRateBasisPoints };
      if (Math.abs(lineTotalMinor(line)) > MAX_AMOUNT_MINOR) errors[`lines.${index}.unitPrice`] ??= "errors.amountTooLarge";
      lines.push(line);
    }
  });

  if (header.success && header.data.dueDate < header.data.issueDate) errors.dueDate ??= "errors.dueBeforeIssue";
  if (Object.keys(errors).length === 0) {
    const totals = computeTotals(lines);
    if (totals.totalMinor > MAX_AMOUNT_MINOR || totals.subtotalMinor > MAX_AMOUNT_MINOR) errors.lines = "errors.amountTooLarge";
    if (totals.totalMinor < 0) errors.lines = "invoices.errors.negativeTotal";
  }
  if (Object.keys(errors).length > 0 || !header.success) return { ok: false, errors, lines: rawLines };
  return { ok: true, data: { ...header.data, lines }, lines: rawLines };
}

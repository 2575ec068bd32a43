import { z } from "zod";
import { CURRENCIES, isCurrency, parseAmountMinor, parseQuantityThousandths, parseVatRateBasisPoints } from "../money";
import { calendarDay, checkbox, optionalText, requiredText } from "../validation";
import type { MessageKey } from "~/i18n";
import { NO_VAT_EXEMPTION, OPERATION_NATURES, type OperationNature, VAT_EXEMPTIONS, type VatExemption } from "./mentions";
import { computeTotals, type InvoiceTotals, lineTotalMinor } from "./totals";

/** Prisma's Int is 32-bit: every stored amount stays below this many minor units (21 474 836,47 €). */
export const MAX_AMOUNT_MINOR = 2_147_483_647;
export const MAX_QUANTITY_THOUSANDTHS = 1_000_000_000; // one million units
export const MAX_LINES = 200;

/**
 * What is wrong with an invoice's totals, or null. Every amount that is stored or shown (each line, each
 * VAT rate's base and VAT, the subtotal, the VAT, the total) must fit the cap, whatever the sign: large
 * positive and negative lines must not add up to a VAT or subtotal beyond it. None of the three totals may
 * be negative (a refund is not an invoice; a discount comes off lines at its own VAT rate).
 */
export function totalsError(totals: InvoiceTotals): MessageKey | null {
  const amounts = [
    totals.subtotalMinor,
    totals.taxMinor,
    totals.totalMinor,
    ...totals.lineTotalsMinor,
    ...totals.vat.flatMap((rate) => [rate.baseMinor, rate.vatMinor]),
  ];
  if (amounts.some((amount) => !Number.isSafeInteger(amount) || Math.abs(amount) > MAX_AMOUNT_MINOR)) return "errors.amountTooLarge";
  if (totals.totalMinor < 0) return "invoices.errors.negativeTotal";
  if (totals.subtotalMinor < 0) return "invoices.errors.negativeSubtotal";
  if (totals.taxMinor < 0) return "invoices.errors.negativeTax";
  return null;
}

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
  /** Undefined when the form did not have the field: the organisation's default (new draft) or the draft's own (edit). */
  operationNature?: OperationNature;
  /** "" for none; undefined as above. */
  vatExemption?: VatExemption | "";
  lines: DraftLine[];
}

/** A line as the form posts it (`lines[0].description`, `lines[0].quantity`…): strings as typed. */
export type RawLine = { description?: string; quantity?: string; unitPrice?: string; vatRate?: string };

const typed = z.preprocess((v) => (typeof v === "string" ? v : ""), z.string());

function isBlank(line: RawLine) {
  return !line.description?.trim() && !line.quantity?.trim() && !line.unitPrice?.trim();
}

/**
 * One line of the form. A line left entirely blank is dropped (null); otherwise each field's error is
 * reported at its own path (`lines[2].unitPrice`), so the form shows it next to that line's field.
 */
function lineSchema(currency: string) {
  return z.preprocess(
    (v) => (v && typeof v === "object" ? v : {}),
    z.object({ description: typed, quantity: typed, unitPrice: typed, vatRate: typed }).transform((raw, ctx): DraftLine | null => {
      if (isBlank(raw)) return null;
      const issue = (field: keyof RawLine, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
      const description = raw.description.trim();
      const quantityThousandths = parseQuantityThousandths(raw.quantity.trim() || "1");
      const unitPriceMinor = parseAmountMinor(raw.unitPrice, currency);
      const vatRateBasisPoints = parseVatRateBasisPoints(raw.vatRate.trim() || "0");
      if (!description) issue("description", "errors.required");
      else if (description.length > 500) issue("description", "errors.tooLong");
      if (quantityThousandths === null || quantityThousandths <= 0 || quantityThousandths > MAX_QUANTITY_THOUSANDTHS) issue("quantity", "errors.quantity");
      if (unitPriceMinor === null) issue("unitPrice", "errors.amount");
      else if (Math.abs(unitPriceMinor) > MAX_AMOUNT_MINOR) issue("unitPrice", "errors.amountTooLarge");
      if (vatRateBasisPoints === null || vatRateBasisPoints < 0 || vatRateBasisPoints > 10000) issue("vatRate", "errors.vatRate");
      if (quantityThousandths === null || unitPriceMinor === null || vatRateBasisPoints === null) return z.NEVER;
      const line = { description, quantityThousandths, unitPriceMinor, vatRateBasisPoints };
      if (Math.abs(unitPriceMinor) <= MAX_AMOUNT_MINOR && Math.abs(lineTotalMinor(line)) > MAX_AMOUNT_MINOR) issue("unitPrice", "errors.amountTooLarge");
      return line;
    }),
  );
}

/**
 * The invoice form (new draft and edit), for the currency it was posted in: amounts are read with
 * that currency's decimals (an unknown currency reads as EUR while its own field reports the error).
 * Every field and line is checked at once; the totals only once all of them are valid.
 */
export function draftSchema(postedCurrency: unknown) {
  const currency = isCurrency(postedCurrency) ? postedCurrency : "EUR";
  return z
    .object({
      customerId: requiredText(40),
      currency: z.enum(CURRENCIES, { error: "errors.currency" }),
      issueDate: calendarDay,
      dueDate: calendarDay,
      notes: optionalText(2000),
      paymentTerms: optionalText(500),
      onlinePayment: checkbox,
      allowPartialPayment: checkbox,
      operationNature: z.enum(OPERATION_NATURES, { error: "errors.invalid" }).optional(),
      vatExemption: z
        .enum([NO_VAT_EXEMPTION, ...VAT_EXEMPTIONS], { error: "errors.invalid" })
        .optional()
        .transform((value) => (value === NO_VAT_EXEMPTION ? "" : value)),
      lines: z
        .preprocess((v) => v ?? [], z.array(lineSchema(currency)))
        // Counted with the lines' own errors (a failed line is still a line); blank lines do not count.
        .refine((lines) => lines.filter((line) => line !== null).length <= MAX_LINES, {
          message: "errors.tooManyLines",
          when: ({ value }) => Array.isArray(value),
        })
        .transform((lines) => lines.filter((line): line is DraftLine => line !== null))
        .refine((lines) => lines.length > 0, "errors.noLines"),
    })
    .refine((draft) => draft.dueDate >= draft.issueDate, {
      path: ["dueDate"],
      message: "errors.dueBeforeIssue",
      // Reported with the other errors, as soon as both dates are dates.
      when: ({ value }) => {
        const { issueDate, dueDate } = (value ?? {}) as { issueDate?: unknown; dueDate?: unknown };
        return issueDate instanceof Date && dueDate instanceof Date;
      },
    })
    .superRefine((draft, ctx) => {
      const error = totalsError(computeTotals(draft.lines));
      if (error) ctx.addIssue({ code: "custom", path: ["lines"], message: error });
    }) satisfies z.ZodType<DraftInput>;
}

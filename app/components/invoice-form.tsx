import { useState } from "react";
import { Form } from "react-router";
import { linesFromForm, type RawLine } from "~/domain/invoices/draft";
import { computeTotals } from "~/domain/invoices/totals";
import { CURRENCIES, parseAmountMinor, parseQuantityThousandths, parseVatRateBasisPoints } from "~/domain/money";
import type { FieldErrors } from "~/domain/validation";
import { formatVatRate, minorToInput } from "~/lib/format";
import { useI18n } from "~/i18n/react";
import { Checkbox, CsrfInput, Field, FieldError, FormMessage, SelectField, TextareaField, buttonClass, inputClass, secondaryButtonClass } from "./form";

export const VAT_RATES = ["20", "10", "8,5", "5,5", "2,1", "0"];

export type InvoiceFormValues = Record<string, string>;

const emptyLine: RawLine = { description: "", quantity: "1", unitPrice: "", vatRate: "20" };

/** Line totals shown while typing come from the same function the server stores. */
function preview(lines: RawLine[], currency: string) {
  const parsed = lines.map((line) => ({
    quantityThousandths: parseQuantityThousandths(line.quantity || "1") ?? 0,
    unitPriceMinor: parseAmountMinor(line.unitPrice || "0", currency) ?? 0,
    vatRateBasisPoints: parseVatRateBasisPoints(line.vatRate || "0") ?? 0,
  }));
  return computeTotals(parsed);
}

export function InvoiceForm(props: {
  values: InvoiceFormValues;
  errors?: FieldErrors;
  customers: { id: string; name: string; company: string }[];
  submitLabel: string;
}) {
  const { t, money, locale } = useI18n();
  const { values, errors } = props;
  const initialLines = linesFromForm(values);
  const [lines, setLines] = useState<RawLine[]>(initialLines.length ? initialLines : [emptyLine]);
  const [currency, setCurrency] = useState(values.currency || "EUR");
  const safeCurrency = (CURRENCIES as readonly string[]).includes(currency) ? currency : "EUR";
  const totals = preview(lines, safeCurrency);
  const update = (index: number, field: keyof RawLine, value: string) =>
    setLines((current) => current.map((line, i) => (i === index ? { ...line, [field]: value } : line)));

  return (
    <Form method="post" className="space-y-6" noValidate>
      <CsrfInput />
      <FormMessage error={errors?.form ?? (errors && Object.keys(errors).length ? "common.fixErrors" : null)} />
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField className="sm:col-span-2" name="customerId" label={t("invoices.customer")} defaultValue={values.customerId} errors={errors} required>
          <option value="">—</option>
          {props.customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.company ? `${c.company} (${c.name})` : c.name}
            </option>
          ))}
        </SelectField>
        <SelectField name="currency" label={t("invoices.currency")} value={currency} onChange={(e) => setCurrency(e.target.value)} errors={errors}>
          {CURRENCIES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </SelectField>
        <Field name="issueDate" type="date" label={t("invoices.issueDate")} defaultValue={values.issueDate} errors={errors} required />
        <Field name="dueDate" type="date" label={t("invoices.dueDate")} defaultValue={values.dueDate} errors={errors} required />
      </div>

      <fieldset>
        <legend className="mb-2 text-lg font-semibold">{t("invoices.lines")}</legend>
        <FieldError id="lines" error={errors?.lines} />
        <div className="space-y-3">
          {lines.map((line, index) => (
            <div key={index} className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-12 sm:items-start">
              <div className="sm:col-span-5">
                <label className="text-xs text-slate-500" htmlFor={`lines.${index}.description`}>
                  {t("invoices.description")}
                </label>
                <input
                  id={`lines.${index}.description`}
                  name={`lines[${index}][description]`}
                  className={inputClass}
                  value={line.description ?? ""}
                  onChange={(e) => update(index, "description", e.target.value)}
                  aria-invalid={errors?.[`lines.${index}.description`] ? true : undefined}
                />
                <FieldError id={`lines.${index}.description`} error={errors?.[`lines.${index}.description`]} />
              </div>
              <div className="sm:col-span-1">
                <label className="text-xs text-slate-500" htmlFor={`lines.${index}.quantity`}>
                  {t("invoices.quantity")}
                </label>
                <input
                  id={`lines.${index}.quantity`}
                  name={`lines[${index}][quantity]`}
                  inputMode="decimal"
                  className={inputClass}
                  value={line.quantity ?? ""}
                  onChange={(e) => update(index, "quantity", e.target.value)}
                  aria-invalid={errors?.[`lines.${index}.quantity`] ? true : undefined}
                />
                <FieldError id={`lines.${index}.quantity`} error={errors?.[`lines.${index}.quantity`]} />
              </div>
              <div className="sm:col-span-2">
                <label className="text-xs text-slate-500" htmlFor={`lines.${index}.unitPrice`}>
                  {t("invoices.unitPrice")}
                </label>
                <input
                  id={`lines.${index}.unitPrice`}
                  name={`lines[${index}][unitPrice]`}
                  inputMode="decimal"
                  className={inputClass}
                  value={line.unitPrice ?? ""}
                  onChange={(e) => update(index, "unitPrice", e.target.value)}
                  aria-invalid={errors?.[`lines.${index}.unitPrice`] ? true : undefined}
                />
                <FieldError id={`lines.${index}.unitPrice`} error={errors?.[`lines.${index}.unitPrice`]} />
              </div>
              <div className="sm:col-span-1">
                <label className="text-xs text-slate-500" htmlFor={`lines.${index}.vatRate`}>
                  {t("invoices.vatRate")}
                </label>
                <input
                  id={`lines.${index}.vatRate`}
                  name={`lines[${index}][vatRate]`}
                  list="vat-rates"
                  inputMode="decimal"
                  className={inputClass}
                  value={line.vatRate ?? ""}
                  onChange={(e) => update(index, "vatRate", e.target.value)}
                  aria-invalid={errors?.[`lines.${index}.vatRate`] ? true : undefined}
                />
                <FieldError id={`lines.${index}.vatRate`} error={errors?.[`lines.${index}.vatRate`]} />
              </div>
              <div className="text-right sm:col-span-2">
                <span className="text-xs text-slate-500">{t("invoices.lineTotal")}</span>
                <p className="py-2 tabular-nums">{money(totals.lineTotalsMinor[index] ?? 0, safeCurrency)}</p>
              </div>
              <div className="sm:col-span-1 sm:pt-5">
                <button
                  type="button"
                  className="text-sm text-red-700 hover:underline disabled:opacity-40"
                  disabled={lines.length === 1}
                  onClick={() => setLines((current) => current.filter((_, i) => i !== index))}
                >
                  {t("invoices.removeLine")}
                </button>
              </div>
            </div>
          ))}
        </div>
        <datalist id="vat-rates">
          {VAT_RATES.map((rate) => (
            <option key={rate} value={rate} />
          ))}
        </datalist>
        <button type="button" className={`${secondaryButtonClass} mt-3`} onClick={() => setLines((current) => [...current, emptyLine])}>
          {t("invoices.addLine")}
        </button>
        <dl className="ml-auto mt-4 max-w-xs space-y-1 text-sm">
          <div className="flex justify-between">
            <dt>{t("invoices.subtotal")}</dt>
            <dd className="tabular-nums">{money(totals.subtotalMinor, safeCurrency)}</dd>
          </div>
          {totals.vat.map((rate) => (
            <div key={rate.rateBasisPoints} className="flex justify-between">
              <dt>{t("invoices.vatAt", { rate: formatVatRate(rate.rateBasisPoints, locale) })}</dt>
              <dd className="tabular-nums">{money(rate.vatMinor, safeCurrency)}</dd>
            </div>
          ))}
          <div className="flex justify-between font-semibold">
            <dt>{t("invoices.total")}</dt>
            <dd className="tabular-nums">{money(totals.totalMinor, safeCurrency)}</dd>
          </div>
        </dl>
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <TextareaField name="paymentTerms" label={t("invoices.paymentTerms")} defaultValue={values.paymentTerms} errors={errors} />
        <TextareaField name="notes" label={t("invoices.notes")} defaultValue={values.notes} errors={errors} />
      </div>
      <div className="space-y-2">
        <Checkbox name="onlinePayment" label={t("invoices.onlinePayment")} defaultChecked={values.onlinePayment === "on"} />
        <Checkbox name="allowPartialPayment" label={t("invoices.allowPartial")} defaultChecked={values.allowPartialPayment === "on"} />
      </div>
      <button className={buttonClass}>{props.submitLabel}</button>
    </Form>
  );
}

/** A stored draft as the strings its form shows. */
export function draftFormValues(invoice: {
  customerId: string;
  currency: string;
  issueDate: Date | string;
  dueDate: Date | string;
  notes: string;
  paymentTerms: string;
  onlinePayment: boolean;
  allowPartialPayment: boolean;
  lines: { description: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number }[];
}): InvoiceFormValues {
  const values: InvoiceFormValues = {
    customerId: invoice.customerId,
    currency: invoice.currency,
    issueDate: new Date(invoice.issueDate).toISOString().slice(0, 10),
    dueDate: new Date(invoice.dueDate).toISOString().slice(0, 10),
    notes: invoice.notes,
    paymentTerms: invoice.paymentTerms,
    onlinePayment: invoice.onlinePayment ? "on" : "",
    allowPartialPayment: invoice.allowPartialPayment ? "on" : "",
  };
  invoice.lines.forEach((line, i) => {
    values[`lines[${i}][description]`] = line.description;
    values[`lines[${i}][quantity]`] = String(line.quantityThousandths / 1000);
    values[`lines[${i}][unitPrice]`] = minorToInput(line.unitPriceMinor, invoice.currency);
    values[`lines[${i}][vatRate]`] = String(line.vatRateBasisPoints / 100);
  });
  return values;
}

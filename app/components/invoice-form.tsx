import { useForm } from "@conform-to/react";
import { Form } from "react-router";
import { draftSchema, type DraftInput, type RawLine } from "~/domain/invoices/draft";
import { OperationNatureOptions, VatExemptionOptions } from "~/components/invoice-mentions";
import { NO_VAT_EXEMPTION } from "~/domain/invoices/mentions";
import { computeTotals } from "~/domain/invoices/totals";
import { CURRENCIES, isCurrency, parseAmountMinor, parseQuantityThousandths, parseVatRateBasisPoints } from "~/domain/money";
import type { FormResult } from "~/domain/validation";
import { formatVatRate, minorToInput } from "~/lib/format";
import { parseFormData } from "~/lib/forms";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { Checkbox, CsrfInput, Field, FieldError, FormErrors, SelectField, TextareaField, buttonClass, inputClass, secondaryButtonClass } from "./form";

export const VAT_RATES = ["20", "10", "8,5", "5,5", "2,1", "0"];

/** The invoice form's values, as strings (what the form posts: `lines[0].description`…). */
export type InvoiceFormValues = {
  customerId?: string;
  currency?: string;
  issueDate?: string;
  dueDate?: string;
  notes?: string;
  paymentTerms?: string;
  onlinePayment?: string;
  allowPartialPayment?: string;
  operationNature?: string;
  vatExemption?: string;
  lines?: RawLine[];
};

const emptyLine: RawLine = { description: "", quantity: "1", unitPrice: "", vatRate: "20" };

/** Line totals shown while typing come from the same function the server stores. */
function preview(lines: (RawLine | undefined)[], currency: string) {
  const parsed = lines.map((line) => ({
    quantityThousandths: parseQuantityThousandths(line?.quantity || "1") ?? 0,
    unitPriceMinor: parseAmountMinor(line?.unitPrice || "0", currency) ?? 0,
    vatRateBasisPoints: parseVatRateBasisPoints(line?.vatRate || "0") ?? 0,
  }));
  return computeTotals(parsed);
}

const lineInputs = [
  { field: "description", label: "invoices.description", span: "sm:col-span-5" },
  { field: "quantity", label: "invoices.quantity", span: "sm:col-span-1", inputMode: "decimal" },
  { field: "unitPrice", label: "invoices.unitPrice", span: "sm:col-span-2", inputMode: "decimal" },
  { field: "vatRate", label: "invoices.vatRate", span: "sm:col-span-1", inputMode: "decimal", list: "vat-rates" },
] as const;

/**
 * New draft and draft edit. The server parses it with `draftSchema`; the browser runs the same schema
 * on submit, so adding and removing lines needs no round trip (without JavaScript those buttons post
 * the form, and it comes back with the line added or removed).
 */
export function InvoiceForm(props: {
  defaultValue: InvoiceFormValues;
  lastResult?: FormResult | null;
  customers: { id: string; name: string; company: string }[];
  submitLabel: string;
}) {
  const { t, money, locale } = useI18n();
  const [form, fields] = useForm<InvoiceFormValues, DraftInput, MessageKey[]>({
    id: "invoice",
    lastResult: props.lastResult,
    defaultValue: { ...props.defaultValue, lines: props.defaultValue.lines?.length ? props.defaultValue.lines : [emptyLine] },
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseFormData(formData, draftSchema(formData.get("currency"))),
  });
  const lines = fields.lines.getFieldList();
  const currency = isCurrency(fields.currency.value) ? fields.currency.value : "EUR";
  const totals = preview(
    lines.map((line) => line.value),
    currency,
  );

  return (
    <Form method="post" className="space-y-6" id={form.id} onSubmit={form.onSubmit} noValidate>
      {/* Enter in a field submits with the form's first button: this one, not "remove line". */}
      <button type="submit" className="sr-only" tabIndex={-1} aria-hidden="true">
        {props.submitLabel}
      </button>
      <CsrfInput />
      <FormErrors result={{ error: form.allErrors }} summary />
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField className="sm:col-span-2" meta={fields.customerId} label={t("invoices.customer")} required>
          <option value="">—</option>
          {props.customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.company ? `${c.company} (${c.name})` : c.name}
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.currency} label={t("invoices.currency")}>
          {CURRENCIES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </SelectField>
        <Field meta={fields.issueDate} type="date" label={t("invoices.issueDate")} required />
        <Field meta={fields.dueDate} type="date" label={t("invoices.dueDate")} required />
      </div>

      <fieldset>
        <legend className="mb-2 text-lg font-semibold">{t("invoices.lines")}</legend>
        <FieldError id={fields.lines.errorId} errors={fields.lines.errors} />
        <div className="space-y-3">
          {lines.map((line, index) => {
            const cells = line.getFieldset();
            return (
              <div
                key={line.key ?? index}
                className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-12 sm:items-start"
                data-testid={`line-${index}`}
              >
                {lineInputs.map(({ field, label, span, ...input }) => {
                  const cell = cells[field];
                  const invalid = Boolean(cell.errors?.length);
                  return (
                    <div key={field} className={span}>
                      <label className="text-xs text-slate-500" htmlFor={cell.id}>
                        {t(label)}
                      </label>
                      <input
                        key={cell.key}
                        id={cell.id}
                        name={cell.name}
                        form={cell.formId}
                        className={inputClass}
                        defaultValue={cell.initialValue ?? ""}
                        aria-invalid={invalid || undefined}
                        aria-describedby={invalid ? cell.errorId : undefined}
                        {...input}
                      />
                      <FieldError id={cell.errorId} errors={cell.errors} />
                    </div>
                  );
                })}
                <div className="text-right sm:col-span-2">
                  <span className="text-xs text-slate-500">{t("invoices.lineTotal")}</span>
                  <p className="py-2 tabular-nums">{money(totals.lineTotalsMinor[index] ?? 0, currency)}</p>
                </div>
                <div className="sm:col-span-1 sm:pt-5">
                  <button
                    {...form.remove.getButtonProps({ name: fields.lines.name, index })}
                    className="text-sm text-red-700 hover:underline disabled:opacity-40"
                    disabled={lines.length === 1}
                  >
                    {t("invoices.removeLine")}
                  </button>
                </div>
              </div>
            );
          })}
        </div>
        <datalist id="vat-rates">
          {VAT_RATES.map((rate) => (
            <option key={rate} value={rate} />
          ))}
        </datalist>
        <button {...form.insert.getButtonProps({ name: fields.lines.name, defaultValue: emptyLine })} className={`${secondaryButtonClass} mt-3`}>
          {t("invoices.addLine")}
        </button>
        <dl className="ml-auto mt-4 max-w-xs space-y-1 text-sm">
          <div className="flex justify-between">
            <dt>{t("invoices.subtotal")}</dt>
            <dd className="tabular-nums">{money(totals.subtotalMinor, currency)}</dd>
          </div>
          {totals.vat.map((rate) => (
            <div key={rate.rateBasisPoints} className="flex justify-between">
              <dt>{t("invoices.vatAt", { rate: formatVatRate(rate.rateBasisPoints, locale) })}</dt>
              <dd className="tabular-nums">{money(rate.vatMinor, currency)}</dd>
            </div>
          ))}
          <div className="flex justify-between font-semibold">
            <dt>{t("invoices.total")}</dt>
            <dd className="tabular-nums">{money(totals.totalMinor, currency)}</dd>
          </div>
        </dl>
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField meta={fields.operationNature} label={t("invoices.operationNature")}>
          <OperationNatureOptions />
        </SelectField>
        <SelectField meta={fields.vatExemption} label={t("invoices.vatExemption")} hint={t("invoices.vatExemptionHint")}>
          <VatExemptionOptions />
        </SelectField>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextareaField meta={fields.paymentTerms} label={t("invoices.paymentTerms")} />
        <TextareaField meta={fields.notes} label={t("invoices.notes")} />
      </div>
      <div className="space-y-2">
        <Checkbox meta={fields.onlinePayment} label={t("invoices.onlinePayment")} />
        <Checkbox meta={fields.allowPartialPayment} label={t("invoices.allowPartial")} />
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
  operationNature: string;
  vatExemption: string;
  lines: { description: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number }[];
}): InvoiceFormValues {
  return {
    customerId: invoice.customerId,
    currency: invoice.currency,
    issueDate: new Date(invoice.issueDate).toISOString().slice(0, 10),
    dueDate: new Date(invoice.dueDate).toISOString().slice(0, 10),
    notes: invoice.notes,
    paymentTerms: invoice.paymentTerms,
    onlinePayment: invoice.onlinePayment ? "on" : "",
    allowPartialPayment: invoice.allowPartialPayment ? "on" : "",
    operationNature: invoice.operationNature,
    vatExemption: invoice.vatExemption || NO_VAT_EXEMPTION,
    lines: invoice.lines.map((line) => ({
      description: line.description,
      quantity: String(line.quantityThousandths / 1000),
      unitPrice: minorToInput(line.unitPriceMinor, invoice.currency),
      vatRate: String(line.vatRateBasisPoints / 100),
    })),
  };
}

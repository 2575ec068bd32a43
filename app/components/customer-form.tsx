import { useForm } from "@conform-to/react";
import { Form } from "react-router";
import type { FormResult } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { CsrfInput, Field, FormErrors, SelectField, buttonClass, useSettledResult } from "./form";

export type CustomerFormValues = Partial<
  Record<
    | "name"
    | "company"
    | "email"
    | "locale"
    | "addressLine1"
    | "addressLine2"
    | "postalCode"
    | "city"
    | "country"
    | "reference"
    | "siren"
    | "vatNumber"
    | "deliveryAddressLine1"
    | "deliveryAddressLine2"
    | "deliveryPostalCode"
    | "deliveryCity"
    | "deliveryCountry",
    string
  >
>;

/** Creating and editing a customer: the same fields; its `intent` is "save" (the customer page also archives). */
export function CustomerForm({
  lastResult,
  defaultValue,
  submitLabel,
}: {
  lastResult?: FormResult | null;
  defaultValue: CustomerFormValues;
  submitLabel: string;
}) {
  const { t } = useI18n();
  const [form, fields] = useForm({ id: "customer", lastResult: useSettledResult(lastResult), defaultValue: { locale: "fr", country: "FR", ...defaultValue } });
  return (
    <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      <FormErrors result={lastResult} summary />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field meta={fields.name} label={t("customers.name")} required />
        <Field meta={fields.company} label={t("customers.company")} />
        <Field meta={fields.email} type="email" label={t("customers.email")} />
        <SelectField meta={fields.locale} label={t("customers.locale")}>
          <option value="fr">{t("lang.fr")}</option>
          <option value="en">{t("lang.en")}</option>
        </SelectField>
        <Field className="sm:col-span-2" meta={fields.addressLine1} label={t("org.addressLine1")} />
        <Field className="sm:col-span-2" meta={fields.addressLine2} label={t("org.addressLine2")} />
        <Field meta={fields.postalCode} label={t("org.postalCode")} />
        <Field meta={fields.city} label={t("org.city")} />
        <Field meta={fields.country} label={t("org.country")} maxLength={2} />
        <Field meta={fields.reference} label={t("customers.reference")} />
      </div>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">{t("customers.business")}</legend>
        <p className="text-xs text-slate-500">{t("customers.businessHint")}</p>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field meta={fields.siren} label={t("customers.siren")} inputMode="numeric" autoComplete="off" />
          <Field meta={fields.vatNumber} label={t("customers.vatNumber")} autoComplete="off" />
        </div>
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">{t("customers.delivery")}</legend>
        <p className="text-xs text-slate-500">{t("customers.deliveryHint")}</p>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field className="sm:col-span-2" meta={fields.deliveryAddressLine1} label={t("org.addressLine1")} autoComplete="off" />
          <Field className="sm:col-span-2" meta={fields.deliveryAddressLine2} label={t("org.addressLine2")} autoComplete="off" />
          <Field meta={fields.deliveryPostalCode} label={t("org.postalCode")} autoComplete="off" />
          <Field meta={fields.deliveryCity} label={t("org.city")} autoComplete="off" />
          <Field meta={fields.deliveryCountry} label={t("org.country")} maxLength={2} autoComplete="off" />
        </div>
      </fieldset>
      <button className={buttonClass}>{submitLabel}</button>
    </Form>
  );
}

import { useForm } from "@conform-to/react";
import { Form } from "react-router";
import type { FormResult } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { CsrfInput, Field, FormErrors, SelectField, buttonClass } from "./form";

export type CustomerFormValues = Partial<
  Record<"name" | "company" | "email" | "locale" | "addressLine1" | "addressLine2" | "postalCode" | "city" | "country" | "reference", string>
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
  const [form, fields] = useForm({ id: "customer", lastResult, defaultValue: { locale: "fr", country: "FR", ...defaultValue } });
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
      <button className={buttonClass}>{submitLabel}</button>
    </Form>
  );
}

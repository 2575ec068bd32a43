import { Form } from "react-router";
import type { FieldErrors } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { CsrfInput, Field, FormMessage, SelectField, buttonClass } from "./form";

export function CustomerForm({ values, errors, submitLabel }: { values: Record<string, string>; errors?: FieldErrors; submitLabel: string }) {
  const { t } = useI18n();
  return (
    <Form method="post" className="space-y-4" noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      {errors && Object.keys(errors).length ? <FormMessage error="common.fixErrors" /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label={t("customers.name")} defaultValue={values.name} errors={errors} required />
        <Field name="company" label={t("customers.company")} defaultValue={values.company} errors={errors} />
        <Field name="email" type="email" label={t("customers.email")} defaultValue={values.email} errors={errors} />
        <SelectField name="locale" label={t("customers.locale")} defaultValue={values.locale || "fr"} errors={errors}>
          <option value="fr">{t("lang.fr")}</option>
          <option value="en">{t("lang.en")}</option>
        </SelectField>
        <Field className="sm:col-span-2" name="addressLine1" label={t("org.addressLine1")} defaultValue={values.addressLine1} errors={errors} />
        <Field className="sm:col-span-2" name="addressLine2" label={t("org.addressLine2")} defaultValue={values.addressLine2} errors={errors} />
        <Field name="postalCode" label={t("org.postalCode")} defaultValue={values.postalCode} errors={errors} />
        <Field name="city" label={t("org.city")} defaultValue={values.city} errors={errors} />
        <Field name="country" label={t("org.country")} defaultValue={values.country || "FR"} errors={errors} maxLength={2} />
        <Field name="reference" label={t("customers.reference")} defaultValue={values.reference} errors={errors} />
      </div>
      <button className={buttonClass}>{submitLabel}</button>
    </Form>
  );
}

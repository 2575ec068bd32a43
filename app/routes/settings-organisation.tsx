import { Form, useActionData, useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { CsrfInput, Field, FormMessage, SelectField, TextareaField, buttonClass } from "~/components/form";
import { displayIban } from "~/domain/identifiers";
import { CURRENCIES } from "~/domain/money";
import { organisationProfileSchema, updateOrganisationProfile } from "~/domain/organisations";
import { validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/settings-organisation";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "manageOrganisation");
  return { organisation: { ...organisation, iban: organisation.iban ? displayIban(organisation.iban) : "" } };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "manageOrganisation");
  const { values } = await readForm(request, context);
  const parsed = validate(organisationProfileSchema, values);
  if (!parsed.ok) return { errors: parsed.errors, values, saved: false };
  await updateOrganisationProfile(context.db, organisation.id, parsed.data);
  return { errors: {}, values: null, saved: true };
}

export default function OrganisationSettings() {
  const { t } = useI18n();
  const { organisation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values: Record<string, unknown> = result?.values ?? organisation;
  const errors = result?.errors;
  const v = (name: string) => String(values[name] ?? "");
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("org.profileTitle")} />
      <Form method="post" className="space-y-6" noValidate>
        <CsrfInput />
        {errors && Object.keys(errors).length ? <FormMessage error="common.fixErrors" /> : null}
        {result?.saved ? <FormMessage success={t("common.saved")} /> : null}
        <Card title={t("org.identity")}>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field className="sm:col-span-2" name="legalName" label={t("org.legalName")} defaultValue={v("legalName")} errors={errors} required />
            <Field
              className="sm:col-span-2"
              name="addressLine1"
              label={t("org.addressLine1")}
              defaultValue={v("addressLine1")}
              errors={errors}
              autoComplete="address-line1"
            />
            <Field
              className="sm:col-span-2"
              name="addressLine2"
              label={t("org.addressLine2")}
              defaultValue={v("addressLine2")}
              errors={errors}
              autoComplete="address-line2"
            />
            <Field name="postalCode" label={t("org.postalCode")} defaultValue={v("postalCode")} errors={errors} autoComplete="postal-code" />
            <Field name="city" label={t("org.city")} defaultValue={v("city")} errors={errors} autoComplete="address-level2" />
            <Field name="country" label={t("org.country")} defaultValue={v("country")} errors={errors} maxLength={2} />
            <Field name="siret" label={t("org.siret")} defaultValue={v("siret")} errors={errors} inputMode="numeric" />
            <Field name="vatNumber" label={t("org.vatNumber")} defaultValue={v("vatNumber")} errors={errors} />
            <TextareaField className="sm:col-span-2" name="legalMentions" label={t("org.legalMentions")} defaultValue={v("legalMentions")} errors={errors} />
          </div>
        </Card>
        <Card title={t("org.invoicing")}>
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField name="defaultCurrency" label={t("org.defaultCurrency")} defaultValue={v("defaultCurrency")} errors={errors}>
              {CURRENCIES.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </SelectField>
            <SelectField name="locale" label={t("org.locale")} defaultValue={v("locale")} errors={errors}>
              <option value="fr">{t("lang.fr")}</option>
              <option value="en">{t("lang.en")}</option>
            </SelectField>
            <Field
              name="paymentTermsDays"
              type="number"
              min={0}
              max={365}
              label={t("org.paymentTermsDays")}
              defaultValue={v("paymentTermsDays")}
              errors={errors}
            />
            <Field
              name="invoiceNumberFormat"
              label={t("org.numberFormat")}
              hint={t("org.numberFormatHint")}
              defaultValue={v("invoiceNumberFormat")}
              errors={errors}
            />
          </div>
        </Card>
        <Card title={t("org.bank")}>
          <p className="mb-4 text-sm text-slate-600">{t("org.bankHint")}</p>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field className="sm:col-span-2" name="iban" label={t("org.iban")} defaultValue={v("iban")} errors={errors} autoComplete="off" spellCheck={false} />
            <Field name="bic" label={t("org.bic")} defaultValue={v("bic")} errors={errors} autoComplete="off" spellCheck={false} />
          </div>
        </Card>
        <button className={buttonClass}>{t("common.save")}</button>
      </Form>
    </div>
  );
}

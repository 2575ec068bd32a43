import { useForm } from "@conform-to/react";
import { type ChangeEvent, useState } from "react";
import { Form, useActionData, useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { Checkbox, CsrfInput, Field, FormErrors, FormMessage, SelectField, TextareaField, buttonClass, useSettledResult } from "~/components/form";
import { displayIban, sameBic } from "~/domain/identifiers";
import { OperationNatureOptions, VatExemptionOptions } from "~/components/invoice-mentions";
import { NO_VAT_EXEMPTION } from "~/domain/invoices/mentions";
import { CURRENCIES } from "~/domain/money";
import { organisationProfileSchema, updateOrganisationProfile } from "~/domain/organisations";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/settings-organisation";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "manageOrganisation");
  // The BIC of the IBAN's bank, when known: proposed in the empty field (saved only when the merchant saves it).
  const proposedBic = organisation.iban ? (await import("~/domain/bic")).proposeBic(organisation.iban) : null;
  const bicNote: { key: MessageKey; vars?: Record<string, string> } | null = !proposedBic
    ? null
    : !organisation.bic
      ? { key: "org.bicProposed" }
      : sameBic(organisation.bic, proposedBic)
        ? null
        : { key: "org.bicDiffers", vars: { bic: proposedBic } };
  return {
    organisation: {
      ...organisation,
      iban: organisation.iban ? displayIban(organisation.iban) : "",
      bic: organisation.bic || proposedBic || "",
      vatOnDebits: organisation.vatOnDebits ? "on" : "",
      vatExemptionDefault: organisation.vatExemptionDefault || NO_VAT_EXEMPTION,
    },
    proposedBic: organisation.bic ? null : proposedBic,
    bicNote,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "manageOrganisation");
  const submission = await parseForm(request, context, organisationProfileSchema);
  if (submission.status !== "success") return refuse(submission);
  await updateOrganisationProfile(context.db, organisation.id, submission.value);
  // The form starts again from what was stored (identifiers normalised).
  return { result: replyTo(submission, { resetForm: true }), saved: true };
}

export default function OrganisationSettings() {
  const { t } = useI18n();
  const { organisation, proposedBic, bicNote } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "organisation", lastResult: useSettledResult(actionData?.result), defaultValue: organisation });
  // With JavaScript, the BIC is proposed as the IBAN is typed: in an empty field, or in place of the previous proposal.
  // A proposal belongs to the values the form started from: once saved (new loader data), the loader's note speaks.
  const [typed, setProposal] = useState<{ bic: string | null; note: typeof bicNote; over: typeof organisation } | null>(null);
  const proposal = typed?.over === organisation ? typed : null;
  const shownNote = proposal ? proposal.note : bicNote;
  async function onIbanChange(event: ChangeEvent<HTMLInputElement>) {
    const ibanInput = event.currentTarget;
    const iban = ibanInput.value;
    const bicInput = ibanInput.form?.elements.namedItem(fields.bic.name);
    if (!(bicInput instanceof HTMLInputElement)) return;
    // The bank tables (~150 kB) load only when the IBAN is edited.
    const bic = (await import("~/domain/bic")).proposeBic(iban);
    if (ibanInput.value !== iban) return; // typed on meanwhile: the later change answers
    const previous = proposal ? proposal.bic : proposedBic;
    const replaceable = bicInput.value.trim() === "" || (previous !== null && bicInput.value === previous);
    // Set in the page (conform's form.update would post an intent, and this form validates on the server).
    if (replaceable) bicInput.value = bic ?? "";
    const kept = replaceable ? bic : bicInput.value;
    setProposal({
      over: organisation,
      bic,
      note: !bic ? null : replaceable ? { key: "org.bicProposed" } : kept && !sameBic(kept, bic) ? { key: "org.bicDiffers", vars: { bic } } : null,
    });
  }
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("org.profileTitle")} />
      <Form method="post" className="space-y-6" id={form.id} onSubmit={form.onSubmit} noValidate>
        <CsrfInput />
        <FormErrors result={actionData?.result} summary />
        {actionData && "saved" in actionData ? <FormMessage success={t("common.saved")} /> : null}
        <Card title={t("org.identity")}>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field className="sm:col-span-2" meta={fields.legalName} label={t("org.legalName")} required />
            <Field className="sm:col-span-2" meta={fields.addressLine1} label={t("org.addressLine1")} autoComplete="address-line1" />
            <Field className="sm:col-span-2" meta={fields.addressLine2} label={t("org.addressLine2")} autoComplete="address-line2" />
            <Field meta={fields.postalCode} label={t("org.postalCode")} autoComplete="postal-code" />
            <Field meta={fields.city} label={t("org.city")} autoComplete="address-level2" />
            <Field meta={fields.country} label={t("org.country")} maxLength={2} />
            <Field meta={fields.siret} label={t("org.siret")} inputMode="numeric" />
            <Field meta={fields.vatNumber} label={t("org.vatNumber")} />
            <TextareaField className="sm:col-span-2" meta={fields.legalMentions} label={t("org.legalMentions")} />
          </div>
        </Card>
        <Card title={t("org.invoicing")}>
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField meta={fields.defaultCurrency} label={t("org.defaultCurrency")}>
              {CURRENCIES.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </SelectField>
            <SelectField meta={fields.locale} label={t("org.locale")}>
              <option value="fr">{t("lang.fr")}</option>
              <option value="en">{t("lang.en")}</option>
            </SelectField>
            <Field meta={fields.paymentTermsDays} type="number" min={0} max={365} label={t("org.paymentTermsDays")} />
            <Field meta={fields.invoiceNumberFormat} label={t("org.numberFormat")} hint={t("org.numberFormatHint")} />
            <Field meta={fields.creditNoteNumberFormat} label={t("org.creditNoteNumberFormat")} hint={t("org.creditNoteNumberFormatHint")} />
          </div>
        </Card>
        <Card title={t("org.bank")}>
          <p className="mb-4 text-sm text-slate-600">{t("org.bankHint")}</p>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field className="sm:col-span-2" meta={fields.iban} label={t("org.iban")} autoComplete="off" spellCheck={false} onChange={onIbanChange} />
            <Field
              meta={fields.bic}
              label={t("org.bic")}
              autoComplete="off"
              spellCheck={false}
              hint={shownNote ? t(shownNote.key, shownNote.vars) : undefined}
            />
          </div>
        </Card>
        <Card title={t("org.sepa")}>
          <p className="mb-4 text-sm text-slate-600">{t("org.sepaHint")}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField meta={fields.sepaCreditor} label={t("org.sepaCreditor")}>
              <option value="gocardless">{t("org.sepaCreditor.gocardless")}</option>
              <option value="own_ics">{t("org.sepaCreditor.own_ics")}</option>
            </SelectField>
            <Field
              meta={fields.creditorIdentifier}
              label={t("org.creditorIdentifier")}
              hint={t("org.creditorIdentifierHint")}
              autoComplete="off"
              spellCheck={false}
            />
            <Field
              meta={fields.debitNoticeDays}
              type="number"
              min={1}
              max={14}
              label={t("settings.debitNoticeDays")}
              hint={t("settings.debitNoticeDaysHint")}
            />
          </div>
        </Card>
        <Card title={t("org.mentions")}>
          <p className="mb-4 text-sm text-slate-600">{t("org.mentionsHint")}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField meta={fields.operationNature} label={t("org.operationNature")}>
              <OperationNatureOptions />
            </SelectField>
            <SelectField meta={fields.vatExemptionDefault} label={t("org.vatExemptionDefault")} hint={t("invoices.vatExemptionHint")}>
              <VatExemptionOptions />
            </SelectField>
            <div className="sm:col-span-2">
              <Checkbox meta={fields.vatOnDebits} label={t("org.vatOnDebits")} />
              <p className="mt-1 text-xs text-slate-500">{t("org.vatOnDebitsHint")}</p>
            </div>
          </div>
        </Card>
        <button className={buttonClass}>{t("common.save")}</button>
      </Form>
    </div>
  );
}

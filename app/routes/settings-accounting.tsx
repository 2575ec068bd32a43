import { useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData } from "react-router";
import { Checkbox, CsrfInput, Field, FormErrors, FormMessage, SelectField, buttonClass, useSettledResult } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { accountingSettingsSchema, getAccountingSettings, saveAccountingSettings, settingsForForm } from "~/domain/journal/settings";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/settings-accounting";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "manageAccounting");
  const [settings, members] = await Promise.all([
    getAccountingSettings(context.db, organisation.id),
    context.db.membership.findMany({ where: { organisationId: organisation.id }, select: { userId: true, user: { select: { name: true, email: true } } } }),
  ]);
  return { settings: settingsForForm(settings), members: members.map((m) => ({ id: m.userId, name: m.user.name || m.user.email })) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "manageAccounting");
  const submission = await parseForm(request, context, accountingSettingsSchema);
  if (submission.status !== "success") return refuse(submission);
  await saveAccountingSettings(context.db, organisation.id, submission.value);
  return { result: replyTo(submission, { resetForm: true }), saved: true };
}

export default function AccountingSettings() {
  const { t } = useI18n();
  const { settings, members } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "accounting", lastResult: useSettledResult(actionData?.result), defaultValue: settings });
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("accounting.title")}>
        <p className="text-sm text-slate-600">{t("accounting.intro")}</p>
      </PageHeader>
      <Form method="post" className="space-y-6" id={form.id} onSubmit={form.onSubmit} noValidate>
        <CsrfInput />
        <FormErrors result={actionData?.result} summary />
        {actionData && "saved" in actionData ? <FormMessage success={t("common.saved")} /> : null}
        <Card title={t("accounting.journals")}>
          <p className="mb-4 text-sm text-slate-600">{t("accounting.journalsHint")}</p>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field meta={fields.journalCard} label={t("accounting.journal.card")} maxLength={6} />
            <Field meta={fields.journalDirectDebit} label={t("accounting.journal.direct_debit")} maxLength={6} />
            <Field meta={fields.journalTransfer} label={t("accounting.journal.transfer")} maxLength={6} />
            <Field meta={fields.journalCheque} label={t("accounting.journal.cheque")} maxLength={6} />
            <Field meta={fields.journalOther} label={t("accounting.journal.other")} maxLength={6} />
            <Field meta={fields.journalSales} label={t("accounting.journal.sales")} maxLength={6} />
          </div>
          <div className="mt-4 space-y-3">
            <Checkbox meta={fields.pieceRequired} label={t("accounting.pieceRequired")} />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field meta={fields.entityCode} label={t("accounting.entityCode")} hint={t("accounting.entityCodeHint")} />
              <SelectField meta={fields.validatorId} label={t("accounting.validator")} hint={t("accounting.validatorHint")}>
                <option value="">{t("accounting.validatorDefault")}</option>
                {members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </SelectField>
            </div>
          </div>
        </Card>
        <Card title={t("accounting.accounts")}>
          <p className="mb-4 text-sm text-slate-600">{t("accounting.accountsHint")}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field meta={fields.bankAccount} label={t("accounting.bankAccount")} inputMode="numeric" />
            <Field meta={fields.customerAccount} label={t("accounting.customerAccount")} inputMode="numeric" />
            <Field meta={fields.customerAuxPrefix} label={t("accounting.customerAuxPrefix")} hint={t("accounting.customerAuxPrefixHint")} />
            <SelectField meta={fields.customerAuxSource} label={t("accounting.customerAuxSource")}>
              <option value="generated">{t("accounting.customerAuxSource.generated")}</option>
              <option value="reference">{t("accounting.customerAuxSource.reference")}</option>
            </SelectField>
            <Field meta={fields.salesServicesAccount} label={t("accounting.salesServicesAccount")} inputMode="numeric" />
            <Field meta={fields.salesGoodsAccount} label={t("accounting.salesGoodsAccount")} inputMode="numeric" />
          </div>
        </Card>
        <Card title={t("accounting.vat")}>
          <p className="mb-4 text-sm text-slate-600">{t("accounting.vatHint")}</p>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field meta={fields.vatAccountPrefix} label={t("accounting.vatAccountPrefix")} inputMode="numeric" />
            <Field meta={fields.vat2000} label={t("accounting.vatRate", { rate: "20 %" })} inputMode="numeric" />
            <Field meta={fields.vat1000} label={t("accounting.vatRate", { rate: "10 %" })} inputMode="numeric" />
            <Field meta={fields.vat550} label={t("accounting.vatRate", { rate: "5,5 %" })} inputMode="numeric" />
            <Field meta={fields.vat210} label={t("accounting.vatRate", { rate: "2,1 %" })} inputMode="numeric" />
          </div>
        </Card>
        <button type="submit" className={buttonClass}>
          {t("common.save")}
        </button>
      </Form>
    </div>
  );
}

import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { CsrfInput, Field, FieldError, FormErrors, SelectField, buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { creditNoteFields, creditStateOf, creditableInvoice, issueCreditNote, requestOf } from "~/domain/credit-notes/service";
import { CREDIT_NOTE_KINDS } from "~/domain/credit-notes/totals";
import { can } from "~/domain/permissions";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatQuantity } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/credit-note-new";

/** Another organisation's invoice is a 404 whatever the role; then issuing needs `editInvoices`, as finalising does. */
async function load(request: Request, context: Route.LoaderArgs["context"], invoiceId: string) {
  const { organisation, role, user } = await requireMember(request, context, "viewInvoices");
  const invoice = (await creditableInvoice(context.db, organisation.id, invoiceId)) ?? notFound();
  if (!can(role, "editInvoices")) forbidden();
  return { organisation, user, invoice };
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { invoice } = await load(request, context, params.invoiceId);
  const locale = await resolveLocale(request, context);
  const { remaining, creditable } = creditStateOf(invoice);
  return {
    invoice: { id: invoice.id, number: invoice.number ?? "", currency: invoice.currency, issueDate: invoice.issueDate },
    creditable,
    remainingMinor: remaining.totalMinor,
    amountCredited: remaining.amountCredited,
    lines: invoice.lines.map((line) => {
      const left = remaining.lines.find((l) => l.invoiceLineId === line.id);
      return {
        id: line.id,
        description: line.description,
        quantity: formatQuantity(line.quantityThousandths, locale),
        left: formatQuantity(Math.abs(left?.quantityThousandths ?? 0), locale),
        leftThousandths: Math.abs(left?.quantityThousandths ?? 0),
        unitPriceMinor: line.unitPriceMinor,
        vatRateBasisPoints: line.vatRateBasisPoints,
      };
    }),
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, user, invoice } = await load(request, context, params.invoiceId);
  const submission = await parseForm(request, context, creditNoteFields);
  if (submission.status !== "success") return refuse(submission);
  const request_ = requestOf(submission.value, invoice.currency);
  if (!request_.ok) return refuse(submission, { fieldErrors: { [request_.field]: [request_.error] } });
  const issued =
    (await issueCreditNote(context.db, organisation.id, invoice.id, user.id, { request: request_.value, reason: submission.value.reason }, new Date())) ??
    notFound();
  if (!issued.ok) return refuse(submission, { formErrors: [issued.error] });
  context.log.info({ invoiceId: invoice.id, creditNoteId: issued.value.id, number: issued.value.number }, "credit note issued");
  return redirect(`/credit-notes/${issued.value.id}?issued=1`);
}

export default function NewCreditNote() {
  const { t, money } = useI18n();
  const { invoice, creditable, remainingMinor, amountCredited, lines } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData?.result;
  const [form, fields] = useForm({ id: "credit-note", lastResult, defaultValue: { kind: amountCredited ? "amount" : "full", reason: "", amount: "" } });
  const posted = (lastResult?.initialValue?.lines ?? []) as { invoiceLineId?: string; quantity?: string }[];
  const errorsOf = (index: number) => lastResult?.error?.[`lines[${index}].quantity`] ?? undefined;
  const kinds = CREDIT_NOTE_KINDS.filter((kind) => kind !== "lines" || !amountCredited);
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title={t("creditNotes.newTitle", { number: invoice.number })}>
        <p className="text-slate-600">{t("creditNotes.intro")}</p>
      </PageHeader>
      <p className="text-sm font-medium" data-testid="remaining">
        {t("creditNotes.remaining", { amount: money(Math.max(0, remainingMinor), invoice.currency) })}
      </p>
      {!creditable ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {t(remainingMinor <= 0 ? "creditNotes.errors.nothingLeft" : "creditNotes.errors.notFinalised")}
        </p>
      ) : (
        <Form method="post" id={form.id} onSubmit={form.onSubmit} noValidate className="space-y-6">
          <CsrfInput />
          <FormErrors result={lastResult} summary />
          <Card>
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectField meta={fields.kind} label={t("creditNotes.kind")}>
                {kinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`creditNotes.kind.${kind}`)}
                  </option>
                ))}
              </SelectField>
              <Field meta={fields.reason} label={t("creditNotes.reason")} required maxLength={500} />
            </div>
          </Card>
          {amountCredited ? null : (
            <Card title={t("creditNotes.kind.lines")}>
              <table className="w-full text-left text-sm">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-2">{t("invoices.description")}</th>
                    <th className="text-right">{t("invoices.quantity")}</th>
                    <th className="text-right">{t("invoices.unitPrice")}</th>
                    <th className="text-right">{t("creditNotes.quantityLeft")}</th>
                    <th className="w-40 pl-4">{t("creditNotes.quantityToCredit")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {lines.map((line, index) => {
                    const id = `quantity-${line.id}`;
                    const errors = errorsOf(index);
                    return (
                      <tr key={line.id}>
                        <td className="py-2">
                          <label htmlFor={id}>{line.description}</label>
                          <input type="hidden" name={`lines[${index}].invoiceLineId`} value={line.id} />
                        </td>
                        <td className="text-right">{line.quantity}</td>
                        <td className="text-right">{money(line.unitPriceMinor, invoice.currency)}</td>
                        <td className="text-right">{line.left}</td>
                        <td className="pl-4">
                          <input
                            id={id}
                            name={`lines[${index}].quantity`}
                            defaultValue={posted[index]?.quantity ?? ""}
                            inputMode="decimal"
                            disabled={line.leftThousandths === 0}
                            className={inputClass}
                            aria-invalid={errors?.length ? true : undefined}
                            aria-describedby={errors?.length ? `${id}-error` : undefined}
                          />
                          <FieldError id={`${id}-error`} errors={errors as MessageKey[] | undefined} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </Card>
          )}
          <Card title={t("creditNotes.kind.amount")}>
            <Field className="max-w-xs" meta={fields.amount} label={t("creditNotes.amount")} hint={t("creditNotes.amountHint")} inputMode="decimal" />
          </Card>
          <div className="flex flex-wrap gap-3">
            <button className={buttonClass}>{t("creditNotes.submit")}</button>
            <Link className={secondaryButtonClass} to={`/invoices/${invoice.id}`}>
              {t("common.cancel")}
            </Link>
          </div>
        </Form>
      )}
    </div>
  );
}

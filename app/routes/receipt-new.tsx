import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { useMethodLabel } from "~/components/account";
import { CsrfInput, Field, FieldError, FormErrors, SelectField, buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { RECEIPT_METHODS, proposeAllocation } from "~/domain/accounts/allocation";
import { availableCredit } from "~/domain/accounts/credit";
import { openInvoicesOf, readReceipt, receiptObject, recordReceipt } from "~/domain/accounts/receipts";
import { getCustomer } from "~/domain/customers";
import { CURRENCIES } from "~/domain/money";
import { can } from "~/domain/permissions";
import { todayUtc } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { minorToInput } from "~/lib/format";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/receipt-new";

/** Another organisation's customer is a 404 whatever the role; then recording needs `managePayments`. */
async function load(request: Request, context: Route.LoaderArgs["context"], customerId: string) {
  const { organisation, role, user } = await requireMember(request, context);
  const customer = (await getCustomer(context.db, organisation.id, customerId)) ?? notFound();
  if (!can(role, "managePayments")) forbidden();
  return { organisation, customer, user };
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, customer } = await load(request, context, params.customerId);
  const locale = await resolveLocale(request, context);
  const invoices = await openInvoicesOf(context.db, organisation.id, customer.id);
  // Opened from an invoice's page: that invoice's due, allocated to it.
  const from = invoices.find((i) => i.id === new URL(request.url).searchParams.get("invoiceId"));
  const currency = from?.currency ?? invoices[0]?.currency ?? organisation.defaultCurrency;
  return {
    customer: { id: customer.id, name: customer.name },
    invoices,
    credit: await availableCredit(context.db, organisation.id, customer.id),
    defaults: {
      method: "transfer",
      receivedOn: todayUtc(new Date()).toISOString().slice(0, 10),
      currency,
      amount: from ? minorToInput(from.amountDueMinor, from.currency, locale) : "",
      reference: "",
    },
    shares: from ? { [from.id]: minorToInput(from.amountDueMinor, from.currency, locale) } : {},
  };
}

const receiptAction = receiptObject.extend({ intent: z.enum(["propose", "record"], { error: "errors.unknownAction" }) }).transform(readReceipt);

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, customer, user } = await load(request, context, params.customerId);
  const submission = await parseForm(request, context, receiptAction);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  if (input.intent === "propose") {
    const [invoices, locale] = await Promise.all([openInvoicesOf(context.db, organisation.id, customer.id), resolveLocale(request, context)]);
    const proposal = proposeAllocation(invoices, input.amountMinor, input.reference, input.currency);
    const shares = Object.fromEntries(invoices.map((i) => [i.id, ""]));
    for (const line of proposal) shares[line.invoiceId] = minorToInput(line.amountMinor, input.currency, locale);
    return { result: replyTo(submission), shares, proposedAt: Date.now() };
  }
  const recorded = (await recordReceipt(context.db, organisation.id, customer.id, user.id, input)) ?? notFound();
  if (!recorded.ok) {
    const index = input.allocations.findIndex((l) => l.invoiceId === recorded.invoiceId);
    return refuse(submission, index >= 0 ? { fieldErrors: { [`allocations[${index}].amount`]: [recorded.error] } } : { formErrors: [recorded.error] });
  }
  return redirect(`/receipts/${recorded.receiptId}?recorded=${recorded.creditMinor}`);
}

export default function RecordReceipt() {
  const { t, money, date } = useI18n();
  const methodLabel = useMethodLabel();
  const { customer, invoices, credit, defaults, shares } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData?.result;
  const [form, fields] = useForm({ id: "receipt", lastResult, defaultValue: defaults });
  const posted = (lastResult?.initialValue?.allocations ?? []) as { invoiceId?: string; amount?: string }[];
  const proposed = actionData && "shares" in actionData ? actionData.shares : null;
  const shareOf = (invoiceId: string) => proposed?.[invoiceId] ?? posted.find((l) => l?.invoiceId === invoiceId)?.amount ?? shares[invoiceId] ?? "";
  const errorsOf = (index: number) => lastResult?.error?.[`allocations[${index}].amount`] ?? undefined;
  const creditLines = Object.entries(credit).filter(([, minor]) => minor !== 0);
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title={t("receipt.recordTitle", { customer: customer.name })}>
        <p className="text-slate-600">{t("receipt.intro")}</p>
      </PageHeader>
      {creditLines.map(([currency, minor]) => (
        <p key={currency} className="text-sm text-slate-700">
          {t("account.credit.available", { amount: money(minor, currency) })}
        </p>
      ))}
      <Form method="post" id={form.id} onSubmit={form.onSubmit} noValidate className="space-y-6">
        <CsrfInput />
        <FormErrors result={lastResult} summary />
        <Card>
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField meta={fields.method} label={t("receipt.method")}>
              {RECEIPT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {methodLabel(m)}
                </option>
              ))}
            </SelectField>
            <Field meta={fields.receivedOn} type="date" label={t("receipt.receivedOn")} required />
            <Field meta={fields.amount} label={t("receipt.amount")} inputMode="decimal" required />
            <SelectField meta={fields.currency} label={t("receipt.currency")}>
              {CURRENCIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
            <Field className="sm:col-span-2" meta={fields.reference} label={t("receipt.reference")} />
          </div>
        </Card>
        <Card title={t("receipt.allocation")}>
          {invoices.length === 0 ? (
            <p className="text-slate-600">{t("receipt.noOpenInvoices")}</p>
          ) : (
            <>
              <p className="mb-3 text-sm text-slate-600">{t("receipt.allocationHint")}</p>
              <table className="w-full text-left text-sm">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-2">{t("receipt.invoice")}</th>
                    <th>{t("receipt.dueDate")}</th>
                    <th className="text-right">{t("receipt.due")}</th>
                    <th className="w-40 pl-4">{t("receipt.share")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {invoices.map((invoice, index) => {
                    const id = `share-${invoice.id}`;
                    const errors = errorsOf(index);
                    return (
                      <tr key={invoice.id}>
                        <td className="py-2">
                          <label htmlFor={id}>{invoice.number}</label>
                          <input type="hidden" name={`allocations[${index}].invoiceId`} value={invoice.id} />
                        </td>
                        <td>{date(invoice.dueDate)}</td>
                        <td className="text-right">{money(invoice.amountDueMinor, invoice.currency)}</td>
                        <td className="pl-4">
                          <input
                            key={`${invoice.id}-${actionData && "proposedAt" in actionData ? actionData.proposedAt : 0}`}
                            id={id}
                            name={`allocations[${index}].amount`}
                            defaultValue={shareOf(invoice.id)}
                            inputMode="decimal"
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
            </>
          )}
        </Card>
        <div className="flex flex-wrap gap-3">
          <button name="intent" value="record" className={buttonClass}>
            {t("receipt.submit")}
          </button>
          {invoices.length ? (
            <button name="intent" value="propose" className={secondaryButtonClass}>
              {t("receipt.propose")}
            </button>
          ) : null}
          <Link className={secondaryButtonClass} to={`/customers/${customer.id}`}>
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </div>
  );
}

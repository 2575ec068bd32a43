import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { useMethodLabel } from "~/components/account";
import { CsrfInput, FormErrors, FormMessage, TextareaField, dangerButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { getReceipt, reversalFields, reverseReceipt } from "~/domain/accounts/receipts";
import { can } from "~/domain/permissions";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/receipt";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context, "viewInvoices");
  const receipt = (await getReceipt(context.db, organisation.id, params.receiptId)) ?? notFound();
  const allocated = receipt.allocations.reduce((sum, a) => sum + a.amountMinor, 0);
  return { receipt, unallocatedMinor: receipt.amountMinor - Math.abs(allocated), canReverse: can(role, "managePayments") };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role, user } = await requireMember(request, context);
  if (!(await getReceipt(context.db, organisation.id, params.receiptId))) notFound();
  if (!can(role, "managePayments")) forbidden();
  const submission = await parseForm(request, context, reversalFields);
  if (submission.status !== "success") return refuse(submission);
  const reversed = (await reverseReceipt(context.db, organisation.id, params.receiptId, user.id, submission.value.reason, todayUtc(new Date()))) ?? notFound();
  if (!reversed.ok) return refuse(submission, { formErrors: [reversed.error] });
  return redirect(`/receipts/${params.receiptId}?reversed=1`);
}

export default function ReceiptPage() {
  const { t, money, date } = useI18n();
  const methodLabel = useMethodLabel();
  const { receipt, unallocatedMinor, canReverse } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [search] = useSearchParams();
  const [form, fields] = useForm({ id: "reverse", lastResult: actionData?.result });
  const recordedCredit = Number(search.get("recorded"));
  const isReversal = receipt.kind === "reversal";
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title={isReversal ? t("receipt.kind.reversal") : `${t("receipt.title")} — ${methodLabel(receipt.method)}`}>
        <p className="text-slate-600">
          <Link className="text-blue-700 hover:underline" to={`/customers/${receipt.customer.id}`}>
            {receipt.customer.name}
          </Link>
        </p>
      </PageHeader>
      {search.has("recorded") ? (
        <FormMessage success={recordedCredit > 0 ? t("receipt.recordedCredit", { amount: money(recordedCredit, receipt.currency) }) : t("receipt.recorded")} />
      ) : null}
      {search.has("reversed") ? <FormMessage success={t("receipt.reversalDone")} /> : null}
      {receipt.reversal ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" role="status">
          {t("receipt.reversed", { date: date(receipt.reversal.receivedOn), name: receipt.reversal.recordedBy.name, reason: receipt.reversal.reason })}
        </p>
      ) : null}
      <Card title={t("receipt.details")}>
        <dl className="grid grid-cols-2 gap-2 text-sm">
          <dt className="text-slate-500">{t("receipt.method")}</dt>
          <dd>{methodLabel(receipt.method)}</dd>
          <dt className="text-slate-500">{isReversal ? t("account.date") : t("receipt.receivedOn")}</dt>
          <dd>{date(receipt.receivedOn)}</dd>
          <dt className="text-slate-500">{t("receipt.amount")}</dt>
          <dd className="font-medium">{money(receipt.amountMinor, receipt.currency)}</dd>
          {receipt.reference ? (
            <>
              <dt className="text-slate-500">{t("receipt.reference")}</dt>
              <dd>{receipt.reference}</dd>
            </>
          ) : null}
          {isReversal ? (
            <>
              <dt className="text-slate-500">{t("receipt.reason")}</dt>
              <dd>{receipt.reason}</dd>
            </>
          ) : null}
        </dl>
        <p className="mt-3 text-xs text-slate-500">{t("receipt.recordedBy", { name: receipt.recordedBy.name, date: date(receipt.createdAt) })}</p>
        {receipt.reverses ? (
          <p className="mt-2 text-sm">
            <Link className="text-blue-700 hover:underline" to={`/receipts/${receipt.reverses.id}`}>
              {t("receipt.reversalOf", { date: date(receipt.reverses.receivedOn) })}
            </Link>
          </p>
        ) : null}
      </Card>
      <Card title={t("receipt.allocations")}>
        <ul className="space-y-1 text-sm">
          {receipt.allocations.map((a) => (
            <li key={a.id}>
              <Link className="text-blue-700 hover:underline" to={`/invoices/${a.invoice.id}`}>
                {a.invoice.number}
              </Link>
              {" — "}
              {money(a.amountMinor, a.currency)}
            </li>
          ))}
        </ul>
        {!isReversal && unallocatedMinor > 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t("receipt.unallocated", { amount: money(unallocatedMinor, receipt.currency) })}</p>
        ) : null}
      </Card>
      {receipt.debitRequestId && !receipt.reversal ? (
        <p className="text-sm text-slate-600">
          <Link className="text-blue-700 hover:underline" to="/debit-files">
            {t("receipt.errors.debitFile")}
          </Link>
        </p>
      ) : canReverse && !isReversal && !receipt.reversal ? (
        <Card title={t("receipt.reverse")}>
          <Form method="post" id={form.id} onSubmit={form.onSubmit} noValidate className="space-y-3">
            <CsrfInput />
            <FormErrors result={actionData?.result} placed={["reason"]} />
            <p className="text-sm text-slate-600">{t("receipt.reverseHint")}</p>
            <TextareaField meta={fields.reason} label={t("receipt.reason")} required />
            <button className={dangerButtonClass}>{t("receipt.reverse")}</button>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

import { Link, redirect, useActionData, useLoaderData } from "react-router";
import { InvoiceForm, type InvoiceFormValues } from "~/components/invoice-form";
import { Card, PageHeader } from "~/components/page";
import { activeCustomers } from "~/domain/customers";
import { draftSchema } from "~/domain/invoices/draft";
import { NO_VAT_EXEMPTION } from "~/domain/invoices/mentions";
import { createDraft } from "~/domain/invoices/service";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/invoices-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "editInvoices");
  const customers = await activeCustomers(context.db, organisation.id);
  const today = todayUtc(new Date());
  const due = new Date(today.getTime() + organisation.paymentTermsDays * 86400_000);
  const customerId = new URL(request.url).searchParams.get("customerId") ?? "";
  const values: InvoiceFormValues = {
    customerId: customers.some((c) => c.id === customerId) ? customerId : "",
    currency: organisation.defaultCurrency,
    issueDate: today.toISOString().slice(0, 10),
    dueDate: due.toISOString().slice(0, 10),
    onlinePayment: organisation.onlinePaymentDefault ? "on" : "",
    operationNature: organisation.operationNature,
    vatExemption: organisation.vatExemptionDefault || NO_VAT_EXEMPTION,
  };
  return { customers, values };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "editInvoices");
  const submission = await parseForm(request, context, (form) => draftSchema(form.get("currency")));
  if (submission.status !== "success") return refuse(submission);
  const created = await createDraft(context.db, organisation.id, submission.value);
  if (!created.ok) return refuse(submission, created.field ? { fieldErrors: { [created.field]: [created.error] } } : { formErrors: [created.error] });
  return redirect(`/invoices/${created.value.id}`);
}

export default function NewInvoice() {
  const { t } = useI18n();
  const { customers, values } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-5xl">
      <PageHeader title={t("invoices.new")} />
      <Card>
        {customers.length === 0 ? (
          <p>
            {t("invoices.noCustomers")}{" "}
            <Link className="text-blue-700 underline" to="/customers/new">
              {t("customers.new")}
            </Link>
          </p>
        ) : (
          <InvoiceForm defaultValue={values} lastResult={actionData?.result} customers={customers} submitLabel={t("invoices.saveDraft")} />
        )}
      </Card>
    </div>
  );
}
